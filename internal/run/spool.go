package run

import (
	"sync"

	"github.com/evtap/evtap/protocol"
)

// spool hands Updates from the session to a slow consumer (a pipe that
// stalls) without ever blocking the session and without losing any:
// headless output must be lossless, and a blocked session reader misses
// its heartbeats. Memory grows while the consumer stalls, which is the
// price of losing nothing.
type spool struct {
	mu     sync.Mutex
	cond   *sync.Cond
	queue  []protocol.Update
	closed bool
}

func newSpool() *spool {
	s := &spool{}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// put queues u; it never blocks.
func (s *spool) put(u protocol.Update) {
	s.mu.Lock()
	s.queue = append(s.queue, u)
	s.mu.Unlock()
	s.cond.Signal()
}

// close says no more Updates will come; drain returns once the queue is
// empty.
func (s *spool) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cond.Signal()
}

// drain hands every queued Update to consume, in order, until close and
// the queue is empty. consume returning false stops draining (the pipe
// is gone); what is left is then discarded.
func (s *spool) drain(consume func(protocol.Update) bool) {
	var batch []protocol.Update
	for {
		s.mu.Lock()
		for len(s.queue) == 0 && !s.closed {
			s.cond.Wait()
		}
		if len(s.queue) == 0 {
			s.mu.Unlock()
			return
		}
		batch, s.queue = s.queue, batch[:0]
		s.mu.Unlock()
		for _, u := range batch {
			if !consume(u) {
				s.mu.Lock()
				s.queue, s.closed = nil, true
				s.mu.Unlock()
				return
			}
		}
	}
}
