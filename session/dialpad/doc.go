// Package dialpad is the Dialpad half of a live session: the websocket
// and its event subscriptions managed over REST, a socket whose URL dies
// an hour after it was issued, rotated before that without losing an
// event.
//
// Prepare creates the websocket (POST /api/v2/websockets, with the secret
// if one was given) or reuses one (--websocket), creates the asked-for
// subscriptions attached to it, and dials its websocket_url; every later
// Prepare fetches a fresh URL with GET /api/v2/websockets/{id}. The
// Target expires when the URL token does, rotates before that (40% of
// the lifetime ahead, at most five minutes: the hour-long URL is replaced
// at 55 minutes, as a third-party design note advises), opens the next
// connection before closing the old one, and treats any close the server
// sends as a reason to fetch a fresh URL at once. The Decoder
// (protocol/dialpad) removes what the overlap delivers twice and reports
// windows with no connection as possible loss.
//
// Editing the subscriptions (set_filters, the editor's lines in the
// --subscribe syntax) creates, updates, disables and deletes them over
// REST, one exchange at a time; a refusal stops the rest and is shown,
// and what is in force stays as the server last said. At the end the
// session deletes what it created, unless Config.Keep.
package dialpad
