package main

import (
	"sync"
	"time"

	rcsim "github.com/evtap/evtap/sim/ringcentral"
)

// ledgerPage is how many entries one read takes.
const ledgerPage = 10000

// ledgerReader pages through the emulator's ledger, handing the tally
// each entry once it is settled (nothing more can happen to it), in
// order.
type ledgerReader struct {
	mu     sync.Mutex // one poll at a time
	s      *rcsim.Server
	t      *tally
	next   uint64 // the last entry handed over
	missed uint64 // entries the ledger let go before they were read
}

// poll reads what is new and settled. It reports whether every entry
// made so far has been handed over.
func (r *ledgerReader) poll() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		p := r.s.Ledger(r.next, ledgerPage)
		if len(p.Entries) == 0 {
			return true
		}
		if first := p.Entries[0].Seq; first != r.next+1 {
			r.missed += first - r.next - 1
		}
		r.t.name(p.Entries)
		k := 0
		for k < len(p.Entries) && p.Entries[k].Settled {
			k++
		}
		if k > 0 {
			r.t.ledger(p.Entries[:k])
			r.next = p.Entries[k-1].Seq
		} else {
			// Nothing settled: still mark what was skipped as seen.
			r.next = p.Entries[0].Seq - 1
		}
		if k < len(p.Entries) {
			return false
		}
		if len(p.Entries) < ledgerPage {
			return true
		}
	}
}

// run polls every d until stop is closed.
func (r *ledgerReader) run(d time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			r.poll()
		}
	}
}

// drain polls until everything is settled and read, or the deadline.
func (r *ledgerReader) drain(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for !r.poll() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}
