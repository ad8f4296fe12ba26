package voipbin

import "time"

// pumpInterval is how often the generator runs.
const pumpInterval = 20 * time.Millisecond

// pump generates events at the configured rate while a client is
// connected (nobody would see them otherwise, and a client that connects
// later should see stories from their start).
func (s *Server) pump() {
	defer s.bg.Done()
	t := time.NewTicker(pumpInterval)
	defer t.Stop()
	last := time.Now()
	credit := 0.0
	for {
		select {
		case <-s.stop:
			return
		case tick := <-t.C:
			dt := tick.Sub(last).Seconds()
			last = tick
			s.mu.Lock()
			s.pumpTicks++
			if s.paused || s.rate <= 0 || len(s.conns) == 0 {
				credit = 0
				s.mu.Unlock()
				continue
			}
			credit += s.rate * dt
			if max := s.rate + 1; credit > max {
				credit = max // a stalled pump does not burst
			}
			for credit >= 1 {
				credit--
				s.generateLocked()
			}
			s.mu.Unlock()
		}
	}
}

// generateLocked makes and publishes the generator's next event. Caller
// holds mu.
func (s *Server) generateLocked() {
	e := s.gen.next(s.now())
	s.counters.Generated++
	s.publish(e.Type, e.Data)
}
