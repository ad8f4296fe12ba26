// Package voipbin is the VoIPBin half of a live session
// (session.Provider): the credential (a JWT, an access key, or a login
// with username and password), the topic subscription over
// /v1.0/ws, live topic edits, and what VoIPBin's keepalive looks like
// from the client.
//
// VoIPBin acknowledges nothing and says nothing on connect (A1, A3 of
// shared/protocols/voipbin.md): the only refusal of a topic is a dropped
// connection with no close frame. So topics are validated locally before
// anything is sent, and a connection counts as live once it has survived
// a short quiet delay after its subscribe frame, as VoIPBin's own client
// does; a drop inside that delay after a topic change is blamed on the
// change, named, and the previous topic set is restored for the next
// connection. The server keeps no topics across connections, so every
// connection subscribes the whole set again, and since there is no resume
// token the decoder reports the outage as a window in which events may
// have been lost.
package voipbin
