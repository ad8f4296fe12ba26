package voipbin

// generateN is the core pump's Generate: the generator's next n events,
// published. It makes none while nobody is connected (nobody would see
// them, and a client that connects later should see stories from their
// start).
func (s *Server) generateN(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.conns) == 0 {
		return
	}
	for i := 0; i < n; i++ {
		s.generateLocked()
	}
}

// generateLocked makes and publishes the generator's next event. Caller
// holds mu.
func (s *Server) generateLocked() {
	e := s.gen.next(s.now())
	s.AddGenerated(1)
	s.publish(e.Type, e.Data)
}
