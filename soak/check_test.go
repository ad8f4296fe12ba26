package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	rcsim "github.com/evtap/evtap/sim/ringcentral"
)

// story builds what a soak would have seen — evtap's stdout lines and
// the emulator's ledger — so the checks can be shown to catch what they
// are for. Notifications of session S1 (subscription sub1) are
// numbered from 2, as the emulator numbers them.
type story struct {
	t   *testing.T
	r   *run
	t0  time.Time
	now time.Time
}

func newStory(t *testing.T) *story {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cfg := DefaultConfig()
	tl := newTally(t0)
	r := &run{cfg: cfg, start: t0, tally: tl, obs: newObserver(tl, cfg), led: &ledgerReader{t: tl}}
	r.chaos.caughtUp, r.chaos.ledgerDrained = true, true
	return &story{t: t, r: r, t0: t0, now: t0}
}

// at moves the story's clock to d after its start.
func (s *story) at(d time.Duration) *story { s.now = s.t0.Add(d); return s }

func (s *story) line(u protocol.Update) {
	u.Time = s.now
	b, err := json.Marshal(u)
	if err != nil {
		s.t.Fatal(err)
	}
	s.r.obs.line(append(b, '\n'))
}

func (s *story) state(conn int, st protocol.State) {
	s.line(protocol.Update{Kind: protocol.KindState, Conn: conn, State: &st})
}

func (s *story) show(conn int, seqs ...uint64) {
	for _, q := range seqs {
		s.line(protocol.Update{Kind: protocol.KindEvent, Conn: conn, Event: &protocol.Event{
			Provider: "ringcentral", ID: uuid("S1", q), Seq: q, Subscription: "sub1"}})
	}
}

func (s *story) gap(conn int, from, to uint64) {
	s.line(protocol.Update{Kind: protocol.KindGap, Conn: conn, Gap: &protocol.Gap{From: from, To: to, Missed: int(to - from + 1), Reason: "sequence jump"}})
}

func uuid(session string, seq uint64) string { return fmt.Sprintf("%s-%08d", session, seq) }

// made enters notifications in the ledger: written on conns, evicted
// for why at evictedAt after the start.
func (s *story) made(from, to uint64, why string, evictedAt time.Duration, conns ...string) {
	var es []rcsim.LedgerEntry
	for q := from; q <= to; q++ {
		es = append(es, rcsim.LedgerEntry{Session: "S1", Sequence: q, UUID: uuid("S1", q), Subscription: "sub1",
			Written: conns, Evicted: why, EvictedAt: s.t0.Add(evictedAt), Settled: true})
	}
	s.r.tally.ledger(es)
}

// dropAndRecover is a working connection 1 cut and recovered as
// connection 2 at 2 s.
func (s *story) dropAndRecover() {
	s.at(0).state(1, protocol.State{Phase: protocol.PhaseUpgraded})
	s.state(1, protocol.State{Phase: protocol.PhaseLive})
	s.at(time.Second).state(1, protocol.State{Phase: protocol.PhaseDropped, Cause: "connection lost"})
	s.state(1, protocol.State{Phase: protocol.PhaseBackoff, Attempt: 1, Delay: protocol.Millis(200 * time.Millisecond)})
	s.at(2*time.Second).state(2, protocol.State{Phase: protocol.PhaseUpgraded})
	s.state(2, protocol.State{Phase: protocol.PhaseRecovered})
}

// The run every check expects: 2..10 read on c1, 11..20 evicted unread
// while evtap was away, 21..30 replayed on c2 after a gap that counts
// 11..20 exactly.
func exactRun(t *testing.T) *story {
	s := newStory(t)
	s.dropAndRecover()
	s.at(500*time.Millisecond).show(1, seqs(2, 10)...)
	s.made(2, 10, rcsim.EvictedOverflow, 1500*time.Millisecond, "c1")
	s.made(11, 20, rcsim.EvictedOverflow, 1500*time.Millisecond)
	s.at(2100*time.Millisecond).gap(2, 11, 20)
	s.show(2, seqs(21, 30)...)
	s.made(21, 30, rcsim.EvictedForgotten, 3*time.Second, "c2")
	return s
}

func seqs(from, to uint64) []uint64 {
	var out []uint64
	for q := from; q <= to; q++ {
		out = append(out, q)
	}
	return out
}

func TestAnExactRunPasses(t *testing.T) {
	a := exactRun(t).r.account()
	if a.losses() != 0 || a.duplicates != 0 || a.countedMissed != 10 || a.ledgerInGaps != 10 || a.shown != 19 {
		t.Fatalf("%+v", a)
	}
}

// A gap is right only for notifications the buffer let go before evtap
// came back: one still buffered when connection 2 recovered should have
// been replayed.
func TestAGapOverWhatTheBufferStillHeldIsALoss(t *testing.T) {
	s := exactRun(t)
	notes := s.r.tally.sessions["S1"]
	recovered := int64(2 * time.Second)                // connection 2's recovered state
	notes.at(15).evictedAt = recovered + 1             // a nanosecond after: the emulator still had it
	notes.at(16).evictedAt = recovered                 // at that instant: it had gone when it answered
	notes.at(17).evictedAt = recovered - int64(999999) // the same millisecond, before
	a := s.r.account()
	if a.windowLoss != 1 || !strings.Contains(strings.Join(a.examples, "\n"), "sequence 15") {
		t.Fatalf("want only sequence 15 as a loss inside the window: %+v", a)
	}
}

