package ringcentral

import (
	"testing"

	rc "github.com/evtap/evtap/protocol/ringcentral"
)

// Rule: the stored wsc is replaced exactly as @rc-ex/ws does it.
func TestKeepWSCFollowsTheSDKRule(t *testing.T) {
	stored := &rc.WSC{Token: "old", Sequence: 10}
	w := func(seq uint64) *rc.WSC { return &rc.WSC{Token: "new", Sequence: seq} }
	cases := []struct {
		name   string
		stored *rc.WSC
		meta   rc.Meta
		state  string
		want   bool
	}{
		{"no wsc on the frame", stored, rc.Meta{Type: rc.TypeServerNotification}, "", false},
		{"nothing stored yet", nil, rc.Meta{Type: rc.TypeServerNotification, WSC: w(1)}, "", true},
		{"higher sequence", stored, rc.Meta{Type: rc.TypeServerNotification, WSC: w(11)}, "", true},
		{"same sequence", stored, rc.Meta{Type: rc.TypeServerNotification, WSC: w(10)}, "", false},
		{"lower sequence", stored, rc.Meta{Type: rc.TypeClientRequest, WSC: w(3)}, "", false},
		{"ConnectionDetails with recoveryState, lower sequence", stored, rc.Meta{Type: rc.TypeConnectionDetails, WSC: w(1)}, "Failed", true},
		{"ConnectionDetails without recoveryState, lower sequence", stored, rc.Meta{Type: rc.TypeConnectionDetails, WSC: w(1)}, "", false},
		{"recoveryState on another type does not count", stored, rc.Meta{Type: rc.TypeServerNotification, WSC: w(1)}, "Successful", false},
	}
	for _, c := range cases {
		if got := KeepWSC(c.stored, c.meta, c.state); got != c.want {
			t.Errorf("%s: KeepWSC = %v, want %v", c.name, got, c.want)
		}
	}
}

// Rule: a jump in the sequence is a gap of exactly the missing numbers; a
// repeat is a duplicate; an older unseen number is late, not a gap.
func TestSequencerFindsGapsDuplicatesAndLateFrames(t *testing.T) {
	var q sequencer
	q.reset(1) // ConnectionDetails carried 1
	if o := q.observe(2); o.gap != nil || o.duplicate || o.late {
		t.Errorf("2 after 1: %+v", o)
	}
	o := q.observe(6)
	if o.gap == nil || o.gap.From != 3 || o.gap.To != 5 || o.gap.Missed != 3 {
		t.Fatalf("6 after 2: gap %+v, want 3..5", o.gap)
	}
	if o := q.observe(6); !o.duplicate || o.gap != nil {
		t.Errorf("6 again: %+v, want duplicate", o)
	}
	if o := q.observe(4); !o.late || o.duplicate || o.gap != nil {
		t.Errorf("4 after 6: %+v, want late", o)
	}
	if o := q.observe(4); !o.duplicate {
		t.Errorf("4 again: %+v, want duplicate", o)
	}
	if o := q.observe(0); o != (observation{}) {
		t.Errorf("no sequence: %+v, want nothing", o)
	}
	q.reset(1)
	if o := q.observe(2); o.gap != nil || o.duplicate {
		t.Errorf("after reset, 2: %+v (a new session starts over)", o)
	}
	// No ConnectionDetails sequence known: the first number sets the pace.
	var fresh sequencer
	if o := fresh.observe(50); o.gap != nil {
		t.Errorf("first number seen: %+v, want no gap", o)
	}
}

// Rule: duplicates are still found far back, and memory stays bounded.
func TestSequencerWindowIsBounded(t *testing.T) {
	var q sequencer
	q.reset(1)
	for s := uint64(2); s < 5*seenWindow; s++ {
		q.observe(s)
	}
	if len(q.seen) > 2*seenWindow+1 {
		t.Errorf("%d sequence numbers remembered", len(q.seen))
	}
	if o := q.observe(5*seenWindow - 10); !o.duplicate {
		t.Errorf("recent repeat not a duplicate: %+v", o)
	}
}
