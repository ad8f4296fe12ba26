package eventlist

import (
	"testing"

	"github.com/evtap/evtap/protocol"
)

func TestStoreEvictsOldestAndCounts(t *testing.T) {
	s := NewStore(3)
	for i := range 5 {
		s.Add(ev(i))
	}
	if s.Len() != 3 || s.Evicted() != 2 || s.First() != 2 || s.End() != 5 {
		t.Fatalf("len %d evicted %d first %d end %d; want 3 2 2 5", s.Len(), s.Evicted(), s.First(), s.End())
	}
	if s.At(1) != nil {
		t.Error("evicted row 1 still reachable")
	}
	for n := 2; n < 5; n++ {
		if got := s.At(n).Event.Seq; got != uint64(n+1) {
			t.Errorf("row %d has seq %d, want %d", n, got, n+1)
		}
	}
	if s.Count(ClassEvent) != 3 {
		t.Errorf("event count %d after eviction, want 3", s.Count(ClassEvent))
	}
}

func TestStoreKeepsInlineRowsNotTextFrames(t *testing.T) {
	s := NewStore(10)
	s.Add(state(0, protocol.PhaseLive))
	s.Add(protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpText, Data: "[]"}})
	s.Add(protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpPing}})
	s.Add(protocol.Update{Kind: protocol.KindGap, Gap: &protocol.Gap{Missed: 2, Reason: "seq jump"}})
	s.Add(protocol.Update{Kind: protocol.KindEvent}) // no payload: bad data, not kept
	if s.Len() != 3 {
		t.Fatalf("kept %d rows, want 3 (state, ping, gap)", s.Len())
	}
	if s.Count(ClassControl) != 1 || s.Count(ClassGap) != 1 || s.Count(ClassState) != 1 {
		t.Errorf("class counts wrong: control %d gap %d state %d", s.Count(ClassControl), s.Count(ClassGap), s.Count(ClassState))
	}
}
