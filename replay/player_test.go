package replay

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// writeRecording makes a recording of n events one second apart, with a
// state change every 10 events.
func writeRecording(t *testing.T, n int) string { return writeRecordingTB(t, n) }

func writeRecordingTB(t testing.TB, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rec.jsonl")
	w, err := record.Create(path, record.Header{Provider: "ringcentral", Start: time.Unix(0, 0)}, record.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		off := time.Duration(i) * time.Second
		if i%10 == 0 {
			w.Write(protocol.Update{Time: t0.Add(off), Offset: protocol.Offset(off), Kind: protocol.KindState,
				State: &protocol.State{Phase: protocol.PhaseLive}})
		}
		w.Write(protocol.Update{Time: t0.Add(off), Offset: protocol.Offset(off), Kind: protocol.KindEvent,
			Event: &protocol.Event{Provider: "ringcentral", ID: fmt.Sprint(i), Label: "SMS in", Body: []byte(`{}`)}})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

type sink struct {
	mu sync.Mutex
	us []protocol.Update
}

func (s *sink) emit(u protocol.Update) { s.mu.Lock(); s.us = append(s.us, u); s.mu.Unlock() }
func (s *sink) events() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, u := range s.us {
		if u.Kind == protocol.KindEvent {
			ids = append(ids, u.Event.ID)
		}
	}
	return ids
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestMaxSpeedEmitsEveryRecordedUpdateInOrder(t *testing.T) {
	p, err := Open(context.Background(), writeRecording(t, 50), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var s sink
	if err := p.Run(context.Background(), s.emit); err != nil {
		t.Fatal(err)
	}
	ids := s.events()
	if len(ids) != 50 || ids[0] != "0" || ids[49] != "49" {
		t.Fatalf("want events 0..49 in order, got %v", ids)
	}
	if len(s.us) != 55 {
		t.Fatalf("want 55 Updates (50 events, 5 states), got %d", len(s.us))
	}
}

func TestPausedReplayStepsOneUpdateAtATime(t *testing.T) {
	p, err := Open(context.Background(), writeRecording(t, 20), Options{Speed: 1, StartPaused: true, StayAtEnd: true})
	if err != nil {
		t.Fatal(err)
	}
	var s sink
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.Run(ctx, s.emit)
	for i := 1; i <= 3; i++ {
		p.Do(protocol.Command{Kind: protocol.CmdStep})
		waitFor(t, fmt.Sprintf("step %d", i), func() bool { s.mu.Lock(); defer s.mu.Unlock(); return len(s.us) == i })
	}
	if _, _, paused, _, _, _ := p.Progress(); !paused {
		t.Fatal("stepping unpaused the replay")
	}
}

func TestSeekingForwardPlaysWhatItSkipsSoThePanesStayTrue(t *testing.T) {
	p, err := Open(context.Background(), writeRecording(t, 100), Options{Speed: 1, StartPaused: true, StayAtEnd: true})
	if err != nil {
		t.Fatal(err)
	}
	var s sink
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.Run(ctx, s.emit)
	p.Do(protocol.Command{Kind: protocol.CmdSeek, Value: 0.5})
	waitFor(t, "the seek", func() bool { return len(s.events()) >= 49 })
	pos, total, _, _, marks, _ := p.Progress()
	if total != 99*time.Second || pos < 49*time.Second || pos > 50*time.Second {
		t.Fatalf("after seeking to 50%%, at %s of %s", pos, total)
	}
	if len(marks) != 10 {
		t.Fatalf("want 10 marks (state changes), got %d", len(marks))
	}
	ids := s.events()
	for i, id := range ids {
		if id != fmt.Sprint(i) {
			t.Fatalf("event %d is %s: a forward seek must not skip or repeat", i, id)
		}
	}
}

func TestSpeedIsClampedToTheOfferedRange(t *testing.T) {
	p, err := Open(context.Background(), writeRecording(t, 3), Options{Speed: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, speed, _, _ := p.Progress(); speed != MaxSpeed {
		t.Fatalf("speed %g, want %g", speed, float64(MaxSpeed))
	}
	if err := p.Do(protocol.Command{Kind: protocol.CmdDrop}); err == nil {
		t.Fatal("a replay accepted a live-only command")
	}
}
