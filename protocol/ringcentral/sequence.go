package ringcentral

import (
	"strconv"
	"time"

	"github.com/evtap/evtap/protocol"
)

// The sequencer's limits. docs/ringcentral-notes.md §1 explains them.
const (
	// seenWindow is how far behind the newest number a duplicate or a
	// late arrival is still recognised (a power of two).
	seenWindow = 4096
	// reorderWindow is how many skipped numbers a jump may leave and
	// still be waited for as reordered rather than reported lost, and how
	// many later notifications they may trail by.
	reorderWindow = 4
	// reorderWait is the other bound on that wait: an Update at least
	// this much later (by its Time, never a timer) closes it.
	reorderWait = 500 * time.Millisecond
	// maxJump is the largest step forward that is taken as a count of
	// lost notifications. Beyond it (a jump by 2^62, a garbled number)
	// the numbering is not a count of anything: the sequencer says so
	// once and follows the new numbering.
	maxJump = 1 << 31
	// reportedGaps is how many reported gaps are remembered, so a number
	// arriving from inside one reads as late, not lost.
	reportedGaps = 16
)

// frameMark fills the seen slot of a number taken by a frame that is not
// a notification; notification ids hash to values with bit 1 set.
const frameMark = 1

// sequencer follows the wsc sequence numbers of one server session. A
// jump forward is a gap; a number seen before with the same notification
// id is a duplicate; a number below the newest that was skipped by a
// small jump arrived reordered; one from inside a reported gap arrived
// late. Anything else (a step back past the window, a number reused by
// another notification, an implausible jump) means the server restarted
// or garbled its numbering: reported once, then followed.
//
// Arithmetic is modulo 2^64, so a number wrapping past 2^64-1 to 0 is
// one step forward. It allocates nothing per number.
type sequencer struct {
	on    bool   // last is a position
	last  uint64 // the newest number
	count uint64 // numbers taken, to age held ones
	seen  [seenWindow]uint32
	held  []held
	gaps  [reportedGaps]span
	gapN  int
}

// held is a number skipped by a small jump, waited for.
type held struct {
	seq   uint64
	count uint64    // sequencer count when it went missing
	at    time.Time // Update time when it went missing
}

// span is an inclusive range of numbers.
type span struct{ from, to uint64 }

func (s span) has(n uint64) bool { return n-s.from <= s.to-s.from }

// verdict is what one number means.
type verdict struct {
	duplicate bool
	late      bool   // arrived after its gap was reported
	newest    bool   // it is now the newest number (its wsc is the one to keep)
	restart   string // non-empty: the numbering was not followable, and why
}

// reset starts a new numbering at base (on is false when the new session
// gave none). Held numbers of the old one are reported lost first.
func (q *sequencer) reset(dst []protocol.Update, base uint64, on bool) []protocol.Update {
	dst = q.flush(dst)
	q.on, q.last, q.count = on, base, 0
	q.seen = [seenWindow]uint32{}
	q.gapN = 0
	return dst
}

// observe takes the number of a notification whose id hashes to id.
func (q *sequencer) observe(dst []protocol.Update, seq uint64, id uint32, at time.Time) ([]protocol.Update, verdict) {
	if !q.on {
		q.on, q.last = true, seq
		q.take(seq, id)
		return dst, verdict{newest: true}
	}
	d := seq - q.last
	back := q.last - seq
	switch {
	case d == 0:
		switch q.seen[seq%seenWindow] {
		case id:
			return dst, verdict{duplicate: true}
		case 0:
			q.take(seq, id)
			return dst, verdict{newest: true}
		}
		return q.restart(dst, seq, id, "the newest number "+u64(seq)+" came again with another notification")
	case d <= maxJump:
		dst = q.forward(dst, seq, d, at)
		q.take(seq, id)
		return dst, verdict{newest: true}
	case back < seenWindow:
		slot := q.seen[seq%seenWindow]
		switch {
		case slot == id:
			return dst, verdict{duplicate: true}
		case slot == 0 && q.unhold(seq):
			q.take(seq, id)
			return dst, verdict{}
		case slot == 0 && q.reported(seq):
			q.take(seq, id)
			return dst, verdict{late: true}
		}
		return q.restart(dst, seq, id, "it went back from "+u64(q.last)+" to "+u64(seq))
	case q.reported(seq):
		return dst, verdict{late: true}
	case d > 1<<63:
		return q.restart(dst, seq, id, "it went back from "+u64(q.last)+" to "+u64(seq))
	}
	return q.restart(dst, seq, id, "it jumped from "+u64(q.last)+" to "+u64(seq)+", too far to be a count of lost notifications")
}

