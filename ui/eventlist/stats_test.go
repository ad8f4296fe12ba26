package eventlist

import (
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// An outage window (a gap nobody can count) never reads as "missed 0".
func TestMissedTextNeverCallsAnUncountedGapNone(t *testing.T) {
	gap := func(missed int) protocol.Update {
		return protocol.Update{Time: time.Unix(1, 0), Kind: protocol.KindGap, Gap: &protocol.Gap{Missed: missed, From: 1, To: uint64(max(missed, 1))}}
	}
	cases := []struct {
		gaps []int
		want string
	}{
		{nil, "missed 0"},
		{[]int{2}, "missed 2"},
		{[]int{0}, "missed ?"},
		{[]int{3, 0}, "missed 3+"},
	}
	for _, c := range cases {
		s := NewStats()
		for _, m := range c.gaps {
			s.Add(gap(m))
		}
		if got := s.MissedText(); got != c.want {
			t.Errorf("gaps %v: %q, want %q", c.gaps, got, c.want)
		}
	}
}
