package session

import (
	"context"
	"net/http"
	"time"

	"github.com/evtap/evtap/protocol"
)

// Provider is the provider-specific half of a session. The engine calls
// Prepare and Opened from Run's goroutine, Receive from the reader, and
// Heartbeat from the writer, so an implementation guards its own state.
// A Provider must never block in Receive or Heartbeat on anything but
// Link.Emit.
type Provider interface {
	// Name is the provider's name as written in Event.Provider.
	Name() string
	// Decoder is the provider's decoder. The engine runs it over every
	// Update it publishes (frames both ways, states, markers), under the
	// lock that orders Updates, and publishes what it derives right
	// after the Update it came from. It is called once, before Run.
	Decoder() protocol.Decoder
	// Prepare does whatever must happen before a dial (token flow, REST
	// calls) and says what to dial. It publishes its own phases
	// (getting_token) through l. A *RejectedError is final when the
	// session has never worked; any other error is retried with backoff.
	Prepare(ctx context.Context, l Link) (Target, error)
	// Opened runs once the socket is open; frames it sends go out first.
	Opened(l Link)
	// Receive acts on the typed message the decoder returned for a
	// received frame (never nil), after the frame and what the decoder
	// derived from it have been published. It runs on the reader.
	Receive(l Link, msg any)
	// Heartbeat returns the provider's keepalive frame, sent when nothing
	// was received or sent for Options.HeartbeatInterval; nil sends none.
	Heartbeat(l Link) []byte
	// Lost runs after a connection ended, before any backoff, with the
	// time the drop was noticed.
	Lost(at time.Time)
	// SetFilters replaces the subscription's filters. l is nil while no
	// connection is open; the provider then keeps them for the next one.
	SetFilters(l Link, filters []string) error
}

// Target is where to dial, from Prepare.
type Target struct {
	URL    string      // the URL with its secrets
	Masked string      // the same URL for display, secrets masked
	Header http.Header // extra upgrade headers (a bearer token, …)
	// Phase is what the connection pane shows while dialling:
	// PhaseDialing, or PhaseRecovering when a recovery token is presented.
	Phase    protocol.Phase
	Recovery *protocol.Recovery // the recovery context presented, if any
}

// Link is what a Provider sees of the engine for one connection (or, in
// Prepare, for one attempt).
type Link interface {
	// Conn is the connection number (1 = first dial).
	Conn() int
	// Now is the session's clock.
	Now() time.Time
	// Emit publishes an Update; Time, Offset and Conn are filled in.
	Emit(u protocol.Update)
	// State publishes a phase change.
	State(s protocol.State)
	// Send queues a text frame for the writer; it never blocks. It
	// reports false if the connection is already closing.
	Send(data []byte) bool
	// Healthy says the provider accepted the connection (its greeting
	// arrived): the failure count that leads to ErrGaveUp restarts.
	Healthy()
	// Fail ends the connection as dead with cause; the session
	// reconnects.
	Fail(cause string)
}
