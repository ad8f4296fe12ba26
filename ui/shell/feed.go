package shell

import (
	"context"
	"sync"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/ui"
)

// Feed carries Updates from a session or a replay to the UI. Push never
// blocks the producer; Next hands the UI everything pending as one burst,
// at most one burst a frame (FrameRate a second), so that however fast
// Updates arrive the UI runs Update and View at most that often for
// them: Bubble Tea draws after every message, and a message per event
// would spend the CPU on frames nobody sees. A quiet stream's Update is
// handed over at once.
//
// When the UI falls behind by more than limit Updates, event and frame
// Updates are skipped and counted, while state, gap, subscription, marker
// and error Updates are always kept: the panes must stay truthful even
// when the list cannot keep up.
type Feed struct {
	mu      sync.Mutex
	pending []protocol.Update
	spare   []protocol.Update
	skipped int
	limit   int
	closed  bool
	wake    chan struct{}
	frame   time.Duration // the least time between two bursts
	last    time.Time     // when the last burst was handed out
}

// FrameRate is how many bursts a second a Feed hands out at most.
const FrameRate = 60

// NewFeed makes a feed that holds at most limit skippable Updates.
func NewFeed(limit int) *Feed {
	return &Feed{limit: limit, wake: make(chan struct{}, 1), frame: time.Second / FrameRate}
}

// Push queues u without blocking.
func (f *Feed) Push(u protocol.Update) {
	f.mu.Lock()
	if len(f.pending) >= f.limit && skippable(u.Kind) {
		f.skipped++
	} else {
		f.pending = append(f.pending, u)
	}
	f.mu.Unlock()
	f.signal()
}

// Close says the source has ended.
func (f *Feed) Close() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.signal()
}

func (f *Feed) signal() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// Next implements ui.Source.Next: it waits for the next frame, then for
// an Update, and hands out everything that waited. A burst is the
// caller's until its next call: then its array takes the next one.
func (f *Feed) Next(ctx context.Context) ([]protocol.Update, int, bool) {
	if wait := f.frame - time.Since(f.last); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, 0, false
		case <-t.C:
		}
	}
	for {
		f.mu.Lock()
		if len(f.pending) > 0 || f.skipped > 0 {
			batch, skipped := f.pending, f.skipped
			// The UI is done with the burst before last (bursts are
			// handled one at a time): its array holds the next one.
			clear(f.spare)
			next := f.spare[:0]
			if cap(next) > 4096 && cap(next) > 4*len(batch) {
				next = nil // a burst long past was far bigger: let its array go
			}
			f.pending, f.spare, f.skipped = next, batch, 0
			f.last = time.Now()
			f.mu.Unlock()
			return batch, skipped, true
		}
		closed := f.closed
		f.mu.Unlock()
		if closed {
			return nil, 0, false
		}
		select {
		case <-ctx.Done():
			return nil, 0, false
		case <-f.wake:
		}
	}
}

func skippable(k protocol.Kind) bool {
	switch k {
	case protocol.KindEvent, protocol.KindRecv, protocol.KindSent, protocol.KindHeartbeat:
		return true
	}
	return false
}

type source struct {
	*Feed
	controls protocol.Controls
	do       func(protocol.Command) error
}

func (s source) Controls() protocol.Controls   { return s.controls }
func (s source) Do(cmd protocol.Command) error { return s.do(cmd) }

// NewSource makes a ui.Source of a feed and the commands that steer what
// fills it.
func NewSource(f *Feed, controls protocol.Controls, do func(protocol.Command) error) ui.Source {
	return source{Feed: f, controls: controls, do: do}
}

// kindReset is the place of a Reset among the Updates a Feed hands over.
// It is no Kind a source publishes; the model takes it to mean "forget
// everything before".
const kindReset protocol.Kind = "evtap:reset"

// Reset says the source starts over (a replay seeking back): the UI
// forgets every Update it was given before, and what follows replaces
// it. It is queued in order with the Updates; those still pending are
// dropped with what they would have added.
func (f *Feed) Reset() {
	f.mu.Lock()
	f.pending = append(f.pending[:0], protocol.Update{Kind: kindReset})
	f.skipped = 0
	f.mu.Unlock()
	f.signal()
}
