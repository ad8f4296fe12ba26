package dialpad

import (
	"encoding/json"
	"strconv"
	"sync"
	"time"
)

// LedgerEntry is one event the emulator made, and where it went. A test
// that wants "every event exactly once" reads the ledger and compares:
// an event a connection should have had is one with a route whose Queued
// names a connection of the client's.
type LedgerEntry struct {
	Seq    uint64          `json:"seq"`    // 1, 2, 3… in the order events were made
	Time   time.Time       `json:"time"`   // when it was made (server clock)
	Type   string          `json:"type"`   // call, sms, agent_status, contact, changelog
	Key    string          `json:"key"`    // unique per event, e.g. call:<call_id>:<state>
	Source string          `json:"source"` // generated, sent or injected
	Event  json.RawMessage `json:"event"`  // the event JSON (a signed frame's payload)
	Routes []Route         `json:"routes"` // one per subscription it matched
}

// Route is the delivery of one event for one subscription: the
// connections in scope when it was made.
type Route struct {
	Subscription string   `json:"subscription"` // subscription id
	Websocket    string   `json:"websocket"`    // websocket id
	Signed       bool     `json:"signed"`       // sent as an HS256 JWS
	Queued       []string `json:"queued"`       // connections the frame was queued on
	Written      []string `json:"written"`      // connections it was written to
}

// LedgerPage is a slice of the ledger.
type LedgerPage struct {
	Entries []LedgerEntry `json:"entries"`
	// Next is the seq to pass as since to read on (the last one here,
	// or since when there was nothing new).
	Next uint64 `json:"next"`
	// Dropped counts the oldest entries no longer kept (Config.LedgerSize).
	Dropped uint64 `json:"dropped"`
}

// ledger keeps the newest entries. It has its own lock: routing adds
// entries while holding Server.mu, and connection writers mark frames
// written without it.
type ledger struct {
	mu      sync.Mutex
	size    int
	entries []*LedgerEntry // entries[start:] are kept, oldest first
	start   int
	seq     uint64
	dropped uint64
}

func newLedger(size int) *ledger { return &ledger{size: size} }

// add numbers e and keeps it.
func (l *ledger) add(e *LedgerEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	e.Seq = l.seq
	if e.Key == "" {
		e.Key = e.Type + ":" + strconv.FormatUint(e.Seq, 10)
	}
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

// find returns entry seq, or nil if it is not kept. Caller holds l.mu.
func (l *ledger) find(seq uint64) *LedgerEntry {
	if l.start >= len(l.entries) {
		return nil
	}
	first := l.entries[l.start].Seq
	if seq < first {
		return nil
	}
	i := l.start + int(seq-first)
	if i >= len(l.entries) {
		return nil
	}
	return l.entries[i]
}

// written records that conn wrote entry seq's frame for subscription sub.
func (l *ledger) written(seq uint64, sub int64, conn string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.find(seq)
	if e == nil {
		return
	}
	id := strconv.FormatInt(sub, 10)
	for i := range e.Routes {
		if e.Routes[i].Subscription == id {
			e.Routes[i].Written = append(e.Routes[i].Written, conn)
			return
		}
	}
}

// unqueued takes conn off the queued list of entry seq's route for sub:
// the connection refused the frame (it had ended).
func (l *ledger) unqueued(seq uint64, sub int64, conn string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.find(seq)
	if e == nil {
		return
	}
	id := strconv.FormatInt(sub, 10)
	for i := range e.Routes {
		if e.Routes[i].Subscription == id {
			q := e.Routes[i].Queued[:0]
			for _, c := range e.Routes[i].Queued {
				if c != conn {
					q = append(q, c)
				}
			}
			e.Routes[i].Queued = q
		}
	}
}

// page returns up to limit entries after since, deep-copied.
func (l *ledger) page(since uint64, limit int) LedgerPage {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := LedgerPage{Entries: []LedgerEntry{}, Next: since, Dropped: l.dropped}
	begin := l.start
	if begin < len(l.entries) && since >= l.entries[begin].Seq {
		begin += int(since - l.entries[begin].Seq + 1)
	}
	for _, e := range l.entries[min(begin, len(l.entries)):] {
		if len(p.Entries) == limit {
			break
		}
		p.Entries = append(p.Entries, deepCopy(e))
		p.Next = e.Seq
	}
	return p
}

// snapshot copies e, which writers may be marking meanwhile.
func (l *ledger) snapshot(e *LedgerEntry) LedgerEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return deepCopy(e)
}

// deepCopy copies e with its routes. Caller holds l.mu.
func deepCopy(e *LedgerEntry) LedgerEntry {
	c := *e
	c.Routes = make([]Route, len(e.Routes))
	for i, r := range e.Routes {
		r.Queued = append([]string{}, r.Queued...)
		r.Written = append([]string{}, r.Written...)
		c.Routes[i] = r
	}
	return c
}
