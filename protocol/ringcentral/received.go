package ringcentral

import "github.com/evtap/evtap/protocol"

// The typed messages a Decoder returns for received frames a live
// session must act on. Each is fresh per frame and never changed after
// Decode returns, so the session may keep it.

// Greeting is the first ConnectionDetails of a connection, with what
// the decoder concluded from it.
type Greeting struct {
	Details ConnectionDetails
	// Keep is the recovery context to present on the next recovery:
	// this frame's token, at the position it resumes from.
	Keep *WSC
	// NewSession is true when the server started a new session (no
	// recovery asked, recovery Failed, or no recoveryState at all): the
	// client has no subscription on it and must subscribe.
	NewSession bool
	// Cause says why there is a new session, in words, when one existed
	// before or recovery was asked for; "" otherwise.
	Cause string
	// Presented reports whether the connection presented a wsc token.
	Presented bool
	// Replay is the range of numbers the server said it replays from its
	// buffer after a Successful recovery: notifications numbered From+1
	// through To are marked replayed. Zero when there is none.
	Replay Replay
}

// Replay is a range of sequence numbers, From exclusive, To inclusive.
type Replay struct {
	From, To uint64
}

// Has reports whether n is in the range (modulo 2^64).
func (r Replay) Has(n uint64) bool { return n-r.From-1 < r.To-r.From }

// Count is how many numbers the range holds.
func (r Replay) Count() uint64 { return r.To - r.From }

// Request is a ClientRequest the client sent, as the decoder saw it.
type Request struct {
	MessageID string
	Method    string
	Path      string
	Filters   []string // eventFilters of a subscription request
}

// IsSubscription reports whether the request creates or replaces the
// subscription: POST /restapi/v1.0/subscription or PUT on one.
func (r Request) IsSubscription() bool {
	_, item := subscriptionIDOf(r.Path)
	return r.Method == "POST" && isSubscriptionPath(r.Path) || r.Method == "PUT" && item
}

// Answer is the server's response to a ClientRequest, matched to the
// request by messageId.
type Answer struct {
	Request Request
	Status  int
	// Subscription is what the decoder derived from a subscription
	// answer (the same value it published), or nil for other requests.
	Subscription *protocol.Subscription
	Keep         *WSC // a newer recovery context the frame carried, or nil
}

// OK reports a 2xx status.
func (a *Answer) OK() bool { return a.Status >= 200 && a.Status < 300 }

// ServerError is an Error frame.
type ServerError struct {
	Status int
	Body   ErrorBody
	Keep   *WSC // a newer recovery context the frame carried, or nil
}

// For any other received frame whose wsc is newer than any before, the
// Decoder returns that *WSC alone: the recovery context to keep.