// A notification inside a counted gap that was written on the very
// connection evtap read past it was lost by evtap, gap or not.
func TestAGapOverWhatEvtapReceivedIsALoss(t *testing.T) {
	s := exactRun(t)
	s.made(12, 12, rcsim.EvictedOverflow, 1500*time.Millisecond, "c2")
	if a := s.r.account(); a.receivedLoss != 1 {
		t.Fatalf("sequence 12, written on c2 before 21..30 shown from c2: %+v", a)
	}
}

// A notification written on a connection before one evtap showed from
// it, but never shown, was lost by evtap after it arrived.
func TestANotificationLostAfterReceiptIsCaught(t *testing.T) {
	s := newStory(t)
	s.at(0).state(1, protocol.State{Phase: protocol.PhaseUpgraded})
	s.state(1, protocol.State{Phase: protocol.PhaseLive})
	s.show(1, 2, 3, 5, 6)
	s.made(2, 6, rcsim.EvictedOverflow, time.Second, "c1")
	a := s.r.account()
	if a.receivedLoss != 1 || a.noGapLoss != 1 {
		t.Fatalf("sequence 4 lost after receipt not caught: %+v", a)
	}
}

func TestDuplicatesAndFalseGapsAreCaught(t *testing.T) {
	s := exactRun(t)
	s.show(2, 25)   // shown twice
	s.gap(2, 9, 10) // counts what evtap showed
	a := s.r.account()
	if a.duplicates != 1 || a.falseGap != 2 {
		t.Fatalf("duplicate %d, false gap %d: %+v", a.duplicates, a.falseGap, a)
	}
}

// What a forgotten session held after the last notification evtap
// showed is lost with it, and must be announced by a gap of unknown size
// on the next session.
func TestAForgottenSessionNeedsAnUnknownGap(t *testing.T) {
	s := newStory(t)
	s.at(0).state(1, protocol.State{Phase: protocol.PhaseUpgraded})
	s.state(1, protocol.State{Phase: protocol.PhaseLive})
	s.show(1, 2, 3)
	s.made(2, 3, rcsim.EvictedForgotten, time.Second, "c1")
	s.made(4, 5, rcsim.EvictedForgotten, time.Second) // forgotten unwritten
	s.r.tally.ledger([]rcsim.LedgerEntry{{Session: "S2", Sequence: 2, UUID: "S2-2", Subscription: "sub2", Written: []string{"c2"}, Evicted: rcsim.EvictedForgotten, Settled: true}})
	s.state(2, protocol.State{Phase: protocol.PhaseUpgraded})
	s.line(protocol.Update{Kind: protocol.KindEvent, Conn: 2, Event: &protocol.Event{ID: "S2-2", Seq: 2, Subscription: "sub2"}})
	rep := s.r.report()
	if a := rep.acct; a.tailLost != 2 || a.losses() != 0 {
		t.Fatalf("tail: %+v", a)
	}
	if c := find(rep, "every new session is a gap of unknown size"); c.OK {
		t.Fatalf("no unknown gap, yet: %+v", c)
	}
	s.line(protocol.Update{Kind: protocol.KindGap, Conn: 2, Gap: &protocol.Gap{Reason: "recovery Failed (WSG-1005)"}})
	if c := find(s.r.report(), "every new session is a gap of unknown size"); !c.OK {
		t.Fatalf("with the unknown gap: %+v", c)
	}
}

// Issue 13 item 10: after a drop of a working connection the backoff is
// a first step; anything later fails the soak.
func TestABackoffThatDidNotRestartFails(t *testing.T) {
	s := exactRun(t)
	if c := find(s.r.report(), "backoff restarts after every recovery"); !c.OK {
		t.Fatalf("a first step failed: %+v", c)
	}
	s.state(2, protocol.State{Phase: protocol.PhaseDropped})
	s.state(2, protocol.State{Phase: protocol.PhaseBackoff, Attempt: 3, Delay: protocol.Millis(1700 * time.Millisecond)})
	if c := find(s.r.report(), "backoff restarts after every recovery"); c.OK {
		t.Fatalf("attempt 3 after a recovery passed: %+v", c)
	}
}

func TestMemoryThatGrowsFails(t *testing.T) {
	s := exactRun(t)
	for i := 0; i < 60; i++ {
		s.r.samples = append(s.r.samples, sample{at: time.Duration(i) * 5 * time.Second, rssKB: 40 << 10, goroutines: 12})
	}
	rep := s.r.report()
	if !find(rep, "RSS stays flat").OK || !find(rep, "goroutines stay flat").OK {
		t.Fatalf("flat memory failed: %+v", rep.Checks)
	}
	for i := range s.r.samples {
		s.r.samples[i].rssKB += int64(i) * 256 // 3 MB a minute
	}
	if c := find(s.r.report(), "RSS stays flat"); c.OK {
		t.Fatalf("3 MB a minute passed: %+v", c)
	}
}

func TestSlope(t *testing.T) {
	xs := []float64{0, 1, 2, 3}
	if got := slope(xs, []float64{5, 7, 9, 11}); math.Abs(got-2) > 1e-9 {
		t.Fatalf("slope %g, want 2", got)
	}
	if got := slope(xs[:1], []float64{5}); got != 0 {
		t.Fatalf("one point: slope %g", got)
	}
}

func TestKindIsReadWithoutParsing(t *testing.T) {
	if k := kindOf([]byte(`{"t":"2026-01-02T03:04:05Z","off":1.5,"kind":"recv","conn":1}`)); k != protocol.KindRecv {
		t.Fatalf("kind %q", k)
	}
	if k := kindOf([]byte(`not json`)); k != "" {
		t.Fatalf("kind %q", k)
	}
}

func find(rep *Report, name string) Check {
	for _, c := range rep.Checks {
		if c.Name == name {
			return c
		}
	}
	return Check{Name: name + " (missing)"}
}
