package emu

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
)

// Ledger keeps the newest entries an emulator made — one per event,
// numbered 1, 2, 3… in the order they were made — with what became of
// each, so that a test can compare a client's output with the server's
// own account, reading it in pages (GET ControlPrefix+"ledger"). The
// provider says what an entry holds (E), how it takes its number and
// how it is copied for a reader.
//
// It has its own lock: entries are added under the provider's lock, but
// connection writers mark them written without it. A nil *Ledger keeps
// nothing and answers empty pages (a ledger switched off).
type Ledger[E any] struct {
	mu      sync.Mutex
	size    int
	number  func(e *E, seq uint64)
	copy    func(e *E) E
	entries []*E // entries[start:] are kept, oldest first
	start   int
	seq     uint64 // the last number given
	dropped uint64 // entries no longer kept; entries[start] is number dropped+1
}

// NewLedger keeps the newest size entries. Add calls number to give an
// entry its number; Page and Copy call copy for each entry they return
// (a copy must not share what Do may change later). Both run with the
// ledger's lock held.
func NewLedger[E any](size int, number func(e *E, seq uint64), copy func(e *E) E) *Ledger[E] {
	return &Ledger[E]{size: size, number: number, copy: copy}
}

// Add numbers e and keeps it, letting the oldest go beyond the size.
func (l *Ledger[E]) Add(e *E) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	l.number(e, l.seq)
	l.entries = append(l.entries, e)
	if len(l.entries)-l.start > l.size {
		l.entries[l.start] = nil
		l.start++
		l.dropped++
	}
	if l.start > l.size { // compact now and then: amortised O(1)
		l.entries = append([]*E(nil), l.entries[l.start:]...)
		l.start = 0
	}
}

// Do runs f with the ledger's lock held, for changing an entry (one Add
// was given) while readers may be copying it.
func (l *Ledger[E]) Do(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f()
}

// Copy copies e, which writers may be changing meanwhile.
func (l *Ledger[E]) Copy(e *E) E {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.copy(e)
}

// LedgerPage is a slice of a ledger.
type LedgerPage[E any] struct {
	Entries []E `json:"entries"`
	// Next is the number to pass as since to read on: the last entry
	// here, or since when there was nothing new.
	Next uint64 `json:"next"`
	// Dropped counts the oldest entries no longer kept (the ledger's
	// size).
	Dropped uint64 `json:"dropped"`
}

// Page returns up to limit entries after number since (0: from the
// oldest kept), oldest first, copied.
func (l *Ledger[E]) Page(since uint64, limit int) LedgerPage[E] {
	p := LedgerPage[E]{Entries: []E{}, Next: since}
	if l == nil {
		return p
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	p.Dropped = l.dropped
	kept := l.entries[l.start:]
	var skip uint64
	if since > l.dropped {
		skip = min(since-l.dropped, uint64(len(kept)))
	}
	for i, e := range kept[skip:] {
		if len(p.Entries) == limit {
			break
		}
		p.Entries = append(p.Entries, l.copy(e))
		p.Next = l.dropped + skip + uint64(i) + 1 // e's number
	}
	return p
}

// MaxLedgerPage bounds one read of a ledger over the control API; a read
// that names no limit gets DefaultLedgerPage entries at most.
const (
	MaxLedgerPage     = 10000
	DefaultLedgerPage = 1000
)

// HandleLedger serves GET ControlPrefix+"ledger"?since=N&limit=M with
// page: since defaults to 0 (from the oldest kept), limit to
// DefaultLedgerPage, at most MaxLedgerPage.
func (s *Server) HandleLedger(page func(since uint64, limit int) any) {
	s.Handle("GET "+ControlPrefix+"ledger", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var since uint64
		if v := q.Get("since"); v != "" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				WriteError(w, fmt.Errorf("since must be a ledger seq (a whole number), got %q", clip(v)))
				return
			}
			since = n
		}
		limit, err := IntParam(q.Get("limit"), DefaultLedgerPage, 1, MaxLedgerPage, "limit")
		if err != nil {
			WriteError(w, err)
			return
		}
		WriteJSON(w, http.StatusOK, page(since, limit))
	})
}
