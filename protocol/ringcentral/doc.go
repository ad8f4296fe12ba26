// Package ringcentral is the RingCentral WebSocket API (the WSG gateway)
// and the REST calls around it, as Go types: the OAuth token grants, the
// wstoken request, the JSON-array frames ([meta] or [meta, body]) of
// ConnectionDetails, ClientRequest and its response, ServerNotification,
// Heartbeat and Error, the wsc recovery context, and a pure summary of
// each notification into row cells.
//
// Sources: the provider documents in shared/seeds (000, 001, 003) and
// shared/protocols/ringcentral.md, which records what the official SDKs
// do where the documents are silent. Both evtap's client (session) and its
// emulator (sim) speak through this package; it never opens a socket.
package ringcentral
