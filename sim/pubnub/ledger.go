package pubnub

import "time"

// Where a published message is now, as the ledger says.
const (
	QueueHeld    = "queued"  // still in its channel's queue
	QueueEvicted = "evicted" // pushed out by newer messages (more than QueueSize)
	QueueExpired = "expired" // older than QueueTTL
)

// LedgerEntry is one published message: what it was, where it went, and
// how often a long-poll answer carried it. A message with Deliveries 0
// and Queue other than "queued" is lost for good.
type LedgerEntry struct {
	ID         string    `json:"id"`              // the publisher's id (a notification's uuid)
	Owner      string    `json:"owner,omitempty"` // who it was published for (a subscription id)
	Channel    string    `json:"channel"`
	Timetoken  string    `json:"timetoken"`
	Published  time.Time `json:"published"`
	Deliveries int       `json:"deliveries"` // answers that carried it (a client fetching again from an old tt counts again)
	Queue      string    `json:"queue"`      // queued, evicted or expired
}

// Ledger is what GET /_evtap/pubnub/ledger answers: the entries oldest
// first, and how many older entries no longer fit.
type Ledger struct {
	Entries   []LedgerEntry `json:"entries"`
	Forgotten uint64        `json:"forgotten"`
}

// ledger keeps the newest max entries. Caller holds the service's lock.
type ledger struct {
	max       int
	entries   []*LedgerEntry
	forgotten uint64
}

func (l *ledger) add(e LedgerEntry) *LedgerEntry {
	p := &e
	l.entries = append(l.entries, p)
	if over := len(l.entries) - l.max; over > 0 {
		// Drop in chunks so adding stays cheap at the bound.
		drop := max(over, l.max/8)
		drop = min(drop, len(l.entries)-1)
		l.forgotten += uint64(drop)
		l.entries = append(l.entries[:0:0], l.entries[drop:]...)
	}
	return p
}

// Ledger returns the entries whose channel and owner match ("" matches
// any), oldest first.
func (p *Service) Ledger(channel, owner string) Ledger {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := Ledger{Entries: []LedgerEntry{}, Forgotten: p.ledger.forgotten}
	for _, e := range p.ledger.entries {
		if (channel == "" || e.Channel == channel) && (owner == "" || e.Owner == owner) {
			out.Entries = append(out.Entries, *e)
		}
	}
	return out
}
