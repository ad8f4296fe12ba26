// Package dialpad is evtap's emulator of Dialpad's event WebSockets: the
// REST resources that manage them (websockets and the call, sms,
// agent_status, contact and changelog event subscriptions, under
// /api/v2), the receive-only socket at /events/<token>, a seeded
// generator of call legs, SMS and agent status changes, a ledger of every
// event generated and where it was routed, and a control API.
//
// It is built from the provider documents alone (the seed document, the
// wire notes in shared/protocols/dialpad.md and Dialpad's OpenAPI spec),
// never from evtap's client (protocol/dialpad, session/dialpad), so that
// the two cannot share a mistake. docs/emulator-dialpad.md describes what
// it does and every choice it made where the documents are silent.
package dialpad
