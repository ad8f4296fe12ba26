package pubnub

import (
	"time"

	"github.com/evtap/evtap/protocol"
	rc "github.com/evtap/evtap/protocol/ringcentral"
)

// SubscriptionAnswer is the Decoder's message for the answer to a
// subscription call (create, renew or delete): what the session acts on.
type SubscriptionAnswer struct {
	Method string // POST, PUT, DELETE
	Create bool   // a POST /restapi/v1.0/subscription
	Delete bool
	ID     string // the subscription the call named, or the one created
	Status int    // 0: no answer came (NoAnswer says why)
	// Info is the subscription as answered, on success of a create or
	// renew; Expires is its expirationTime, read.
	Info    *rc.SubscriptionInfo
	Expires time.Time
	// Err is the refusal, in RingCentral's words.
	Err      *protocol.APIError
	NoAnswer string
	// Gone says the subscription no longer exists (a renew or delete
	// answered 404): only a new POST brings notifications back.
	Gone bool
	// Invalid says why a 2xx answer cannot be used (no id, address or
	// subscriberKey, no expirationTime).
	Invalid string
	// Moved and Rotated say a renewal changed the channel or the key.
	Moved, Rotated bool
	// Key is the encryption key's fingerprint ("" when none), KeyErr
	// why a key could not be read.
	Key    string
	KeyErr string
}

// OK reports a 2xx answer the session can use.
func (a *SubscriptionAnswer) OK() bool {
	return a.Status/100 == 2 && a.Invalid == ""
}

// PollAnswer is the Decoder's message for the answer to a subscribe.
type PollAnswer struct {
	Handshake bool
	Channels  []string
	// HTTPStatus is the answer's status; 0 when none came. A 2xx can
	// still fail (an error object, an unreadable body).
	HTTPStatus int
	// Cursor is the t to send back as tt and tr; set on success only.
	Cursor  Cursor
	OK      bool
	Events  int // notifications delivered
	CatchUp int // of them, published before the resuming poll
	Resumed bool
	// Failure classifies a poll that failed, as PubNub's clients would.
	Failure *Failure
	// Malformed says why a 2xx answer could not be read (the cursor
	// stays where it was).
	Malformed string
}
