package shell

import (
	"github.com/evtap/evtap/protocol"
)

// store keeps the last keep rows of the story: events and, inline, the
// state changes, gaps, markers, errors and subscription answers, so the
// list reads top to bottom. Raw frames and heartbeats are counted by the
// panes, not listed. Rows are numbered from the start of the session, so
// a selection survives eviction of older rows.
type store struct {
	rows    []protocol.Update // ring buffer
	first   int               // number of the oldest row kept
	start   int               // index of the oldest row in rows
	keep    int
	evicted int
}

func newStore(keep int) *store { return &store{keep: keep} }

func listed(k protocol.Kind) bool {
	switch k {
	case protocol.KindEvent, protocol.KindState, protocol.KindGap, protocol.KindMarker,
		protocol.KindError, protocol.KindSubscription:
		return true
	}
	return false
}

// add keeps u if it belongs in the list.
func (s *store) add(u protocol.Update) {
	if !listed(u.Kind) {
		return
	}
	if len(s.rows) < s.keep {
		s.rows = append(s.rows, u)
		return
	}
	s.rows[s.start] = u
	s.start = (s.start + 1) % len(s.rows)
	s.first++
	s.evicted++
}

// len is the number of rows kept.
func (s *store) len() int { return len(s.rows) }

// end is the number one past the newest row.
func (s *store) end() int { return s.first + len(s.rows) }

// at returns row number n, which must be in [first, end).
func (s *store) at(n int) *protocol.Update {
	return &s.rows[(s.start+n-s.first)%len(s.rows)]
}

func (s *store) has(n int) bool { return n >= s.first && n < s.end() }
