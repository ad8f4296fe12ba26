// Package voipbin is evtap's emulator of VoIPBin's topic WebSocket: the
// login endpoint that mints its JWTs, the socket at /v1.0/ws (and
// /v1.0/service_agents/ws) with VoIPBin's authentication order, topic
// grammar and permission rules, raw-prefix matching with publication
// under every topic string production uses, its keepalive and its
// bounded per-connection buffer, and generated events for every
// customer-visible event type. The lifecycle, banner, control API,
// scenarios, faults, limits and counters come from the shared core,
// sim/emu.
//
// It is built from the VoIPBin document (shared/seeds/002) and the wire
// notes (shared/protocols/voipbin.md) alone. It never imports evtap's
// client (protocol/voipbin, session/voipbin): if both were built from each
// other they could be wrong the same way and every test would still pass.
// Where the document and the notes disagree, the notes (read from the
// source production runs) win; docs/emulator-voipbin.md lists each case.
package voipbin
