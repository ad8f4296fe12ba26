// Package session is a live session with an event-push service: the
// generic engine that connects, keeps the connection alive, notices when
// it dies, reconnects with capped exponential backoff and full jitter,
// rotates connections whose target expires, and publishes everything it
// sees as a stream of protocol.Updates, steered by protocol.Commands.
//
// The engine knows no provider. A Provider (session/ringcentral, …) says
// what to connect to (Prepare returns a Target), what to send first
// (Opened), what a received frame means (its protocol.Decoder, whose
// typed message the engine hands to Receive) and what a keepalive looks
// like (Heartbeat). The docs/session.md page has the timings and the
// phases; the rules a caller relies on are here.
//
// # Transports
//
// A Target names its Transport:
//
//   - TransportWebSocket (the default) upgrades Target.URL with the
//     Target's headers, subprotocols and Origin, and the TLS settings of
//     Options (Insecure, CAFile, RootCAs). A refused upgrade is a drop
//     whose State carries HTTPStatus and, in Info, the answer's headers
//     by canonical name (Www-Authenticate, …), sanitised, at most 32;
//     a 4xx refused twice in a row before the session ever worked is
//     final (PhaseRejected, Run returns the *RejectedError).
//   - TransportLongPoll runs a loop of HTTP requests that the Provider's
//     Poller builds, each from the state the previous answer left (PubNub's
//     timetoken). Each request is a sent http frame, each answer a received
//     one (protocol.HTTPRequest and HTTPResponse as JSON), decoded and handed
//     to Receive. A poll held by the server is the normal state: no read
//     deadline applies, only Options.PollTimeout (310 s, above PubNub's
//     ~280 s hold). A network error, a timed-out poll or an answer other than
//     2xx ends the connection as a drop with that cause; a 4xx is a refusal
//     like a refused upgrade. Nothing can be sent on a long-poll.
//
// # Goroutines
//
// Run's goroutine prepares, dials, waits out backoffs, runs commands and
// plans rotations. Each connection has one reader (for a WebSocket, the
// only caller of NextReader; for a long-poll, the loop of requests),
// which also runs the Provider's Receive; a WebSocket has one writer too,
// the only writer of data frames, pings and pongs. The reader never
// writes: a ping is answered by the writer, with the latest ping's payload
// only (RFC 6455 §5.5.3), so a ping flood starves neither. Close frames go
// through gorilla's WriteControl, which it allows concurrently. During a
// make-before-break rotation, a second goroutine prepares and opens the
// next connection, and both connections' readers and writers run at once.
//
// # Delivery rules
//
//   - emit is called for every Update, in the order things happened, from
//     whichever goroutine saw them (Run's, a reader, a writer, a
//     Provider's timers), never concurrently: calls are serialised by a
//     mutex, under which the Provider's decoder runs too. Nothing is
//     dropped or coalesced by the session: every frame read and written
//     (pings and pongs included, but a pong answers only the latest of
//     the pings that arrived before the writer got to it), every REST
//     exchange and poll, every phase change, and all the decoder derives
//     reach emit. Counting what a slow consumer skips is the consumer's
//     job, not the session's.
//   - emit is the only thing a reader ever blocks on (besides the
//     Provider's own short critical sections). A slow emit therefore
//     delays reading, which can make a WebSocket miss its read deadline
//     and be reported dropped with "heartbeat timeout". The caller must
//     hand Updates to something that does not block (a buffered queue).
//   - Frames to send (Provider requests, the send command) are queued
//     without bound and written by the writer in order; Do never blocks
//     on the network. A sent Update is published just before its frame is
//     written, so it always precedes the answer's received one.
//   - Do queues a command on a buffered channel; when that channel is full
//     Do returns an error instead of blocking, and the command is not
//     executed.
//   - After Run returns, emit is never called again, and Link.REST
//     refuses.
//
// # Limits
//
// A WebSocket message larger than Options.ReadLimit (4 MiB) is not read:
// an error Update names the limit, the connection is replaced, and
// everything received before it has been published. A REST or poll answer
// body over the same limit fails that request. A server that breaks the
// WebSocket protocol (a control frame over 125 bytes, such as a 10 KB
// close reason) is reported as a protocol error and reconnected; close
// reasons, ping payloads and causes are sanitised (no control characters
// or escape sequences) and bounded before they are published.
//
// # Backoff
//
// After a drop the session waits Backoff.Delay(attempt) — full jitter in
// [0, min(Max, Base·2^(attempt−1))] — or longer if the server said so in a
// Retry-After (429, 503; at most MaxRetryAfter). The attempt count
// restarts when a connection was working (Link.Working: subscribed,
// recovered), however short it was, or healthy (Link.Healthy: greeting) for
// Options.StableAfter. MaxRetries counts attempts that never became
// healthy. A connection that is not working within Target.WorkingTimeout
// is dropped and retried, so a subscription the server never answers does
// not leave an unattended session idle for ever. A resume command ends a
// backoff wait at once.
//
// A Provider may end a connection as a planned replacement
// (Link.Replace: a PubNub renewal moved the channel): that is a rotation
// too, with no backoff.
//
// A refusal no retry can cure (PubNub's 403: its own clients stop for
// good) halts the session instead: the Provider calls Link.Halt, or
// Prepare returns a *HaltError. The session publishes PhaseRejected with
// the cause and waits, serving commands, until the operator sends resume
// (or set_filters, which the Provider takes first); it then prepares
// again from the first backoff step.
//
// # Rotation
//
// A Target may expire (Target.ExpiresAt). RotateLead before it (by default
// 10% of its lifetime, at most a minute, never before half of it) the
// session publishes PhaseRotating and calls Prepare again. With
// MakeBeforeBreak, the next connection is opened while the current one
// still runs; its phases are published as rotating until it reports
// PhaseLive (or Link.Working), then as they are, and only then is the old
// one closed ("rotated to connection N"). Without it, the old one is
// closed first and the next opened at once. A server close that
// Target.ReplaceOnClose accepts is handled the same way, at once. None of
// this is a failure: no dropped state, no backoff, no attempt counted.
// If the old connection dies before the new one is live, that is a drop
// of the old one (an outage window, see protocol.Outages), and the new one
// takes over. If the next connection cannot be prepared or opened, the
// current one stays and the rotation is retried after a backoff step,
// never sooner than the server's Retry-After (which, should the current
// connection end meanwhile, also holds back the reconnect).
//
// # REST
//
// Link.REST is the one way a Provider makes HTTP calls (a token, a
// subscription, a fresh socket URL, a renewal), from Prepare, Opened,
// Receive, its own timers or End. Each request is published as a sent
// http frame with the client's own credentials masked — Authorization
// (scheme kept), Cookie and key/token/secret headers; secret query
// parameters; password, secret, assertion, refresh_token and similar form
// and JSON fields, at any depth; and any value in Request.Mask — and each
// answer verbatim as a received one, with its duration (what the server
// issues is the recorder's to redact). A mask is ***, or under
// WithPlaceholders the value's placeholder (evtap passes the recorder's,
// so a token presented is named as the answer that issued it is, and two
// credentials are never named alike); the URL of a state is masked the
// same way (Target.Masked, ShownURL). Answers are classified: 2xx nil;
// a 4xx other than 408 and 429 a *RejectedError with the status, the
// provider's code and message and the answer's headers; 408, 429, 5xx and
// network errors a *Retryable, with Retry-After. The Response comes back
// with the error, its body for the Provider's own parsing and Msg, what
// its decoder made of the answer frame.
package session
