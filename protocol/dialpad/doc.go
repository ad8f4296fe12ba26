// Package dialpad is Dialpad's event WebSocket as evtap reads it: the
// REST resources that manage it (websockets and the five kinds of event
// subscription, from the vendor's OpenAPI spec), the URL token, the
// `--subscribe` syntax, HS256 verification of signed frames, the row
// summary of call, SMS and agent-status events, and the Decoder.
//
// Dialpad's socket is receive-only and its URL dies an hour after it was
// issued. The session (session/dialpad) fetches a fresh URL before that
// and opens the next connection before closing the old one; the Decoder
// marks the events the overlap delivers twice as duplicates and reports
// the windows in which no connection was delivering (protocol.Outages),
// since Dialpad numbers nothing and cannot say what was missed.
//
// Everything here is pure: no sockets, no clock, no goroutines.
package dialpad

// ProviderName is Event.Provider for Dialpad events.
const ProviderName = "dialpad"
