package dialpad

// generate makes n events; the core's pump calls it at the rate in
// force.
func (s *Server) generate(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		ev := s.gen.next(s.stamp)
		_, _ = s.route(ev.kind, ev.key, sourceGenerated, ev.body)
	}
}

// Where an event came from, in the ledger.
const (
	sourceGenerated = "generated" // the pump, at Config.Rate
	sourceSent      = "sent"      // Send (control API send, scenarios, the inject_event fault)
	sourceInjected  = "injected"  // Inject: JSON given by the caller
)
