package run

import (
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/ui"
)

// Issue 13 item 19: a recording started halfway (R in the TUI) opens
// with a snapshot of the session: the subscription in force and the
// last state, carrying the URL, context and recovery token last
// reported, all at the moment recording began, before what follows.
func TestARecordingStartedLateOpensWithASnapshot(t *testing.T) {
	s := Session{Provider: "test", UI: ui.Provider{OneSubscription: true}}
	rec := newRecording(s, "test", record.Options{KeepSecrets: true})
	t0 := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	at := func(sec int, u protocol.Update) protocol.Update {
		u.Time, u.Offset, u.Conn = t0.Add(time.Duration(sec)*time.Second), protocol.Offset(time.Duration(sec)*time.Second), 1
		return u
	}
	st := func(sec int, s protocol.State) protocol.Update {
		return at(sec, protocol.Update{Kind: protocol.KindState, State: &s})
	}
	sub := func(sec int, s protocol.Subscription) protocol.Update {
		return at(sec, protocol.Update{Kind: protocol.KindSubscription, Subscription: &s})
	}
	for _, u := range []protocol.Update{
		st(0, protocol.State{Phase: protocol.PhaseDialing, URL: "ws://h/ws"}),
		st(1, protocol.State{Phase: protocol.PhaseConnected, Context: []protocol.Field{{Label: "cursor", Value: "42"}},
			Recovery: &protocol.Recovery{Token: "wsc-token", Sequence: 1}}),
		sub(2, protocol.Subscription{ID: "s-1", Status: "Active"}),
		sub(3, protocol.Subscription{Error: &protocol.APIError{Status: 400, Message: "refused"}}), // a refusal changes nothing
		sub(4, protocol.Subscription{ID: "s-2", Status: "Active", Filters: []string{"f"}}),        // replaces s-1
		st(5, protocol.State{Phase: protocol.PhaseLive}),
		at(6, protocol.Update{Kind: protocol.KindEvent, Event: &protocol.Event{Label: "before"}}),
	} {
		rec.write(u)
	}
	path := filepath.Join(t.TempDir(), "late.jsonl")
	if err := rec.start(path); err != nil {
		t.Fatal(err)
	}
	rec.write(at(7, protocol.Update{Kind: protocol.KindEvent, Event: &protocol.Event{Label: "after"}}))
	if err := rec.stop(); err != nil {
		t.Fatal(err)
	}

	r, err := record.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if h := r.Header(); h.URL != "ws://h/ws" {
		t.Errorf("header url %q", h.URL)
	}
	var got []protocol.Update
	for {
		l, err := r.NextLine()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		u, err := r.Decode(l)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, u)
	}
	if len(got) != 3 {
		t.Fatalf("%d lines, want the subscription, the state and the event after: %+v", len(got), got)
	}
	if s := got[0].Subscription; got[0].Kind != protocol.KindSubscription || s.ID != "s-2" || s.Filters[0] != "f" {
		t.Errorf("first line %+v, want the subscription in force", got[0])
	}
	s1 := got[1].State
	if got[1].Kind != protocol.KindState || s1.Phase != protocol.PhaseLive || s1.URL != "ws://h/ws" ||
		len(s1.Context) != 1 || s1.Context[0].Value != "42" || s1.Recovery == nil || s1.Recovery.Token != "wsc-token" {
		t.Errorf("second line %+v, want the last state with what earlier states reported", got[1])
	}
	for _, u := range got[:2] {
		if !u.Time.Equal(t0.Add(6*time.Second)) || u.Conn != 1 {
			t.Errorf("snapshot line at %s on connection %d; want the moment recording began (%s) on connection 1", u.Time, u.Conn, t0.Add(6*time.Second))
		}
	}
	if got[2].Kind != protocol.KindEvent || got[2].Event.Label != "after" {
		t.Errorf("third line %+v", got[2])
	}
}

// A recording started with the session (--record) has no snapshot: the
// session's own first state comes first.
func TestARecordingFromTheStartHasNoSnapshot(t *testing.T) {
	rec := newRecording(Session{Provider: "test"}, "test", record.Options{KeepSecrets: true})
	path := filepath.Join(t.TempDir(), "rec.jsonl")
	if err := rec.start(path); err != nil {
		t.Fatal(err)
	}
	rec.write(protocol.Update{Kind: protocol.KindState, State: &protocol.State{Phase: protocol.PhaseToken}})
	rec.stop()
	r, err := record.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	l, err := r.NextLine()
	if err != nil || l.Kind != protocol.KindState {
		t.Fatalf("first line %v %v", l.Kind, err)
	}
	if _, err := r.NextLine(); !errors.Is(err, io.EOF) {
		t.Fatalf("more than one line: %v", err)
	}
}
