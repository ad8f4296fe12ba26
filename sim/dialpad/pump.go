package dialpad

import "time"

// pumpInterval is how often generation and expiry run; a connection is
// closed at most this long after its time is up.
const pumpInterval = 20 * time.Millisecond

// pump generates events at the configured rate and ends connections
// whose time is up.
func (s *Server) pump() {
	defer s.bg.Done()
	t := time.NewTicker(pumpInterval)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-s.stop:
			return
		case tick := <-t.C:
			dt := tick.Sub(last).Seconds()
			last = tick
			s.mu.Lock()
			s.expire()
			if !s.paused && s.rate > 0 {
				s.credit += s.rate * dt
				if max := s.rate + 1; s.credit > max {
					s.credit = max // a stalled pump does not burst
				}
				for s.credit >= 1 {
					s.credit--
					ev := s.gen.next(s.stamp)
					_, _ = s.route(ev.kind, ev.key, sourceGenerated, ev.body)
				}
			}
			s.mu.Unlock()
		}
	}
}

// expire ends the connections whose time is up. Caller holds mu.
func (s *Server) expire() {
	now := s.now()
	n := s.endConns(func(c *conn) bool { return !now.Before(c.deadline) }, "token expired")
	s.counters.Expired += n
}

// Where an event came from, in the ledger.
const (
	sourceGenerated = "generated" // the pump, at Config.Rate
	sourceSent      = "sent"      // Send (control API send, scenarios)
	sourceInjected  = "injected"  // Inject: JSON given by the caller
)
