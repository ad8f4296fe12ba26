package protocol

import (
	"strconv"
	"time"
)

// Phase is one step of a connection's life. The connection pane shows
// exactly the last Phase reported, so a session must never report a
// phase it has not reached.
type Phase string

// The phases, in the order a healthy session passes through them.
const (
	PhaseToken          Phase = "getting_token"   // asking the provider for credentials or a socket URL
	PhaseDialing        Phase = "dialing"         // TCP/TLS connect and HTTP upgrade under way
	PhaseUpgraded       Phase = "upgraded"        // the socket is open; the greeting has not arrived
	PhaseConnected      Phase = "connected"       // the provider's greeting arrived (ConnectionDetails)
	PhaseSubscribing    Phase = "subscribing"     // a subscription request is in flight
	PhaseLive           Phase = "live"            // subscribed; events can flow
	PhaseDropped        Phase = "dropped"         // the connection was lost; Cause says why
	PhaseBackoff        Phase = "backoff"         // waiting Delay before attempt Attempt
	PhaseRecovering     Phase = "recovering"      // reconnecting with a recovery token
	PhaseRecovered      Phase = "recovered"       // the provider said recovery was Successful
	PhaseRecoveryFailed Phase = "recovery_failed" // the provider said recovery Failed; resubscribing
	PhaseRotating       Phase = "rotating"        // a planned handover to a fresh connection (an expiring URL); not a failure
	PhaseRejected       Phase = "rejected"        // the provider refused us (credentials, upgrade)
	PhaseClosed         Phase = "closed"          // the session ended and will not reconnect
)

// State is a change of connection phase with whatever explains it.
type State struct {
	Phase      Phase     `json:"phase"`
	Attempt    int       `json:"attempt,omitempty"`     // consecutive attempt number while reconnecting
	Delay      Millis    `json:"delay_ms,omitempty"`    // backoff before the next attempt
	Until      time.Time `json:"until,omitzero"`        // when the next attempt starts (for a countdown)
	Cause      string    `json:"cause,omitempty"`       // why we got here, in words
	CloseCode  int       `json:"close_code,omitempty"`  // WebSocket close code, when there was one
	HTTPStatus int       `json:"http_status,omitempty"` // status of a refused request or upgrade
	URL        string    `json:"url,omitempty"`         // the endpoint, with secrets masked
	// Recovery is the provider's session-recovery context, when it has one
	// (RingCentral's wsc token), as of this state.
	Recovery *Recovery `json:"recovery,omitempty"`
	// Info holds provider facts worth showing with the connection
	// (idle and absolute timeouts, limits).
	Info map[string]string `json:"info,omitempty"`
	// Context is what the provider's context pane shows (a decoded URL
	// token and its expiry, a long-poll cursor, keepalive deadlines), in
	// order. A State that carries Context replaces the previous list; one
	// without it leaves the list as it was.
	Context []Field `json:"context,omitempty"`
}

// Field is one labelled fact in the context pane.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value,omitempty"`
	// Secret asks the UI to mask Value until the user reveals secrets.
	Secret bool `json:"secret,omitempty"`
	// At, when set, is a moment the pane counts down to (in the future:
	// "expires in 41s") or counts up from (in the past: "in flight for
	// 12s").
	At time.Time `json:"at,omitzero"`
	// Ago says a past At is a moment that happened ("issued 4s ago"),
	// not the start of something still going on ("for 4s").
	Ago bool `json:"ago,omitempty"`
}

// Recovery is a provider's session-recovery context: RingCentral's `wsc`
// token and sequence, the outcome the server reported, and its limits.
type Recovery struct {
	Token      string `json:"token"`
	Sequence   uint64 `json:"sequence"`
	Outcome    string `json:"outcome,omitempty"`    // "Successful" or "Failed", as the server said it
	ErrorCode  string `json:"error_code,omitempty"` // e.g. WSG-1005 with a failure
	TimeoutSec int    `json:"timeout_s,omitempty"`  // how long recovery stays possible
	BufferSize int    `json:"buffer_size,omitempty"`
}

// Subscription is what the server said about a subscription: created,
// replaced, renewed, removed or refused. A provider with several
// subscriptions at once (topics, REST-managed subscriptions) sends one per
// ID; Status "Removed" takes one away. Event.Subscription names the one an
// event matched, so the pane can count events per subscription.
type Subscription struct {
	ID        string    `json:"id,omitempty"`
	Status    string    `json:"status,omitempty"`    // the server's word ("Active"), or "Removed"
	Filters   []string  `json:"filters,omitempty"`   // as the server answered them
	Requested []string  `json:"requested,omitempty"` // what we asked for
	Transport string    `json:"transport,omitempty"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	ExpiresIn int       `json:"expires_in,omitempty"` // seconds, as the server said
	// Error is set when the server refused the request; the previous
	// subscription, if any, is then still the one in force.
	Error *APIError `json:"error,omitempty"`
	// Note explains something about this subscription a user would not
	// guess (why a topic prefix receives every event twice).
	Note string `json:"note,omitempty"`
}

// APIError is a refusal from the provider, in its own words.
type APIError struct {
	Status  int    `json:"status,omitempty"` // HTTP or HTTP-like status
	Code    string `json:"code,omitempty"`   // provider code, e.g. CMN-102, WSG-400
	Message string `json:"message,omitempty"`
}

func (e *APIError) Error() string {
	s := e.Message
	if e.Code != "" {
		s = e.Code + ": " + s
	}
	if e.Status != 0 {
		s = "HTTP " + strconv.Itoa(e.Status) + " " + s
	}
	return s
}
