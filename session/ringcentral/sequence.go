package ringcentral

import (
	"fmt"
	"sort"

	"github.com/evtap/evtap/protocol"
)

// seenWindow is how far behind the newest sequence number duplicates are
// still recognised.
const seenWindow = 4096

// reorderWindow is how many later notifications a missing number may
// trail by and still count as reordered rather than lost. A jump larger
// than this is reported as a gap at once.
const reorderWindow = 4

// sequencer watches the wsc sequence numbers of one server session's
// notifications: a jump is a gap, a number seen before is a duplicate, a
// number below the newest that was not seen arrived out of order.
//
// Small jumps are held back: the numbers skipped are "missing" until
// reorderWindow more notifications have arrived (or the owner flushes,
// on a timer or a lost connection), so a swapped pair is not reported
// as a loss.
type sequencer struct {
	last    uint64 // newest sequence seen; 0 before any
	seen    map[uint64]struct{}
	missing map[uint64]int // skipped number -> count when it went missing
	count   int            // notifications observed
}

// observation is what one sequence number means.
type observation struct {
	gaps      []*protocol.Gap // losses now certain, in order
	duplicate bool
	late      bool // arrived after its gap was reported
}

// reset starts a new server session whose position is start (the
// sequence of its ConnectionDetails, or 0 if unknown). Missing numbers
// of the old session are returned as gaps first.
func (q *sequencer) reset(start uint64) []*protocol.Gap {
	g := q.flush()
	q.last, q.count = start, 0
	q.seen = map[uint64]struct{}{}
	if start != 0 {
		q.seen[start] = struct{}{}
	}
	return g
}

// pending reports whether numbers are held as missing.
func (q *sequencer) pending() bool { return len(q.missing) > 0 }

// observe takes one notification's sequence number (0 = it had none).
func (q *sequencer) observe(seq uint64) observation {
	if seq == 0 {
		return observation{}
	}
	if q.seen == nil {
		q.seen = map[uint64]struct{}{}
	}
	if _, ok := q.seen[seq]; ok {
		return observation{duplicate: true}
	}
	q.seen[seq] = struct{}{}
	q.count++
	var o observation
	switch {
	case q.last == 0:
	case seq > q.last+1:
		if n := seq - q.last - 1; n > reorderWindow {
			o.gaps = append(o.gaps, &protocol.Gap{From: q.last + 1, To: seq - 1, Missed: int(n), Reason: "wsc sequence jumped"})
		} else {
			if q.missing == nil {
				q.missing = map[uint64]int{}
			}
			for s := q.last + 1; s < seq; s++ {
				q.missing[s] = q.count
			}
		}
	case seq < q.last:
		if _, ok := q.missing[seq]; ok {
			delete(q.missing, seq) // reordered within the window: no loss
		} else {
			o.late = true // its gap was already reported
		}
	}
	if seq > q.last {
		q.last = seq
		if len(q.seen) > 2*seenWindow {
			q.prune()
		}
	}
	o.gaps = append(o.gaps, q.expire(false)...)
	return o
}

// flush gives up waiting: every missing number is a loss now.
func (q *sequencer) flush() []*protocol.Gap { return q.expire(true) }

// expire turns missing numbers that waited long enough (all, if force)
// into gaps, one per run of consecutive numbers.
func (q *sequencer) expire(force bool) []*protocol.Gap {
	var lost []uint64
	for s, at := range q.missing {
		if force || q.count-at >= reorderWindow {
			lost = append(lost, s)
			delete(q.missing, s)
		}
	}
	if len(lost) == 0 {
		return nil
	}
	sort.Slice(lost, func(i, j int) bool { return lost[i] < lost[j] })
	reason := fmt.Sprintf("wsc sequence jumped and the missing notifications did not follow within %d", reorderWindow)
	var out []*protocol.Gap
	for _, s := range lost {
		if n := len(out); n > 0 && out[n-1].To+1 == s {
			out[n-1].To = s
			out[n-1].Missed++
			continue
		}
		out = append(out, &protocol.Gap{From: s, To: s, Missed: 1, Reason: reason})
	}
	return out
}

func (q *sequencer) prune() {
	for s := range q.seen {
		if s+seenWindow < q.last {
			delete(q.seen, s)
		}
	}
}
