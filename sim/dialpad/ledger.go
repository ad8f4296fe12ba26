package dialpad

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/evtap/evtap/sim/emu"
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

// LedgerPage is a slice of the ledger: Entries, Next (the seq to pass as
// since to read on) and Dropped (the oldest entries no longer kept,
// Config.LedgerSize).
type LedgerPage = emu.LedgerPage[LedgerEntry]

// ledger keeps the newest entries (the core's emu.Ledger): routing adds
// them while holding Server.mu, and connection writers mark frames
// written without it.
type ledger = emu.Ledger[LedgerEntry]

func newLedger(size int) *ledger { return emu.NewLedger(size, number, deepCopy) }

// number gives e its seq, and a key of type and seq when it has none.
// The ledger's lock is held.
func number(e *LedgerEntry, seq uint64) {
	e.Seq = seq
	if e.Key == "" {
		e.Key = e.Type + ":" + strconv.FormatUint(seq, 10)
	}
}

// route is e's route for subscription sub, or nil.
func (e *LedgerEntry) route(sub int64) *Route {
	id := strconv.FormatInt(sub, 10)
	for i := range e.Routes {
		if e.Routes[i].Subscription == id {
			return &e.Routes[i]
		}
	}
	return nil
}

// written records that conn wrote e's frame for subscription sub.
func written(l *ledger, e *LedgerEntry, sub int64, conn string) {
	l.Do(func() {
		if r := e.route(sub); r != nil {
			r.Written = append(r.Written, conn)
		}
	})
}

// unqueued takes conn off the queued list of e's route for sub: the
// connection refused the frame (it had ended).
func unqueued(l *ledger, e *LedgerEntry, sub int64, conn string) {
	l.Do(func() {
		if r := e.route(sub); r != nil {
			r.Queued = slices.DeleteFunc(r.Queued, func(c string) bool { return c == conn })
		}
	})
}

// deepCopy copies e with its routes. The ledger's lock is held.
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
