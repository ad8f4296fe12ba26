package ringcentral

import "time"

// pumpInterval is how often generation and expiry run.
const pumpInterval = 20 * time.Millisecond

// pump generates notifications at the configured rate and expires lost
// sessions and old ws tokens.
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
			s.pumpTicks++
			s.expire()
			if !s.paused && s.rate > 0 {
				for _, sess := range s.sessions {
					if sess.sub == nil {
						continue
					}
					sess.credit += s.rate * dt
					if max := s.rate + 1; sess.credit > max {
						sess.credit = max // a stalled pump does not burst
					}
					for sess.credit >= 1 {
						sess.credit--
						s.generate(sess, "")
					}
				}
			}
			s.mu.Unlock()
		}
	}
}

// expire forgets sessions lost for longer than RecoveryTimeout and ws
// tokens past their life. Caller holds mu.
func (s *Server) expire() {
	now := s.now()
	for id, sess := range s.sessions {
		if sess.conn == nil && now.Sub(sess.lostAt) > s.cfg.RecoveryTimeout {
			delete(s.sessions, id)
		}
	}
	for tok, t := range s.wsTokens {
		if !now.Before(t.expires) {
			delete(s.wsTokens, tok)
		}
	}
	for tok, t := range s.tokens {
		if !now.Before(t.expires.Add(7 * 24 * time.Hour)) {
			delete(s.tokens, tok)
			delete(s.refresh, t.refresh)
		}
	}
}
