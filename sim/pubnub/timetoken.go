package pubnub

import (
	"fmt"
	"strconv"
	"time"
)

// Timetoken is a PubNub timetoken: Unix time in units of 100 ns. On the
// wire it is a 17-digit decimal string (in t.t and p.t) or a number
// (/time/0).
type Timetoken uint64

// TimetokenAt is the timetoken of a moment.
func TimetokenAt(t time.Time) Timetoken { return Timetoken(t.UnixNano() / 100) }

// String is the wire form: decimal digits (17 of them for any moment
// between 2001 and 2286).
func (tt Timetoken) String() string { return strconv.FormatUint(uint64(tt), 10) }

// Time is the moment the timetoken stands for.
func (tt Timetoken) Time() time.Time { return time.Unix(0, int64(tt)*100).UTC() }

// ParseTimetoken reads a client's tt parameter. It reports handshake for
// a missing or empty tt and for "0" (all mean "give me the current
// timetoken"); anything but decimal digits is an error.
func ParseTimetoken(s string) (tt Timetoken, handshake bool, err error) {
	if s == "" || s == "0" {
		return 0, true, nil
	}
	if len(s) > 20 {
		return 0, false, fmt.Errorf("tt %q is too long", clip(s))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false, fmt.Errorf("tt %q is not a timetoken (decimal digits)", clip(s))
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("tt %q is out of range", clip(s))
	}
	if n == 0 {
		return 0, true, nil // "00": still zero
	}
	return Timetoken(n), false, nil
}

// clock hands out timetokens that grow strictly: the time now, or one
// more than the last one handed out when the clock has not moved (or
// went back). Caller holds the service's lock.
type clock struct {
	now  func() time.Time
	last Timetoken
}

// next takes a new timetoken: greater than every one taken before.
func (c *clock) next() Timetoken {
	tt := TimetokenAt(c.now())
	if tt <= c.last {
		tt = c.last + 1
	}
	c.last = tt
	return tt
}

// clip shortens client text quoted in an answer.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