// advance takes the number of a frame that is not a notification (a
// server may number every frame): it only ever moves forward, so a reply
// that repeats the current number is not a duplicate.
func (q *sequencer) advance(dst []protocol.Update, seq uint64, at time.Time) ([]protocol.Update, verdict) {
	if !q.on {
		q.on, q.last = true, seq
		q.take(seq, frameMark)
		return dst, verdict{newest: true}
	}
	if d := seq - q.last; d != 0 && d <= maxJump {
		dst = q.forward(dst, seq, d, at)
		q.take(seq, frameMark)
		return dst, verdict{newest: true}
	}
	return dst, verdict{}
}

// forward moves the newest number d steps ahead to seq: the numbers
// skipped are held when few, reported lost at once otherwise.
func (q *sequencer) forward(dst []protocol.Update, seq, d uint64, at time.Time) []protocol.Update {
	from := q.last + 1
	if skipped := d - 1; skipped > 0 && skipped <= reorderWindow {
		for n := from; n != seq; n++ {
			q.held = append(q.held, held{seq: n, count: q.count, at: at})
		}
	} else if skipped > 0 {
		dst = q.lost(dst, from, seq-1, int(skipped), "wsc sequence jumped")
	}
	if d >= seenWindow {
		q.seen = [seenWindow]uint32{}
	} else {
		for n := from; n != seq+1; n++ {
			q.seen[n%seenWindow] = 0
		}
	}
	q.last = seq
	return dst
}

func (q *sequencer) take(seq uint64, id uint32) {
	q.seen[seq%seenWindow] = id
	q.count++
}

// unhold reports whether seq was held, and stops holding it.
func (q *sequencer) unhold(seq uint64) bool {
	for i, h := range q.held {
		if h.seq == seq {
			q.held = append(q.held[:i], q.held[i+1:]...)
			return true
		}
	}
	return false
}

func (q *sequencer) reported(seq uint64) bool {
	for _, g := range q.gaps[:min(q.gapN, reportedGaps)] {
		if g.has(seq) {
			return true
		}
	}
	return false
}

// restart follows a numbering that could not be followed, and says why.
func (q *sequencer) restart(dst []protocol.Update, seq uint64, id uint32, why string) ([]protocol.Update, verdict) {
	dst = q.reset(dst, seq, true)
	q.take(seq, id)
	return dst, verdict{newest: true, restart: why}
}

// lost appends a gap and remembers it.
func (q *sequencer) lost(dst []protocol.Update, from, to uint64, missed int, reason string) []protocol.Update {
	q.gaps[q.gapN%reportedGaps] = span{from, to}
	q.gapN++
	return append(dst, protocol.Update{Kind: protocol.KindGap, Gap: &protocol.Gap{From: from, To: to, Missed: missed, Reason: reason}})
}

// expire reports held numbers that waited long enough: reorderWindow
// later numbers, or reorderWait by the time of the Update at hand.
func (q *sequencer) expire(dst []protocol.Update, now time.Time) []protocol.Update {
	if len(q.held) == 0 {
		return dst
	}
	return q.drop(dst, func(h held) bool {
		return q.count-h.count > reorderWindow || (!now.IsZero() && !h.at.IsZero() && now.Sub(h.at) >= reorderWait)
	})
}

// flush reports every held number lost: the connection or the numbering
// they belonged to is gone.
func (q *sequencer) flush(dst []protocol.Update) []protocol.Update {
	if len(q.held) == 0 {
		return dst
	}
	return q.drop(dst, func(held) bool { return true })
}

const heldReason = "wsc sequence skipped these and they did not follow within " +
	"4 notifications or 500ms"

// drop reports the held numbers gone says are lost, one gap per run of
// consecutive numbers (they were held in increasing order).
func (q *sequencer) drop(dst []protocol.Update, gone func(held) bool) []protocol.Update {
	keep := q.held[:0]
	var run span
	n := 0
	for _, h := range q.held {
		if !gone(h) {
			keep = append(keep, h)
			continue
		}
		if n > 0 && h.seq == run.to+1 {
			run.to = h.seq
			n++
			continue
		}
		if n > 0 {
			dst = q.lost(dst, run.from, run.to, n, heldReason)
		}
		run, n = span{h.seq, h.seq}, 1
	}
	if n > 0 {
		dst = q.lost(dst, run.from, run.to, n, heldReason)
	}
	q.held = keep
	return dst
}

// idHash hashes a notification id (FNV-1a) into a seen slot value.
func idHash(id string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(id); i++ {
		h ^= uint32(id[i])
		h *= 16777619
	}
	return h | 2
}

func u64(n uint64) string { return strconv.FormatUint(n, 10) }
