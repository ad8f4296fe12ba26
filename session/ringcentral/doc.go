// Package ringcentral is the RingCentral half of a live session: the
// OAuth token and wstoken REST calls, the socket URL with access_token and
// wsc, what to do on ConnectionDetails (recover, or subscribe on a new
// session), the subscription ClientRequest and its retry when the server
// does not answer, the Heartbeat frame, and the wsc token to present next.
// The socket itself is the generic engine's (package session); every frame
// is read by protocol/ringcentral.Decoder, which derives the events, gaps,
// subscription answers and heartbeat round trips and hands this package
// typed messages to act on.
//
// Liberal in what it accepts: wsc may be absent on any frame, a body may
// be missing or null, answers may come in any order or not at all, and an
// unknown message type or an undecodable frame is reported while the
// session goes on. Strict in what it sends: frames are built by
// protocol/ringcentral.Encode, one-element arrays when there is no body,
// nothing before ConnectionDetails.
package ringcentral
