// Package ringcentral is the RingCentral WebSocket API (the WSG gateway)
// and the REST calls around it, as Go types: the OAuth token grants, the
// wstoken request, the JSON-array frames ([meta] or [meta, body]) of
// ConnectionDetails, ClientRequest and its response, ServerNotification,
// Heartbeat and Error, the wsc recovery context, and a pure summary of
// each notification into row cells.
//
// Decoder is the provider's protocol.Decoder: the one place frames become
// events, gaps, subscription answers and heartbeat round trips, for the
// live session, replay and import alike. docs/ringcentral-notes.md states
// its rules.
//
// Sources: the provider documents in shared/seeds (000, 001, 003) and
// shared/protocols/ringcentral.md, which records what the official SDKs
// do where the documents are silent. It never opens a socket.
package ringcentral
