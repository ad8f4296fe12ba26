package pubnub

import (
	"strconv"
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
)

// Context is what the context pane ("Long-poll") shows of a PubNub
// session. The session keeps one up to date and publishes its Fields on
// a State; nothing here reads a clock.
type Context struct {
	// Poll says where the loop stands: "" while a poll is in flight
	// (since PollSince), else why not ("stopped: …", "resuming …").
	Poll      string
	PollSince time.Time
	// Answered counts the polls answered at once (a busy stream) since
	// AnsweredSince: the pane then says so instead of counting up the
	// age of a poll long answered.
	Answered      int
	AnsweredSince time.Time
	Channel       string
	SubKey        string
	Origin        string
	Cursor        *Cursor // nil before the handshake answered
	// Key is the encryption key's fingerprint; "" when the subscription
	// has none.
	Key       string
	Expires   time.Time // the subscription's expirationTime
	NextRenew time.Time // when the next PUT goes out (expirationTime − 120 s, on a 10 s tick)
	Renewals  []Renewal // oldest first; Fields shows the last few
}

// Renewal is one entry of the renew history.
type Renewal struct {
	At     time.Time
	Method string // PUT, POST (a new subscription), DELETE
	Status int    // 0: no answer
	Code   string // the RingCentral error code, if refused
	Note   string // "channel moved", "key rotated", "re-created"
}

// String writes a renewal as the pane lists it: "12:03:01 PUT 200".
func (r Renewal) String() string {
	s := r.At.Local().Format("15:04:05") + " " + r.Method + " "
	if r.Status == 0 {
		s += "no answer"
	} else {
		s += strconv.Itoa(r.Status)
	}
	if r.Code != "" {
		s += " " + r.Code
	}
	if r.Note != "" {
		s += " (" + r.Note + ")"
	}
	return s
}

// shownRenewals is how many recent renewals the pane lists.
const shownRenewals = 4

// Fields lists the context in the order the pane shows it, most
// telling first: a narrow pane shows only the first few.
func (c Context) Fields() []protocol.Field {
	var fs []protocol.Field
	switch {
	case c.Poll != "":
		fs = append(fs, protocol.Field{Label: "poll", Value: c.Poll})
	case c.Answered > 1 && !c.AnsweredSince.IsZero():
		fs = append(fs, protocol.Field{Label: "poll", Value: "busy: " + strconv.Itoa(c.Answered) + " polls answered at once since " + c.AnsweredSince.Local().Format("15:04:05")})
	case !c.PollSince.IsZero():
		fs = append(fs, protocol.Field{Label: "poll", Value: "in flight (≤" + secs(ServerHold) + ")", At: c.PollSince})
	}
	if c.Cursor != nil {
		fs = append(fs, protocol.Field{Label: "cursor", Value: c.Cursor.String()})
	}
	if !c.NextRenew.IsZero() {
		fs = append(fs, protocol.Field{Label: "renew", Value: "PUT " + c.NextRenew.Local().Format("15:04:05"), At: c.NextRenew})
	}
	if !c.Expires.IsZero() {
		fs = append(fs, protocol.Field{Label: "expires", Value: c.Expires.Local().Format("15:04:05"), At: c.Expires})
	}
	if c.Channel != "" {
		fs = append(fs, protocol.Field{Label: "channel", Value: c.Channel})
		cipher := "none (plain)"
		if c.Key != "" {
			cipher = Cipher + " " + c.Key
		}
		fs = append(fs, protocol.Field{Label: "cipher", Value: cipher})
	}
	if n := len(c.Renewals); n > 0 {
		rs := c.Renewals[max(0, n-shownRenewals):]
		parts := make([]string, len(rs))
		for i, r := range rs {
			parts[len(rs)-1-i] = r.String() // newest first
		}
		v := strings.Join(parts, " · ")
		if n > shownRenewals {
			v += " · " + strconv.Itoa(n-shownRenewals) + " earlier"
		}
		fs = append(fs, protocol.Field{Label: "renewals", Value: v})
	}
	if c.SubKey != "" {
		fs = append(fs, protocol.Field{Label: "sub key", Value: c.SubKey, Secret: true})
	}
	if c.Origin != "" {
		fs = append(fs, protocol.Field{Label: "origin", Value: c.Origin})
	}
	return fs
}

func secs(d time.Duration) string { return strconv.Itoa(int(d/time.Second)) + "s" }
