package eventlist

import (
	"math"
	"time"
	"unsafe"

	"github.com/evtap/evtap/protocol"
)

// DefaultKeep is how many rows a Store keeps unless told otherwise
// (--keep).
const DefaultKeep = 100000

// Store keeps the last Keep rows worth showing: events and, inline, state
// changes, gaps, markers, errors, subscription answers, heartbeats,
// control frames (ping, pong, close), the frames the client sent and
// its REST exchanges, so the story reads top to bottom. Received text
// and binary frames are not kept: they arrive again decoded as events. When
// full it evicts the oldest row and counts it. Rows are numbered from the
// start of the session, so a number stays valid until its row is evicted.
//
// Each row is a compact 40-byte record. An event, most of a session, is
// copied into an arena (events.go): its fields and body packed end to
// end in 64 KB chunks, its repeating strings (provider, name, label,
// subscription) interned, so a stored event costs its payload plus about
// a hundred bytes, and keeps nothing else alive (a decoder's body may
// be a slice of the whole frame). Other rows point at the payload the
// session allocated. At rebuilds the Update on demand; the Detail parses
// the body lazily.
type Store struct {
	rows    []row // ring buffer
	start   int   // index of the oldest row in rows
	first   int   // number of the oldest row kept
	keep    int
	evicted int
	kinds   [ClassOther + 1]int // rows kept per class, for the "hidden" counts
	gen     int                 // bumps whenever rows are evicted
	arena   arena               // where events are packed
}

// NewStore returns a Store keeping the last keep rows (DefaultKeep when
// keep <= 0).
func NewStore(keep int) *Store {
	if keep <= 0 {
		keep = DefaultKeep
	}
	return &Store{keep: keep}
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
	ClassWire                   // a text or binary frame sent, a REST exchange (http frame)
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
		case protocol.OpHTTP:
			return ClassWire, true
		}
		return ClassWire, u.Kind == protocol.KindSent
	case protocol.KindMarker:
		return ClassOther, u.Marker != nil
	case protocol.KindError:
		return ClassOther, u.Error != nil
	case protocol.KindSubscription:
		return ClassOther, u.Subscription != nil
	}
	return 0, false
}

// row is one kept Update, compacted: the scalar fields, with the time as
// Unix nanoseconds, and either the payload pointer of its Kind or, for a
// packed event, its arena chunk and where in it the event starts.
type row struct {
	ns, off int64
	p       unsafe.Pointer // *protocol.<Kind's payload>, or the *chunk of a packed event
	at      uint32         // a packed event's offset in its chunk
	conn    int32
	kind    uint8 // index into kinds
	class   Class
	packed  bool
}

// kindNames maps row.kind back to protocol.Kind.
var kindNames = [...]protocol.Kind{protocol.KindRecv, protocol.KindSent, protocol.KindState, protocol.KindEvent,
	protocol.KindSubscription, protocol.KindGap, protocol.KindHeartbeat, protocol.KindMarker, protocol.KindError}

func kindIndex(k protocol.Kind) uint8 {
	for i, n := range kindNames {
		if n == k {
			return uint8(i)
		}
	}
	return 0
}

// zeroTime stands for a zero Update.Time, which UnixNano cannot express.
const zeroTime = math.MinInt64

func (s *Store) pack(u *protocol.Update, c Class) row {
	r := row{off: int64(u.Offset), conn: int32(u.Conn), kind: kindIndex(u.Kind), class: c, ns: zeroTime}
	if !u.Time.IsZero() {
		r.ns = u.Time.UnixNano()
	}
	switch u.Kind {
	case protocol.KindRecv, protocol.KindSent:
		r.p = unsafe.Pointer(u.Frame)
	case protocol.KindState:
		r.p = unsafe.Pointer(u.State)
	case protocol.KindEvent:
		if ch, at, ok := s.arena.pack(u.Event); ok {
			r.p, r.at, r.packed = unsafe.Pointer(ch), at, true
		} else {
			r.p = unsafe.Pointer(u.Event)
		}
	case protocol.KindSubscription:
		r.p = unsafe.Pointer(u.Subscription)
	case protocol.KindGap:
		r.p = unsafe.Pointer(u.Gap)
	case protocol.KindHeartbeat:
		r.p = unsafe.Pointer(u.Heartbeat)
	case protocol.KindMarker:
		r.p = unsafe.Pointer(u.Marker)
	case protocol.KindError:
		r.p = unsafe.Pointer(u.Error)
	}
	return r
}

func (s *Store) unpack(r *row) *protocol.Update {
	u := &protocol.Update{Offset: protocol.Offset(r.off), Conn: int(r.conn), Kind: kindNames[r.kind]}
	if r.ns != zeroTime {
		u.Time = time.Unix(0, r.ns)
	}
	switch u.Kind {
	case protocol.KindRecv, protocol.KindSent:
		u.Frame = (*protocol.Frame)(r.p)
	case protocol.KindState:
		u.State = (*protocol.State)(r.p)
	case protocol.KindEvent:
		if r.packed {
			u.Event = s.arena.unpack((*chunk)(r.p), r.at)
		} else {
			u.Event = (*protocol.Event)(r.p)
		}
	case protocol.KindSubscription:
		u.Subscription = (*protocol.Subscription)(r.p)
	case protocol.KindGap:
		u.Gap = (*protocol.Gap)(r.p)
	case protocol.KindHeartbeat:
		u.Heartbeat = (*protocol.Heartbeat)(r.p)
	case protocol.KindMarker:
		u.Marker = (*protocol.Marker)(r.p)
	case protocol.KindError:
		u.Error = (*protocol.Error)(r.p)
	}
	return u
}

// Add keeps u if it is worth showing, evicting the oldest row when full.
func (s *Store) Add(u protocol.Update) {
	c, ok := ClassOf(&u)
	if !ok {
		return
	}
	s.kinds[c]++
	r := s.pack(&u, c)
	if len(s.rows) < s.keep {
		if len(s.rows) == cap(s.rows) {
			// Grow by at most 64k rows at a time and never past keep,
			// so a full store wastes no capacity.
			grown := make([]row, len(s.rows), min(s.keep, len(s.rows)+max(len(s.rows), 1024), len(s.rows)+65536))
			copy(grown, s.rows)
			s.rows = grown
		}
		s.rows = append(s.rows, r)
		return
	}
	s.kinds[s.rows[s.start].class]--
	s.rows[s.start] = r
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
// Each call builds a fresh Update around the stored payload, so compare
// rows with == on the values, not on the pointers.
func (s *Store) At(n int) *protocol.Update {
	if n < s.first || n >= s.End() {
		return nil
	}
	i := s.start + n - s.first
	if i >= len(s.rows) {
		i -= len(s.rows)
	}
	return s.unpack(&s.rows[i])
}

// classAt is the class of row number n, which must be kept.
func (s *Store) classAt(n int) Class {
	i := s.start + n - s.first
	if i >= len(s.rows) {
		i -= len(s.rows)
	}
	return s.rows[i].class
}

// Reset forgets every row (a replay starting over). Numbering goes on
// from where it was, so a number held from before names no new row.
func (s *Store) Reset() {
	end := s.End()
	clear(s.rows) // let go of the payloads
	s.rows = s.rows[:0]
	s.start, s.first, s.evicted = 0, end, 0
	s.kinds = [ClassOther + 1]int{}
	s.gen++
}
