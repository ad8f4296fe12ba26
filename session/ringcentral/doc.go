// Package ringcentral is the RingCentral half of a live session: the
// OAuth token and wstoken REST calls, the socket URL with access_token and
// wsc, ConnectionDetails, the subscription ClientRequest and its answer
// (matched by messageId), the Heartbeat frame, wsc tracking as the
// official SDKs do it, and sequence-gap detection. The socket itself is
// the generic engine's (package session).
//
// Liberal in what it accepts: wsc may be absent on any frame, a body may
// be missing or null, answers may come in any order, and an unknown
// message type or an undecodable frame is reported as an error Update
// while the session goes on. Strict in what it sends: frames are built by
// protocol/ringcentral.Encode, one-element arrays when there is no body,
// nothing before ConnectionDetails.
package ringcentral
