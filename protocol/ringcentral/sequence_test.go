package ringcentral

import (
	"math"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// seqRun feeds numbers to a sequencer as notifications with ids "u<n>".
type seqRun struct {
	q        sequencer
	gaps     []*protocol.Gap
	dups     int
	late     int
	restarts []string
	at       time.Time
}

func (r *seqRun) feed(seqs ...uint64) *seqRun {
	for _, s := range seqs {
		r.feedID(s, "u"+u64(s))
	}
	return r
}

func (r *seqRun) feedID(s uint64, id string) {
	var out []protocol.Update
	out, v := r.q.observe(nil, s, idHash(id), r.at)
	out = r.q.expire(out, r.at)
	r.collect(out)
	if v.duplicate {
		r.dups++
	}
	if v.late {
		r.late++
	}
	if v.restart != "" {
		r.restarts = append(r.restarts, v.restart)
	}
}

func (r *seqRun) collect(out []protocol.Update) {
	for _, u := range out {
		r.gaps = append(r.gaps, u.Gap)
	}
}

func newRun(base uint64) *seqRun {
	r := &seqRun{at: time.Unix(1700000000, 0)}
	r.q.reset(nil, base, true)
	return r
}

// Rule: a jump larger than the reorder window is a gap of exactly the
// missing numbers, reported at once.
func TestSequencerReportsBigJumpAtOnce(t *testing.T) {
	r := newRun(1).feed(2, 3, 60)
	if len(r.gaps) != 1 || r.gaps[0].From != 4 || r.gaps[0].To != 59 || r.gaps[0].Missed != 56 {
		t.Fatalf("gaps %+v, want 4..59", r.gaps)
	}
}

// Rule: a swapped pair is not a loss.
func TestSequencerToleratesReordering(t *testing.T) {
	r := newRun(1).feed(3, 2, 5, 4, 6, 7, 8, 9, 10)
	if len(r.gaps) != 0 || r.dups != 0 || r.late != 0 || len(r.q.held) != 0 {
		t.Errorf("reordered pairs gave gaps %+v, dups %d, late %d", r.gaps, r.dups, r.late)
	}
}

// Rule: a small jump becomes a gap once the missing numbers have not
// followed within four more notifications; one arriving after that is
// late, not new, and not a restart.
func TestSequencerSmallJumpExpiresByCount(t *testing.T) {
	r := newRun(1).feed(2, 5, 6, 7, 8)
	if len(r.gaps) != 0 || len(r.q.held) != 2 {
		t.Fatalf("gap reported too early: %+v", r.gaps)
	}
	r.feed(9) // the fourth notification after the jump
	if len(r.gaps) != 1 || r.gaps[0].From != 3 || r.gaps[0].To != 4 || r.gaps[0].Missed != 2 {
		t.Fatalf("gaps %+v, want 3..4 after the window", r.gaps)
	}
	if r.feed(3); r.late != 1 || len(r.restarts) != 0 {
		t.Errorf("a number arriving after its gap was reported: late %d, restarts %q", r.late, r.restarts)
	}
	r.feed(11)
	r.collect(r.q.flush(nil))
	if last := r.gaps[len(r.gaps)-1]; len(r.gaps) != 2 || last.From != 10 || last.To != 10 {
		t.Errorf("flush gave %+v, want 10", r.gaps)
	}
}

// Rule: the wait for a reordered number is closed by the time of a later
// Update, never a timer: a quiet stream still reports the loss, and the
// same Updates always give the same result.
func TestSequencerSmallJumpExpiresByTime(t *testing.T) {
	r := newRun(1).feed(2, 4)
	r.collect(r.q.expire(nil, r.at.Add(reorderWait-time.Millisecond)))
	if len(r.gaps) != 0 {
		t.Fatalf("gap before the wait was over: %+v", r.gaps)
	}
	r.collect(r.q.expire(nil, r.at.Add(reorderWait)))
	if len(r.gaps) != 1 || r.gaps[0].From != 3 || r.gaps[0].Missed != 1 {
		t.Fatalf("gaps %+v, want 3 once the wait is over", r.gaps)
	}
}

// Rule: a repeat with the same id is a duplicate; a new session starts
// over and hands back what was still missing.
func TestSequencerDuplicatesAndReset(t *testing.T) {
	r := newRun(1).feed(2, 3, 3, 2)
	if r.dups != 2 {
		t.Errorf("%d duplicates, want 2", r.dups)
	}
	r.feed(5)
	r.collect(r.q.reset(nil, 1, true))
	if len(r.gaps) != 1 || r.gaps[0].From != 4 {
		t.Errorf("reset gave %+v, want the missing 4", r.gaps)
	}
	r.gaps = nil
	if r.feed(2, 3); len(r.gaps) != 0 || r.dups != 2 {
		t.Errorf("after reset: gaps %+v dups %d (a new session starts over)", r.gaps, r.dups)
	}
	var fresh seqRun
	if fresh.feed(50, 51); len(fresh.gaps) != 0 {
		t.Errorf("no known start: %+v, want no gap", fresh.gaps)
	}
}

// Rule: duplicates are still found far back, with fixed memory.
func TestSequencerFindsDuplicatesAcrossTheWindow(t *testing.T) {
	r := newRun(1)
	for s := uint64(2); s < 5*seenWindow; s++ {
		r.feed(s)
	}
	r.feed(5*seenWindow - 10)
	if r.dups != 1 || len(r.restarts) != 0 {
		t.Errorf("recent repeat: dups %d restarts %q", r.dups, r.restarts)
	}
}

// Rule (hostile server): a sequence that wraps past 2^64-1 is one step
// forward; it reports no gap, negative or otherwise.
func TestSequencerWrapsPastTheTop(t *testing.T) {
	r := newRun(math.MaxUint64-2).feed(math.MaxUint64-1, math.MaxUint64, 0, 1, 2)
	if len(r.gaps) != 0 || len(r.restarts) != 0 || r.dups != 0 {
		t.Fatalf("across the wrap: gaps %+v restarts %q dups %d", r.gaps, r.restarts, r.dups)
	}
	r.feed(10)
	if len(r.gaps) != 1 || r.gaps[0].From != 3 || r.gaps[0].To != 9 || r.gaps[0].Missed != 7 {
		t.Fatalf("after the wrap: gaps %+v, want 3..9", r.gaps)
	}
	r = newRun(math.MaxUint64 - 1).feed(5)
	if len(r.gaps) != 1 || r.gaps[0].From != math.MaxUint64 || r.gaps[0].To != 4 || r.gaps[0].Missed != 6 {
		t.Fatalf("a gap across the wrap: %+v, want 2^64-1..4, 6 missed", r.gaps)
	}
}

// Rule (hostile server): a jump by 2^62 is not a count of anything. It
// is said once, no gap is reported for it, and the new numbering is
// followed: later notifications are neither gaps nor late.
func TestSequencerImplausibleJumpIsReportedOnce(t *testing.T) {
	r := newRun(1).feed(2, 3, 3+1<<62, 4+1<<62, 5+1<<62)
	if len(r.gaps) != 0 || len(r.restarts) != 1 || r.late != 0 {
		t.Fatalf("jump by 2^62: gaps %+v restarts %q late %d", r.gaps, r.restarts, r.late)
	}
	// and back again: one more note, then quiet
	r.feed(4, 5, 6, 7)
	if len(r.gaps) != 0 || len(r.restarts) != 2 || r.late != 0 || r.dups != 0 {
		t.Fatalf("and back: gaps %+v restarts %q late %d dups %d", r.gaps, r.restarts, r.late, r.dups)
	}
}

// Rule (hostile server): a sequence that goes backwards is a restarted
// numbering, said once and followed, whether it steps back a little or
// a lot; it does not make every later notification late or duplicate.
func TestSequencerBackwardsIsReportedOnce(t *testing.T) {
	for _, back := range []uint64{100, 50, 90} {
		r := newRun(1)
		for s := uint64(2); s <= 100; s++ {
			r.feed(s)
		}
		// a new numbering from 100-back, with new notifications
		for s := 100 - back + 1; s <= 120; s++ {
			r.feedID(s, "new"+u64(s))
		}
		if len(r.gaps) != 0 || len(r.restarts) != 1 || r.late != 0 || r.dups != 0 {
			t.Errorf("back by %d: gaps %+v restarts %q late %d dups %d", back, r.gaps, r.restarts, r.late, r.dups)
		}
	}
	r := newRun(1e9).feed(1e9+1, 3, 4)
	if len(r.gaps) != 0 || len(r.restarts) != 1 {
		t.Errorf("far back: gaps %+v restarts %q", r.gaps, r.restarts)
	}
}

// Rule: frames other than notifications only move the numbering forward:
// a reply that repeats the current number is nothing at all.
func TestSequencerOtherFramesOnlyAdvance(t *testing.T) {
	r := newRun(1).feed(2)
	out, v := r.q.advance(nil, 2, r.at)
	out, v2 := r.q.advance(out, 1, r.at)
	r.collect(out)
	if v.newest || v2.newest || len(r.gaps) != 0 {
		t.Fatalf("repeats moved the numbering: %+v %+v %+v", v, v2, r.gaps)
	}
	out, v = r.q.advance(nil, 3, r.at)
	r.collect(out)
	if r.feed(4); !v.newest || len(r.gaps) != 0 || len(r.restarts) != 0 {
		t.Fatalf("a numbered reply then the next notification: %+v %+v %q", v, r.gaps, r.restarts)
	}
}
