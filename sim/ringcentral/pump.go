package ringcentral

import "time"

// expireEvery is how often lost sessions and old tokens are expired.
const expireEvery = 20 * time.Millisecond

// generateAll makes n notifications for every session with a
// subscription, live or waiting for recovery; the core's pump calls it
// at the rate in force.
func (s *Server) generateAll(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, sess := range s.sessions {
		if sess.sub == nil {
			continue
		}
		if d := s.cfg.ReplayDelay; d > 0 && now.Sub(sess.sub.created) < d {
			// @rc-ex/ws sets its subscription only after it has awaited
			// the answer: a notification read together with it reaches a
			// listener with no subscription yet, and the SDK throws. A
			// real server's first notification waits for a real event;
			// here the generator waits ReplayDelay.
			continue
		}
		for i := 0; i < n; i++ {
			s.generate(sess, "", SourceGenerated)
		}
	}
	s.generatePush(n)
}

// expire forgets sessions lost for longer than RecoveryTimeout and ws
// tokens past their life.
func (s *Server) expire() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.expirePush(now)
	for _, sess := range s.sessions {
		if sess.conn == nil && now.Sub(sess.lostAt) > s.cfg.RecoveryTimeout {
			s.discard(sess, EvictedExpired)
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
