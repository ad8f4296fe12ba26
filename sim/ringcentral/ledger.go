package ringcentral

import (
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

// LedgerPage is a slice of the ledger: Entries, Next (the seq to pass as
// since to read on) and Dropped (the oldest entries no longer kept,
// Config.LedgerSize).
type LedgerPage = emu.LedgerPage[LedgerEntry]

// ledger keeps the newest entries (the core's emu.Ledger). Notes point at
// their own entry and update it as they are written, discarded and
// evicted, under the ledger's lock, because the core tells trackers
// without any lock held. Nil when Config.LedgerSize is negative.
type ledger = emu.Ledger[LedgerEntry]

func newLedger(size int) *ledger {
	if size <= 0 {
		return nil
	}
	return emu.NewLedger(size, func(e *LedgerEntry, seq uint64) { e.Seq = seq }, copyEntry)
}

// copyEntry copies e for a reader, saying whether it is settled and lost.
// The ledger's lock is held.
func copyEntry(e *LedgerEntry) LedgerEntry {
	c := *e
	c.Written = append([]string{}, e.Written...)
	c.Discarded = append([]string{}, e.Discarded...)
	c.Settled = c.Evicted != "" && c.Pending == 0
	c.Lost = c.Settled && len(c.Written) == 0
	return c
}

// copyTracker is one queued copy of a note on one connection, so the
// ledger learns which connection wrote it.
type copyTracker struct {
	n    *note
	conn string
}

func (t *copyTracker) Delivered() {
	t.n.Delivered()
	e := t.n.entry
	t.n.s.ledger.Do(func() {
		e.Written = append(e.Written, t.conn)
		e.Pending--
	})
}

func (t *copyTracker) Discarded() {
	e := t.n.entry
	t.n.s.ledger.Do(func() {
		e.Discarded = append(e.Discarded, t.conn)
		e.Pending--
	})
	t.n.Discarded()
}

// Ledger returns up to limit entries after seq since (0: from the
// oldest kept), oldest first: every notification the emulator made for
// a WebSocket session, with what became of it (the PubNub transport
// keeps its own). It is empty when
// Config.LedgerSize is negative.
func (s *Server) Ledger(since uint64, limit int) LedgerPage { return s.ledger.Page(since, limit) }
