// Package session is a live connection to an event-subscription
// WebSocket: the token flow, dial, subscribe, heartbeat, dead-connection
// detection, reconnect with capped exponential backoff and full jitter,
// session recovery and sequence-gap detection, published as a stream of
// protocol.Updates and steered by protocol.Commands.
//
// The package is the generic engine. It owns the gorilla connection and
// knows no provider: what to dial, what to send first, how to read a
// frame and what a keepalive looks like come from a Provider
// (session/ringcentral is the first). VoIPBin (no greeting, subscribe by
// sending topics) and Dialpad (REST-managed subscriptions, receive-only
// socket, hourly URL) fit the same interface: their Prepare does the REST
// work, their Opened sends topics or nothing, and their Heartbeat may
// return nothing.
//
// # Goroutines
//
// A Session runs one connection at a time. For it there is exactly one
// reader goroutine (the only caller of ReadMessage, which also runs the
// Provider's Receive) and one writer goroutine (the only writer of data
// frames, and the sender of pings and provider heartbeats). Run's own
// goroutine dials, waits, backs off and executes commands. Gorilla's
// WriteControl is used only for pongs and close frames, which it allows
// concurrently with the writer.
//
// # Delivery rules
//
//   - emit is called for every Update, in the order things happened,
//     from whichever of the session's goroutines saw them (Run's, the
//     reader, the writer, a Provider's timers), but never concurrently
//     (calls are serialised by a mutex). Nothing is dropped
//     or coalesced by the session: every frame read and written, every
//     phase change, every event, gap and heartbeat reaches emit.
//   - emit is the only thing the reader ever blocks on (besides the
//     Provider's own short critical sections, which may themselves be
//     waiting for emit). A slow emit
//     therefore delays reading, which can make the connection miss its
//     read deadline and be reported dropped with "heartbeat timeout". The
//     caller must hand Updates to something that does not block (a
//     buffered queue); counting what a slow consumer skipped is the
//     consumer's job, not the session's.
//   - Frames to send (Provider requests, the send command) are queued
//     without bound and written by the writer in order; Do never blocks
//     on the network. A "sent" Update is published just before the frame
//     is written, so it always precedes the answer's "recv".
//   - Do queues a command on a buffered channel; when that channel is
//     full Do returns an error instead of blocking, and the command is
//     not executed.
//   - After Run returns, emit is never called again.
package session
