package events

import (
	"github.com/evtap/evtap/protocol"
)

// DefaultKeep is how many rows a Store keeps unless told otherwise
// (--keep).
const DefaultKeep = 100000

// Store keeps the last Keep rows worth showing: events and, inline, state
// changes, gaps, markers, errors, subscription answers, heartbeats and
// control frames (ping, pong, close), so the story reads top to bottom.
// Text frames are not kept: they arrive again decoded as events. When
// full it evicts the oldest row and counts it. Rows are numbered from the
// start of the session, so a number stays valid until its row is evicted.
//
// Each row holds the Update as received; an event's body is the raw
// bytes the session already holds, never re-parsed or copied here (the
// Detail parses lazily).
type Store struct {
	rows    []protocol.Update // ring buffer
	start   int               // index of the oldest row in rows
	first   int               // number of the oldest row kept
	keep    int
	evicted int
	kinds   map[Class]int // rows kept per class, for the "hidden" counts
	gen     int           // bumps whenever rows are evicted
}

// NewStore returns a Store keeping the last keep rows (DefaultKeep when
// keep <= 0).
func NewStore(keep int) *Store {
	if keep <= 0 {
		keep = DefaultKeep
	}
	return &Store{keep: keep, kinds: map[Class]int{}}
}

// Class sorts rows for the noise toggles.
type Class uint8

// The classes of row.
const (
	ClassEvent     Class = iota // a decoded notification
	ClassState                  // a connection phase change (not recovery)
	ClassRecovery               // recovering, recovered, recovery failed
	ClassGap                    // notifications known to be missed
	ClassHeartbeat              // a keepalive round trip
	ClassControl                // a ping, pong or close frame
	ClassOther                  // markers, errors, subscription answers
)

// ClassOf says which class u belongs to and whether the Store keeps it.
func ClassOf(u *protocol.Update) (Class, bool) {
	switch u.Kind {
	case protocol.KindEvent:
		return ClassEvent, u.Event != nil
	case protocol.KindState:
		if u.State == nil {
			return 0, false
		}
		switch u.State.Phase {
		case protocol.PhaseRecovering, protocol.PhaseRecovered, protocol.PhaseRecoveryFailed:
			return ClassRecovery, true
		}
		return ClassState, true
	case protocol.KindGap:
		return ClassGap, u.Gap != nil
	case protocol.KindHeartbeat:
		return ClassHeartbeat, u.Heartbeat != nil
	case protocol.KindRecv, protocol.KindSent:
		if u.Frame == nil {
			return 0, false
		}
		switch u.Frame.Op {
		case protocol.OpPing, protocol.OpPong, protocol.OpClose:
			return ClassControl, true
		}
		return 0, false
	case protocol.KindMarker:
		return ClassOther, u.Marker != nil
	case protocol.KindError:
		return ClassOther, u.Error != nil
	case protocol.KindSubscription:
		return ClassOther, u.Subscription != nil
	}
	return 0, false
}

// Add keeps u if it is worth showing, evicting the oldest row when full.
func (s *Store) Add(u protocol.Update) {
	c, ok := ClassOf(&u)
	if !ok {
		return
	}
	s.kinds[c]++
	if len(s.rows) < s.keep {
		s.rows = append(s.rows, u)
		return
	}
	old, _ := ClassOf(&s.rows[s.start])
	s.kinds[old]--
	s.rows[s.start] = u
	s.start++
	if s.start == len(s.rows) {
		s.start = 0
	}
	s.first++
	s.evicted++
	s.gen++
}

// Len is how many rows are kept.
func (s *Store) Len() int { return len(s.rows) }

// First is the number of the oldest row kept.
func (s *Store) First() int { return s.first }

// End is one past the number of the newest row.
func (s *Store) End() int { return s.first + len(s.rows) }

// Evicted is how many rows were dropped to stay within Keep.
func (s *Store) Evicted() int { return s.evicted }

// Keep is the most rows the Store holds.
func (s *Store) Keep() int { return s.keep }

// Count is how many kept rows are of class c.
func (s *Store) Count(c Class) int { return s.kinds[c] }

// At returns row number n, or nil when it is not (or no longer) kept.
// The pointer is valid until the next Add.
func (s *Store) At(n int) *protocol.Update {
	if n < s.first || n >= s.End() {
		return nil
	}
	i := s.start + n - s.first
	if i >= len(s.rows) {
		i -= len(s.rows)
	}
	return &s.rows[i]
}
