package ringcentral

import (
	"testing"

	"github.com/evtap/evtap/protocol"
)

func feed(q *sequencer, seqs ...uint64) (gaps []*protocol.Gap, dups, late int) {
	for _, s := range seqs {
		o := q.observe(s)
		gaps = append(gaps, o.gaps...)
		if o.duplicate {
			dups++
		}
		if o.late {
			late++
		}
	}
	return
}

// Rule: a jump larger than the reorder window is a gap of exactly the
// missing numbers, reported at once.
func TestSequencerReportsBigJumpAtOnce(t *testing.T) {
	var q sequencer
	q.reset(1) // ConnectionDetails carried 1
	g, _, _ := feed(&q, 2, 3, 60)
	if len(g) != 1 || g[0].From != 4 || g[0].To != 59 || g[0].Missed != 56 {
		t.Fatalf("gaps %+v, want 4..59", g)
	}
}

// Rule: a swapped pair is not a loss.
func TestSequencerToleratesReordering(t *testing.T) {
	var q sequencer
	q.reset(1)
	g, dups, late := feed(&q, 3, 2, 5, 4, 6, 7, 8, 9, 10)
	if len(g) != 0 || dups != 0 || late != 0 || q.pending() {
		t.Errorf("reordered pairs gave gaps %+v, dups %d, late %d", g, dups, late)
	}
}

// Rule: a small jump becomes a gap once the missing numbers have not
// followed within the window, or when the owner gives up waiting; one
// arriving after that is late, not new.
func TestSequencerSmallJumpExpires(t *testing.T) {
	var q sequencer
	q.reset(1)
	g, _, _ := feed(&q, 2, 5, 6, 7, 8)
	if len(g) != 0 || !q.pending() {
		t.Fatalf("gap reported too early: %+v", g)
	}
	g, _, _ = feed(&q, 9) // the fourth notification after the jump
	if len(g) != 1 || g[0].From != 3 || g[0].To != 4 || g[0].Missed != 2 {
		t.Fatalf("gaps %+v, want 3..4 after the window", g)
	}
	if _, _, late := feed(&q, 3); late != 1 {
		t.Error("a number arriving after its gap was reported is not late")
	}
	feed(&q, 11)
	if g := q.flush(); len(g) != 1 || g[0].From != 10 || g[0].To != 10 {
		t.Errorf("flush = %+v, want 10", g)
	}
	if q.pending() {
		t.Error("still pending after flush")
	}
}

// Rule: a repeat is a duplicate; a number-less frame means nothing; a
// new session starts over and hands back what was still missing.
func TestSequencerDuplicatesAndReset(t *testing.T) {
	var q sequencer
	q.reset(1)
	if _, dups, _ := feed(&q, 2, 3, 3, 2); dups != 2 {
		t.Errorf("%d duplicates, want 2", dups)
	}
	if o := q.observe(0); len(o.gaps) != 0 || o.duplicate || o.late {
		t.Errorf("no sequence: %+v, want nothing", o)
	}
	feed(&q, 5)
	if g := q.reset(1); len(g) != 1 || g[0].From != 4 {
		t.Errorf("reset returned %+v, want the missing 4", g)
	}
	if g, dups, _ := feed(&q, 2, 3); len(g) != 0 || dups != 0 {
		t.Errorf("after reset: gaps %+v dups %d (a new session starts over)", g, dups)
	}
	var fresh sequencer
	if g, _, _ := feed(&fresh, 50, 51); len(g) != 0 {
		t.Errorf("no known start: %+v, want no gap", g)
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
