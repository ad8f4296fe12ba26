package session

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// Rule: a provider that halts the session (PubNub answering the poll
// 403, which no retry cures) stops it from reconnecting: the connection
// ends, the session says it is rejected and why, and it prepares again
// only when the operator resumes it; meanwhile it serves commands.
func TestHaltWaitsForTheOperator(t *testing.T) {
	ps, base := newPubsub(t, time.Minute)
	var refuse atomic.Bool
	refuse.Store(true)
	ps.answer = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if !refuse.Load() {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"message":"Forbidden","error":true,"service":"Access Manager","status":403}`))
		return true
	}
	p := newPoller(base)
	receive := p.receive
	p.receive = func(l Link, msg any) {
		if r, ok := msg.(protocol.HTTPResponse); ok && r.Status == http.StatusForbidden {
			l.Halt(&HaltError{Cause: "PubNub refused the subscribe: access denied", Status: http.StatusForbidden,
				Context: []protocol.Field{{Label: "poll", Value: "stopped"}}})
			return
		}
		receive(l, msg)
	}
	r := run(t, p, fast()) // a 1 ms backoff: any retry would come at once
	ups := r.out.waitFor(t, "rejected", func(ups []protocol.Update) bool { return countPhase(ups, protocol.PhaseRejected) > 0 })
	st := stateWhere(ups, func(s *protocol.State) bool { return s.Phase == protocol.PhaseRejected })
	if !strings.HasPrefix(st.Cause, "PubNub refused the subscribe: access denied") || !strings.Contains(st.Cause, "resumes") ||
		st.HTTPStatus != http.StatusForbidden || len(st.Context) != 1 {
		t.Fatalf("rejected state %+v", st)
	}
	// Commands are served while halted, in order: once the marker is
	// out, the session has had every chance to retry on its own.
	if err := r.s.Do(protocol.Command{Kind: protocol.CmdMarker, Text: "halted"}); err != nil {
		t.Fatal(err)
	}
	r.out.waitFor(t, "the marker", func(ups []protocol.Update) bool {
		for _, u := range ups {
			if u.Marker != nil && u.Marker.Label == "halted" {
				return true
			}
		}
		return false
	})
	if n := len(p.preparedFor()); n != 1 || len(ps.polls()) != 1 {
		t.Fatalf("prepared %d times and polled %d times while halted, want once", n, len(ps.polls()))
	}
	if countPhase(r.out.snapshot(), protocol.PhaseBackoff) != 0 {
		t.Fatal("a halted session does not back off")
	}
	refuse.Store(false)
	if err := r.s.Do(protocol.Command{Kind: protocol.CmdResume}); err != nil {
		t.Fatal(err)
	}
	r.out.waitFor(t, "live after resuming", func(ups []protocol.Update) bool { return countPhase(ups, protocol.PhaseLive) > 0 })
	if n := len(p.preparedFor()); n != 2 {
		t.Fatalf("prepared %d times, want once more after resume", n)
	}
}

// Rule: resume ends a backoff wait at once.
func TestResumeEndsABackoffWait(t *testing.T) {
	p := &fake{url: "ws://127.0.0.1:1/nothing-listens"}
	opt := fast()
	opt.Backoff.Base, opt.Backoff.Max = time.Hour, time.Hour
	r := run(t, p, opt)
	ups := r.out.waitFor(t, "a backoff", func(ups []protocol.Update) bool { return countPhase(ups, protocol.PhaseBackoff) > 0 })
	if st := stateWhere(ups, func(s *protocol.State) bool { return s.Phase == protocol.PhaseBackoff }); st.Delay.Duration() < time.Minute {
		t.Fatalf("the seeded jitter drew %s; the test needs a long wait to end", st.Delay.Duration())
	}
	if err := r.s.Do(protocol.Command{Kind: protocol.CmdResume}); err != nil {
		t.Fatal(err)
	}
	r.out.waitFor(t, "a second attempt", func(ups []protocol.Update) bool { return countPhase(ups, protocol.PhaseBackoff) > 1 })
}

// Rule: a provider's planned replacement (a renewal moved the channel)
// is a rotation, not a drop: no backoff, and Prepare runs again at once.
func TestReplaceIsARotation(t *testing.T) {
	_, base := newPubsub(t, time.Minute)
	p := newPoller(base)
	receive := p.receive
	var once atomic.Bool
	p.receive = func(l Link, msg any) {
		receive(l, msg)
		if once.CompareAndSwap(false, true) {
			l.Replace("the renewal moved the channel")
		}
	}
	opt := fast()
	opt.Backoff.Base, opt.Backoff.Max = time.Hour, time.Hour // a drop would wait
	r := run(t, p, opt)
	ups := r.out.waitFor(t, "a poll on a second connection", func(ups []protocol.Update) bool {
		for _, u := range ups {
			if u.Conn == 2 && u.Kind == protocol.KindSent {
				return true
			}
		}
		return false
	})
	st := stateWhere(ups, func(s *protocol.State) bool { return s.Phase == protocol.PhaseRotating })
	if st == nil || st.Cause != "the renewal moved the channel" {
		t.Fatalf("rotating state %+v\n%s", st, dump(ups))
	}
	if countPhase(ups, protocol.PhaseDropped)+countPhase(ups, protocol.PhaseBackoff) != 0 {
		t.Fatalf("a planned replacement is no drop\n%s", dump(ups))
	}
}
