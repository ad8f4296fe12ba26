package main

import (
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
	"time"

	rcsim "github.com/evtap/evtap/sim/ringcentral"
)

// tally is what the soak knows of every notification: the emulator's
// account of it (from its ledger) beside what evtap showed of it. It is
// kept compact (a few dozen bytes a notification) because a 30-minute
// soak makes nearly two million.
type tally struct {
	mu       sync.Mutex
	start    time.Time
	sessions map[string]*session // by the emulator's session id
	order    []*session          // in the order the ledger first named them
	subs     map[string]*session // subscription id → its session
	early    []shownEvent        // events whose subscription the ledger has not named yet
	entries  int                 // ledger entries read
	mismatch []string            // uuid mismatches, the first few
}

// session is one emulator session's notifications, by wsc sequence.
type session struct {
	id    string
	base  uint64 // sequence of notes[0]
	notes []note
}

// note is one notification (40 bytes: a 30-minute soak holds nearly two
// million).
type note struct {
	// From the ledger.
	evictedAt int64     // when it left the buffer: nanoseconds since the soak started, by the wall clock
	uuid      uint32    // hash of its uuid
	conns     [2]uint32 // the last two connections that wrote it
	// From evtap's stdout.
	shownUUID uint32 // hash of the uuid evtap printed
	shownConn uint32 // evtap's connection number the first time
	// Small counts and flags.
	inLedger  bool
	evicted   uint8 // why it left the buffer (evict* below)
	writes    uint8 // times written
	shown     uint8 // times evtap printed it as an event
	replayed  uint8 // of which marked replayed
	dupMarked uint8 // of which marked duplicate
}

// Why a notification left the buffer, compactly.
const (
	evictNone uint8 = iota
	evictOverflow
	evictForgotten
	evictOther
)

func evictCode(why string) uint8 {
	switch why {
	case "":
		return evictNone
	case rcsim.EvictedOverflow:
		return evictOverflow
	case rcsim.EvictedForgotten:
		return evictForgotten
	}
	return evictOther
}

// shownEvent is one event line of evtap's stdout.
type shownEvent struct {
	sub      string
	seq      uint64
	uuid     uint32
	conn     uint32
	replayed bool
	dup      bool
}

func newTally(start time.Time) *tally {
	return &tally{start: start, sessions: map[string]*session{}, subs: map[string]*session{}}
}

// since is how long after the start at is, by the wall clock (Round(0)
// drops the monotonic reading): the emulator's times and evtap's, read
// back from its JSON, are then on the same clock, to the nanosecond. A
// note evicted in the same millisecond as evtap's recovery, a moment
// before the emulator answered it, is a legitimate gap.
func (t *tally) since(at time.Time) int64 { return at.Round(0).Sub(t.start.Round(0)).Nanoseconds() }

func hash32(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32() | 1 // never 0, which means "none"
}

// connNumber reads the emulator's connection id ("c12") as 12.
func connNumber(id string) uint32 {
	n, _ := strconv.ParseUint(strings.TrimPrefix(id, "c"), 10, 32)
	return uint32(n)
}

// at returns the note of sequence seq, growing the session to hold it.
func (s *session) at(seq uint64) *note {
	if len(s.notes) == 0 {
		s.base = seq
	}
	if seq < s.base { // grow downwards: rare (events before the ledger's first)
		grow := int(s.base - seq)
		s.notes = append(make([]note, grow, grow+len(s.notes)), s.notes...)
		s.base = seq
	}
	i := int(seq - s.base)
	for i >= len(s.notes) {
		s.notes = append(s.notes, note{})
	}
	return &s.notes[i]
}

// name learns which session a subscription belongs to, from any ledger
// entry (settled or not), so evtap's events can be placed at once.
func (t *tally) name(es []rcsim.LedgerEntry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range es {
		t.session(e)
	}
	t.placeEarly()
}

// session is e's session, made the first time. Caller holds mu.
func (t *tally) session(e rcsim.LedgerEntry) *session {
	s := t.sessions[e.Session]
	if s == nil {
		s = &session{id: e.Session}
		t.sessions[e.Session] = s
		t.order = append(t.order, s)
	}
	if t.subs[e.Subscription] == nil {
		t.subs[e.Subscription] = s
	}
	return s
}

// ledger records settled ledger entries: nothing more can happen to
// them.
func (t *tally) ledger(es []rcsim.LedgerEntry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range es {
		t.entries++
		n := t.session(e).at(e.Sequence)
		n.inLedger = true
		n.uuid = hash32(e.UUID)
		n.evicted = evictCode(e.Evicted)
		if !e.EvictedAt.IsZero() {
			n.evictedAt = t.since(e.EvictedAt)
		}
		n.writes = uint8(min(len(e.Written), 255))
		for i := 0; i < len(e.Written) && i < len(n.conns); i++ {
			// Keep the last two: a replayed notification's first write
			// and the one evtap read are what matter.
			n.conns[i] = connNumber(e.Written[len(e.Written)-min(len(e.Written), len(n.conns))+i])
		}
	}
	t.placeEarly()
}

// placeEarly records the events that came before their subscription was
// known, where it now is. Caller holds mu.
func (t *tally) placeEarly() {
	early := t.early[:0]
	for _, ev := range t.early {
		if !t.record(ev) {
			early = append(early, ev)
		}
	}
	t.early = early
}

// show records one event evtap printed.
func (t *tally) show(ev shownEvent) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.record(ev) {
		t.early = append(t.early, ev)
	}
}

// record puts ev on its note; false when its subscription is not known
// yet. Caller holds mu.
func (t *tally) record(ev shownEvent) bool {
	s := t.subs[ev.sub]
	if s == nil {
		return false
	}
	n := s.at(ev.seq)
	if n.shown < 255 {
		n.shown++
	}
	if ev.replayed {
		n.replayed++
	}
	if ev.dup {
		n.dupMarked++
	}
	if n.shownUUID == 0 {
		n.shownUUID, n.shownConn = ev.uuid, ev.conn
	}
	return true
}

// newest is the highest sequence evtap showed of subscription sub.
func (t *tally) newest(sub string) uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.subs[sub]
	if s == nil {
		return 0
	}
	for i := len(s.notes) - 1; i >= 0; i-- {
		if s.notes[i].shown > 0 {
			return s.base + uint64(i)
		}
	}
	return 0
}
