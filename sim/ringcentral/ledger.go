package ringcentral

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/evtap/evtap/sim/emu"
)

// LedgerEntry is one notification the emulator made and what became of
// it: on which connections it was written, whether it left the recovery
// buffer and why. A test that wants "nothing inside the recovery window
// was lost" compares a client's output with the ledger: a notification
// the client never showed must have left the buffer before the client
// could recover it (Evicted "overflow": the client's gap must count it)
// or gone with its session (Evicted "forgotten" or "expired": the
// client's gap is of unknown size).
type LedgerEntry struct {
	Seq          uint64    `json:"seq"`            // 1, 2, 3… in the order notifications were made, across sessions
	Time         time.Time `json:"time"`           // when it was made (the emulator's clock)
	Session      string    `json:"session"`        // the session it was made for
	Sequence     uint64    `json:"sequence"`       // its wsc sequence in that session
	UUID         string    `json:"uuid"`           // the notification's uuid
	Subscription string    `json:"subscriptionId"` // the subscription it was made for
	Event        string    `json:"event"`          // the event path
	Source       string    `json:"source"`         // generated (the pump), sent (Generate, send) or injected (Inject)
	// Written lists the connections it was written to, in order: more
	// than one when a recovery replayed it.
	Written []string `json:"written"`
	// Discarded lists the connections on which a queued copy ended
	// unwritten (the connection was cut or ended first).
	Discarded []string `json:"discarded"`
	// Pending counts copies queued and not yet written or discarded.
	Pending int `json:"pending"`
	// Evicted says why it left the recovery buffer: EvictedOverflow,
	// EvictedForgotten, EvictedExpired, EvictedUnbuffered or
	// EvictedDiscarded; "" while it is still there and can be replayed.
	Evicted string `json:"evicted,omitempty"`
	// EvictedAt is when it left the buffer (the emulator's clock): a
	// client that recovered before then should have had it replayed.
	EvictedAt time.Time `json:"evictedAt,omitzero"`
	// Settled: evicted and no copy pending, so nothing more can happen
	// to it. A reader that pages on can stop at the first entry not
	// settled and read it again later.
	Settled bool `json:"settled"`
	// Lost: settled and never written; the counters' dropped counts it.
	Lost bool `json:"lost"`
}

// Why a notification left the recovery buffer.
const (
	EvictedOverflow   = "overflow"   // pushed out by newer ones beyond BufferSize (or the buffer's byte bound)
	EvictedForgotten  = "forgotten"  // its session was forgotten (Forget, the control API, the forget fault)
	EvictedExpired    = "expired"    // its session was lost for longer than RecoveryTimeout
	EvictedUnbuffered = "unbuffered" // never kept: BufferSize is off
	EvictedDiscarded  = "discarded"  // its session was discarded when a recovery found no subscription
)

// Sources of a notification.
const (
	SourceGenerated = "generated"
	SourceSent      = "sent"
	SourceInjected  = "injected"
)

// LedgerPage is a slice of the ledger.
type LedgerPage struct {
	Entries []LedgerEntry `json:"entries"`
	// Next is the seq to pass as since to read on: the last entry here,
	// or since when there was nothing new.
	Next uint64 `json:"next"`
	// Dropped counts the oldest entries no longer kept
	// (Config.LedgerSize).
	Dropped uint64 `json:"dropped"`
}

// ledger keeps the newest entries. Notes point at their own entry and
// update it as they are written, discarded and evicted; it has its own
// lock because the core tells trackers without any lock held.
type ledger struct {
	mu      sync.Mutex
	size    int
	entries []*LedgerEntry // entries[start:] are kept, oldest first, by Seq
	start   int
	seq     uint64
	dropped uint64
}

func newLedger(size int) *ledger {
	if size <= 0 {
		return nil
	}
	return &ledger{size: size}
}

// add numbers e and keeps it, letting the oldest go beyond size.
func (l *ledger) add(e *LedgerEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	e.Seq = l.seq
	l.entries = append(l.entries, e)
	if len(l.entries)-l.start > l.size {
		l.entries[l.start] = nil
		l.start++
		l.dropped++
	}
	if l.start > l.size { // compact now and then: amortised O(1)
		l.entries = append([]*LedgerEntry(nil), l.entries[l.start:]...)
		l.start = 0
	}
}

// queued counts a copy of e queued on a connection.
func (l *ledger) queued(e *LedgerEntry) {
	l.mu.Lock()
	e.Pending++
	l.mu.Unlock()
}

// written records that conn wrote a copy of e.
func (l *ledger) written(e *LedgerEntry, conn string) {
	l.mu.Lock()
	e.Written = append(e.Written, conn)
	e.Pending--
	l.mu.Unlock()
}

// discarded records that a copy of e queued on conn will never be
// written.
func (l *ledger) discarded(e *LedgerEntry, conn string) {
	l.mu.Lock()
	e.Discarded = append(e.Discarded, conn)
	e.Pending--
	l.mu.Unlock()
}

// evicted records why and when e left the recovery buffer (the first
// time counts).
func (l *ledger) evicted(e *LedgerEntry, why string, at time.Time) {
	l.mu.Lock()
	if e.Evicted == "" {
		e.Evicted, e.EvictedAt = why, at
	}
	l.mu.Unlock()
}

// page returns up to limit entries after since, copied.
func (l *ledger) page(since uint64, limit int) LedgerPage {
	p := LedgerPage{Entries: []LedgerEntry{}, Next: since}
	if l == nil {
		return p
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	p.Dropped = l.dropped
	begin := l.start
	if begin < len(l.entries) && since >= l.entries[begin].Seq {
		begin += int(min(since-l.entries[begin].Seq+1, uint64(len(l.entries)-begin)))
	}
	for _, e := range l.entries[begin:] {
		if len(p.Entries) == limit {
			break
		}
		c := *e
		c.Written = append([]string{}, e.Written...)
		c.Discarded = append([]string{}, e.Discarded...)
		c.Settled = c.Evicted != "" && c.Pending == 0
		c.Lost = c.Settled && len(c.Written) == 0
		p.Entries = append(p.Entries, c)
		p.Next = e.Seq
	}
	return p
}

// copyTracker is one queued copy of a note on one connection, so the
// ledger learns which connection wrote it.
type copyTracker struct {
	n    *note
	conn string
}

func (t *copyTracker) Delivered() {
	t.n.Delivered()
	t.n.s.ledger.written(t.n.entry, t.conn)
}

func (t *copyTracker) Discarded() {
	t.n.s.ledger.discarded(t.n.entry, t.conn)
	t.n.Discarded()
}

// Ledger returns up to limit entries after seq since (0: from the
// oldest kept), oldest first: every notification the emulator made for
// a WebSocket session, with what became of it (the PubNub transport
// keeps its own). It is empty when
// Config.LedgerSize is negative.
func (s *Server) Ledger(since uint64, limit int) LedgerPage { return s.ledger.page(since, limit) }

// maxLedgerPage bounds one read of the ledger over the control API.
const maxLedgerPage = 10000

// handleLedger is GET /_evtap/ledger?since=N&limit=M (limit 1000 by
// default, at most maxLedgerPage).
func (s *Server) handleLedger(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var since uint64
	if v := q.Get("since"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			emu.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("since must be a ledger seq (a whole number), got %q", clip(v))})
			return
		}
		since = n
	}
	limit := 1000
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLedgerPage {
			emu.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("limit must be a whole number from 1 to %d, got %q", maxLedgerPage, clip(v))})
			return
		}
		limit = n
	}
	emu.WriteJSON(w, http.StatusOK, s.Ledger(since, limit))
}
