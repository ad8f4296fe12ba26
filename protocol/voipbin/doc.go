// Package voipbin is VoIPBin's topic WebSocket as Go types and rules:
// the topic grammar and the server's permission checks (a validator that
// says why a topic would make the server drop the connection), the JWT
// claims a credential carries (decoded, never verified), the subscribe
// and unsubscribe frames, the topic strings the server publishes each
// event under, the event payloads with their type inferred from their
// shape (frames carry none), a pure summary of each into row cells, and
// the Decoder every session, replay and import runs.
//
// Sources: the provider document in shared/seeds (002) and
// shared/protocols/voipbin.md, which records what VoIPBin's server source
// and its one real socket client do; section names below (A4, A7, …) are
// that file's. Standard library only: no sockets, no goroutines, no
// clock.
package voipbin

// ProviderName is what Event.Provider says for VoIPBin events.
const ProviderName = "voipbin"
