package pubnub

import (
	"bytes"
	"errors"
	"strconv"
	"time"
)

// Timetoken is PubNub's cursor and publish time: the number of 100 ns
// units since the Unix epoch, written as a 17-digit decimal string
// ("17959736021530002"). Timetokens are compared as integers, never as
// strings: "9" is older than "10".
type Timetoken uint64

// maxTimetokenDigits bounds what ParseTimetoken reads: 17 digits today,
// 20 fill a uint64.
const maxTimetokenDigits = 20

// ParseTimetoken reads a timetoken written in decimal digits, as the
// server sends it in t.t and p.t and a client echoes it as tt. Leading
// zeros are allowed ("0" is the handshake's); a sign, a space, a
// fraction or more than 20 digits are not.
func ParseTimetoken(s string) (Timetoken, error) {
	if s == "" {
		return 0, errors.New("timetoken: empty")
	}
	if len(s) > maxTimetokenDigits {
		return 0, errors.New("timetoken: more than 20 digits")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errors.New("timetoken: " + strconv.Quote(s) + " is not a decimal number")
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, errors.New("timetoken: " + strconv.Quote(s) + " does not fit 64 bits")
	}
	return Timetoken(n), nil
}

// String writes t as the server does: decimal digits.
func (t Timetoken) String() string { return strconv.FormatUint(uint64(t), 10) }

// Time is the moment t stands for.
func (t Timetoken) Time() time.Time {
	return time.Unix(int64(t/1e7), int64(t%1e7)*100).UTC()
}

// TimetokenAt is the timetoken of moment at (100 ns resolution).
func TimetokenAt(at time.Time) Timetoken {
	ns := at.UnixNano()
	if ns < 0 {
		return 0
	}
	return Timetoken(ns / 100)
}

// MarshalJSON writes t as a JSON string, as PubNub does.
func (t Timetoken) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 22)
	b = append(b, '"')
	b = strconv.AppendUint(b, uint64(t), 10)
	return append(b, '"'), nil
}

// UnmarshalJSON reads a timetoken written as a string (as PubNub does)
// or, liberally, as a JSON number of digits.
func (t *Timetoken) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		b = b[1 : len(b)-1]
	}
	v, err := ParseTimetoken(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Cursor is where a subscriber stands in a channel's stream: the t of
// the last answer (a timetoken) and r, its region. The next poll sends
// them back as tt and tr.
type Cursor struct {
	T Timetoken `json:"t"`
	R int       `json:"r"`
}

// String writes the cursor for a person: "tt 17959736021530002 r 12".
func (c Cursor) String() string {
	return "tt " + c.T.String() + " r " + strconv.Itoa(c.R)
}
