package run

import (
	"context"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// chatty is a session that sends events until it is stopped, then says
// it closed, as a real one does.
func chatty() Session {
	return Session{Provider: "test", Run: func(ctx context.Context, emit func(protocol.Update)) error {
		for i := 1; ; i++ {
			select {
			case <-ctx.Done():
				emit(protocol.Update{Kind: protocol.KindState, State: &protocol.State{Phase: protocol.PhaseClosed, Cause: "stopped"}})
				return nil
			case <-time.After(time.Millisecond):
			}
			emit(protocol.Update{Kind: protocol.KindEvent, Event: &protocol.Event{Label: "e", Seq: uint64(i)}})
		}
	}}
}

// Issue 13 item 16: --count ends the TUI's session after N events (the
// screen gets exactly N, as headless prints N) and says why; the session
// still closes cleanly, its closed state reaching the screen.
func TestCountEndsTheTUIsSessionAndSaysWhy(t *testing.T) {
	l := &limited{s: chatty(), o: LiveOptions{Count: 3}, rec: newRecording(chatty(), "test", record.Options{})}
	var got []protocol.Update
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.run(ctx, func(u protocol.Update) { got = append(got, u) }); err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatal("the session did not end at --count")
	}
	events := 0
	for _, u := range got {
		if u.Kind == protocol.KindEvent {
			events++
		}
	}
	if events != 3 || got[len(got)-1].Kind != protocol.KindState {
		t.Fatalf("%d events on screen, last %s; want 3 and the closed state", events, got[len(got)-1].Kind)
	}
	if l.why() != "--count 3 reached" {
		t.Fatalf("why %q", l.why())
	}
}

func TestDurationEndsTheTUIsSessionAndSaysWhy(t *testing.T) {
	l := &limited{s: chatty(), o: LiveOptions{Duration: 50 * time.Millisecond}, rec: newRecording(chatty(), "test", record.Options{})}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.run(ctx, func(protocol.Update) {}); err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil || l.why() != "--duration 50ms reached" {
		t.Fatalf("why %q", l.why())
	}
}

// Ended by the user (ctx), the session says no limit ended it.
func TestAnInterruptedSessionNamesNoLimit(t *testing.T) {
	l := &limited{s: chatty(), o: LiveOptions{Count: 1000, Duration: time.Hour}, rec: newRecording(chatty(), "test", record.Options{})}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	l.run(ctx, func(u protocol.Update) {
		if n++; n == 5 {
			cancel()
		}
	})
	if l.why() != "" {
		t.Fatalf("why %q after an interruption", l.why())
	}
}
