package session

import (
	"context"
	"net/http"
	"time"

	"github.com/evtap/evtap/protocol"
)

// Provider is the provider-specific half of a session. The engine calls
// Prepare and Opened from Run's goroutine (or, during a make-before-break
// rotation, from the goroutine preparing the next connection), Receive
// from the connection's reader, and Heartbeat from its writer, so an
// implementation guards its own state. During a make-before-break
// rotation two connections run at once: Link.Conn tells them apart. A
// Provider must never block in Receive or Heartbeat on anything but
// Link.Emit.
type Provider interface {
	// Name is the provider's name as written in Event.Provider.
	Name() string
	// Decoder is the provider's decoder. The engine runs it over every
	// Update it publishes (frames both ways, REST exchanges, states,
	// markers), under the lock that orders Updates, and publishes what
	// it derives right after the Update it came from. It is called
	// once, before Run.
	Decoder() protocol.Decoder
	// Prepare does whatever must happen before a dial (token flow, REST
	// calls through Link.REST) and says what to dial. It publishes its
	// own phases (getting_token) through l. A *RejectedError is final
	// when the session has never worked; any other error is retried
	// with backoff (a *Retryable's RetryAfter is honoured).
	Prepare(ctx context.Context, l Link) (Target, error)
	// Opened runs once the connection is open, before anything is read
	// from it; frames it sends go out first.
	Opened(l Link)
	// Receive acts on the typed message the decoder returned for a
	// received WebSocket frame or long-poll answer (never nil), after
	// the frame and what the decoder derived from it were published.
	// It runs on the connection's reader. (Answers to Link.REST go back
	// to its caller in Response.Msg instead.)
	Receive(l Link, msg any)
	// Heartbeat returns the provider's keepalive frame, sent on a
	// WebSocket when nothing was received or sent for
	// Options.HeartbeatInterval; nil sends none.
	Heartbeat(l Link) []byte
	// Lost runs when the session is left with no connection (a drop, a
	// failed dial, a rotation that closes before it opens), before any
	// backoff, with the time it was noticed. It does not run when a
	// make-before-break rotation retires a connection.
	Lost(at time.Time)
	// SetFilters replaces the subscription's filters. l is nil while no
	// connection is open; the provider then keeps them for the next one.
	SetFilters(l Link, filters []string) error
}

// Poller is implemented by a Provider whose Targets use TransportLongPoll.
// The long-poll transport calls Poll on the connection's reader for each
// request of the loop: the first right after Opened, each next one after
// the previous answer was published and handed to Receive (so the cursor
// the answer carried, PubNub's timetoken, is already known). An error
// ends the connection as a drop with that cause.
type Poller interface {
	Poll(l Link) (Request, error)
}

// Ender is implemented by a Provider with work to do when the session
// ends (delete a subscription it created, send a presence leave). End
// runs once, on Run's goroutine, after the last connection has closed
// and before the final closed state; ctx is bounded by
// Options.EndTimeout. Link.REST works in it.
type Ender interface {
	End(ctx context.Context, l Link)
}

// Transport says how the engine reaches a Target.
type Transport string

// The transports.
const (
	// TransportWebSocket upgrades Target.URL to a WebSocket. It is the
	// zero value's meaning.
	TransportWebSocket Transport = "websocket"
	// TransportLongPoll runs a loop of HTTP requests, each built by the
	// Provider's Poller; every answer is a received http frame.
	TransportLongPoll Transport = "long-poll"
)

