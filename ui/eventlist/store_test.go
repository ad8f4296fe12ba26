package eventlist

import (
	"encoding/json"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

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

// An event comes back from the Store as it went in, whatever it holds.
func TestStoreGivesEventsBackAsTheyCame(t *testing.T) {
	east := time.FixedZone("", 5*3600+1800)
	in := []protocol.Event{
		{Provider: "ringcentral", ID: "u-1", Name: "/restapi/v1.0/x", Label: "SMS in", Summary: "+1 → +2 \"hi\"", Seq: 1 << 62,
			Replayed: true, Subscription: "sub-1", Timestamp: time.Date(2023, 4, 18, 20, 25, 24, 611e6, time.UTC), Body: json.RawMessage(`{"a":1}`)},
		{Provider: "dialpad", Duplicate: true, Timestamp: time.Date(2024, 1, 2, 3, 4, 5, 6, east), Body: json.RawMessage(`"text"`)},
		{Provider: "raw", Label: "text", Body: nil},
		{Provider: "dialpad", Label: "sealed", Seal: &protocol.Seal{Via: "HS256 JWT", OK: false, Problem: "bad signature"}, Body: json.RawMessage(`{}`)},
		{Provider: "big", Body: json.RawMessage(`"` + strings.Repeat("x", 200<<10) + `"`)},
	}
	s := NewStore(100)
	for i := range in {
		s.Add(protocol.Update{Kind: protocol.KindEvent, Conn: i, Offset: protocol.Offset(i), Time: t0, Event: &in[i]})
	}
	for i, want := range in {
		got := s.At(i).Event
		if !got.Timestamp.Equal(want.Timestamp) || got.Timestamp.Format(time.RFC3339Nano) != want.Timestamp.Format(time.RFC3339Nano) {
			t.Errorf("%d: timestamp %v, want %v", i, got.Timestamp, want.Timestamp)
		}
		got.Timestamp, want.Timestamp = time.Time{}, time.Time{}
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("%d:\n got %+v\nwant %+v", i, *got, want)
		}
	}
}

// A stored event keeps nothing of the session's alive: not the whole
// frame a decoder sliced its body out of.
func TestStoreKeepsNoneOfTheSessionsBuffers(t *testing.T) {
	freed := make(chan struct{})
	frame := make([]byte, 1<<20)
	copy(frame[100:], `{"a":1}`)
	runtime.SetFinalizer(&frame[0], func(*byte) { close(freed) })
	s := NewStore(10)
	s.Add(protocol.Update{Kind: protocol.KindEvent, Event: &protocol.Event{Provider: "p", Label: string(frame[100:101]), Body: frame[100:107]}})
	frame = nil
	deadline := time.After(10 * time.Second)
	for {
		runtime.GC()
		select {
		case <-freed:
			if got := string(s.At(0).Event.Body); got != `{"a":1}` {
				t.Fatalf("body %q", got)
			}
			return
		case <-deadline:
			t.Fatal("the frame the body came from is still held")
		case <-time.After(10 * time.Millisecond):
		}
	}
}
