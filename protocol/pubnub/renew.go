package pubnub

import (
	"strings"
	"time"
)

// The renewal rules of RingCentral's SDKs (ringcentral 3.3 and
// @ringcentral/subscriptions 4.7: pollInterval, renewHandicapMs) and the
// service's limits.
const (
	// RenewTick is how often a client looks at its subscription.
	RenewTick = 10 * time.Second
	// RenewLead is how long before expirationTime a subscription stops
	// counting as alive and is renewed; one that expires sooner than
	// this after it was granted is refused by the SDKs.
	RenewLead = 120 * time.Second
	// MaxLifetime caps expiresIn for PubNub subscriptions.
	MaxLifetime = 900 * time.Second
	// ServerHold is how long PubNub holds a poll with nothing to say
	// before answering it empty.
	ServerHold = 280 * time.Second
	// SubscribeTimeout is the clients' timeout for one poll.
	SubscribeTimeout = 310 * time.Second
	// QueueLimit and QueueTTL are what PubNub keeps of a channel for a
	// subscriber that is away: the newest 100 messages, each for at
	// most 20 minutes.
	QueueLimit = 100
	QueueTTL   = 20 * time.Minute
)

// RenewAt is when a subscription expiring at exp stops counting as alive
// (expirationTime − 120 s): the first tick at or after it renews.
func RenewAt(exp time.Time) time.Time { return exp.Add(-RenewLead) }

// RenewAction is what a tick does with the subscription.
type RenewAction int

// The actions.
const (
	Keep   RenewAction = iota // alive: nothing to do
	Renew                     // PUT {eventFilters}: due, not yet expired
	Create                    // POST anew: expired (or none)
)

// Due says what a tick at now does with a subscription expiring at exp
// (zero: none), as the SDKs decide it: alive while now < exp − 120 s;
// then PUT while it has not expired; once expired, a new POST.
func Due(now, exp time.Time) RenewAction {
	switch {
	case exp.IsZero() || !now.Before(exp):
		return Create
	case now.Before(RenewAt(exp)):
		return Keep
	}
	return Renew
}

// ParseTime reads an expirationTime or creationTime: RFC 3339 ("…Z",
// "…+00:00") or RingCentral's "+0000" form, which the SDKs rewrite
// before parsing.
func ParseTime(s string) (time.Time, bool) {
	if n := len(s); n > 5 && (s[n-5] == '+' || s[n-5] == '-') && !strings.Contains(s[n-5:], ":") {
		s = s[:n-2] + ":" + s[n-2:]
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}