// Target is where to connect, from Prepare.
type Target struct {
	URL    string      // the URL with its secrets
	Masked string      // the same URL for display, secrets masked
	Header http.Header // extra upgrade headers (a bearer token, …)
	// Subprotocols are offered in Sec-WebSocket-Protocol, in order of
	// preference; the one the server chose is in the upgraded state's
	// Info["subprotocol"].
	Subprotocols []string
	// Origin, when set, is sent as the upgrade's Origin header.
	Origin string
	// Transport is how to connect; "" means TransportWebSocket.
	Transport Transport
	// Phase is what the connection pane shows while dialling:
	// PhaseDialing, or PhaseRecovering when a recovery token is presented.
	Phase    protocol.Phase
	Recovery *protocol.Recovery // the recovery context presented, if any

	// ExpiresAt is when the target stops working (a URL whose token
	// dies after an hour); zero means never. The engine rotates the
	// connection RotateLead before it: PhaseRotating, a fresh Prepare,
	// and a new connection, with no backoff and no attempt counted.
	ExpiresAt time.Time
	// RotateLead is how long before ExpiresAt the rotation starts; zero
	// takes Options.RotateLead. A rotation never starts before half the
	// target's lifetime has passed.
	RotateLead time.Duration
	// MakeBeforeBreak asks for the next connection to be opened, and to
	// report PhaseLive (or Link.Working), before this one is closed, so
	// nothing is lost in between. Both connections' frames are
	// published meanwhile, each with its own Conn; removing the events
	// the overlap delivers twice is the decoder's job. Without it the
	// old connection is closed first and the new one opened at once.
	MakeBeforeBreak bool
	// ReplaceOnClose, when set, is asked about every close frame the
	// server sends on this connection; true means "prepare a fresh
	// target now": PhaseRotating and an immediate reconnect, not a drop
	// with backoff. It applies only to a connection that was healthy,
	// and only once in a row to connections shorter than
	// Options.StableAfter, so a server that closes at once every time
	// still gets backoff.
	ReplaceOnClose func(code int, reason string) bool
	// WorkingTimeout, when positive, ends a connection that has not
	// called Link.Working this long after it opened (a subscription
	// never answered): it is dropped and retried with backoff.
	WorkingTimeout time.Duration
}

// Link is what a Provider sees of the engine for one connection (or, in
// Prepare, for the connection being prepared). A Link stays usable after
// its connection ended: Emit, State and REST then still publish with its
// connection number until Run returns.
type Link interface {
	// Conn is the connection number (1 = first dial).
	Conn() int
	// Now is the session's clock.
	Now() time.Time
	// Emit publishes an Update; Time, Offset and Conn are filled in.
	Emit(u protocol.Update)
	// State publishes a phase change. While a make-before-break
	// rotation is under way, the new connection's phases are published
	// as PhaseRotating (Cause names the phase) and the last one as it
	// is when the handover completes, so the pane shows rotating → live.
	State(s protocol.State)
	// Send queues a text frame for the writer; it never blocks. It
	// reports false if the connection is closing or cannot send (a
	// long-poll).
	Send(data []byte) bool
	// Healthy says the provider accepted the connection (its greeting
	// arrived): the failure count that leads to ErrGaveUp restarts.
	Healthy()
	// Working says the connection is fully working: subscribed, or
	// recovered. It implies Healthy, restarts the backoff from its
	// first step (a drop after it waits the first step again, however
	// short the connection was), completes a make-before-break handover
	// and satisfies Target.WorkingTimeout. Call it on proof that events
	// flow, not merely on open; a connection that never gets there
	// restarts the backoff after Options.StableAfter.
	Working()
	// Fail ends the connection as dead with cause; the session
	// reconnects.
	Fail(cause string)
	// Halt ends the connection and stops the session from reconnecting
	// until the operator asks (a resume or set_filters command), for a
	// refusal no retry can cure (PubNub's 403 Access Manager: the
	// official clients stop for good). The session publishes
	// PhaseRejected with h's cause, status and context and keeps
	// serving commands meanwhile. Prepare may return a *HaltError to
	// the same effect.
	Halt(h *HaltError)
	// Replace ends the connection as a planned replacement (PubNub: a
	// renewal moved the subscription to another channel): PhaseRotating
	// with cause, and Prepare runs again at once, with no backoff and no
	// attempt counted. As with Target.ReplaceOnClose, a connection
	// shorter than Options.StableAfter that was not Working is replaced
	// at once only once in a row; after that it is a drop.
	Replace(cause string)
	// REST sends one HTTP request and publishes it and its answer as
	// http frames, the client's credentials masked; see Request.
	REST(ctx context.Context, r Request) (*Response, error)
}
