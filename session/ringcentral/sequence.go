package ringcentral

import "github.com/evtap/evtap/protocol"

// seenWindow is how far behind the newest sequence number duplicates are
// still recognised.
const seenWindow = 4096

// sequencer watches the wsc sequence numbers of one server session's
// notifications: a jump is a gap, a number seen before is a duplicate, a
// number below the newest that was not seen arrived out of order.
type sequencer struct {
	last uint64 // newest sequence seen; 0 before any
	seen map[uint64]struct{}
}

// observation is what one sequence number means.
type observation struct {
	gap       *protocol.Gap
	duplicate bool
	late      bool // below the newest, not seen before
}

// reset starts a new server session whose position is start (the
// sequence of its ConnectionDetails, or 0 if unknown).
func (q *sequencer) reset(start uint64) {
	q.last = start
	q.seen = map[uint64]struct{}{}
	if start != 0 {
		q.seen[start] = struct{}{}
	}
}

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
	var o observation
	switch {
	case q.last == 0:
	case seq > q.last+1:
		o.gap = &protocol.Gap{From: q.last + 1, To: seq - 1, Missed: int(seq - q.last - 1), Reason: "wsc sequence jumped"}
	case seq < q.last:
		o.late = true
	}
	if seq > q.last {
		q.last = seq
		if len(q.seen) > 2*seenWindow {
			q.prune()
		}
	}
	return o
}

func (q *sequencer) prune() {
	for s := range q.seen {
		if s+seenWindow < q.last {
			delete(q.seen, s)
		}
	}
}
