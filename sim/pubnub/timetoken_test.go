package pubnub

import (
	"testing"
	"time"
)

func TestParseTimetoken(t *testing.T) {
	for _, tc := range []struct {
		in        string
		tt        Timetoken
		handshake bool
		bad       bool
	}{
		{in: "", handshake: true},
		{in: "0", handshake: true},
		{in: "00", handshake: true},
		{in: "17959736021530002", tt: 17959736021530002},
		{in: "-1", bad: true},
		{in: "1.5", bad: true},
		{in: "abc", bad: true},
		{in: "999999999999999999999", bad: true},
	} {
		tt, hs, err := ParseTimetoken(tc.in)
		if (err != nil) != tc.bad || hs != tc.handshake || tt != tc.tt {
			t.Errorf("ParseTimetoken(%q) = %d, %v, %v; want %d, handshake %v, error %v", tc.in, tt, hs, err, tc.tt, tc.handshake, tc.bad)
		}
	}
}

// A timetoken is 17 digits of 100 ns units, and the clock never hands out
// the same one twice, even when the time stands still or goes back.
func TestClockGrowsStrictly(t *testing.T) {
	fc := &fakeClock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	c := clock{now: fc.Now}
	first := c.next()
	if s := first.String(); len(s) != 17 {
		t.Fatalf("timetoken %q has %d digits, want 17", s, len(s))
	}
	if !first.Time().Equal(fc.Now()) {
		t.Fatalf("timetoken %v stands for %v, want %v", first, first.Time(), fc.Now())
	}
	prev := first
	for i := 0; i < 1000; i++ {
		if i == 500 {
			fc.Add(-time.Hour)
		}
		tt := c.next()
		if tt <= prev {
			t.Fatalf("timetoken %d after %d: not strictly growing", tt, prev)
		}
		prev = tt
	}
	fc.Add(2 * time.Hour)
	if tt := c.next(); tt != TimetokenAt(fc.Now()) {
		t.Fatalf("after the clock moved on: %d, want the time now %d", tt, TimetokenAt(fc.Now()))
	}
}
