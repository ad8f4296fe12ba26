package voipbin

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/sim/emu"
)

// SetWrapped switches frames between the bare resource (false, what
// production sends) and the legacy {"type","data"} (true).
func (s *Server) SetWrapped(on bool) {
	s.mu.Lock()
	s.wrapped = on
	s.mu.Unlock()
	s.logf("control: wrapped frames %v", on)
}

// RefuseNextLogin makes the next POST /auth/login fail with a bare 400.
func (s *Server) RefuseNextLogin() {
	s.mu.Lock()
	s.refuseLogin = true
	s.mu.Unlock()
	s.logf("control: the next login will be refused")
}

// Generate makes and publishes the generator's next count events now,
// whether or not anyone is connected. It returns how many it made.
func (s *Server) Generate(count int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < count; i++ {
		s.generateLocked()
	}
	return max(count, 0)
}

// RunStory makes every event of a new story of kind (see StoryKinds) at
// once and publishes them in order. It returns how many events it made.
func (s *Server) RunStory(kind string) (int, error) {
	if !slices.Contains(StoryKinds, kind) {
		return 0, fmt.Errorf("unknown story %q (stories: %s)", kind, strings.Join(StoryKinds, ", "))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	evs := s.gen.runStory(kind, s.now())
	for _, e := range evs {
		s.AddGenerated(1)
		s.publish(e.Type, e.Data)
	}
	return len(evs), nil
}

// Inject publishes in under its topic strings, as if VoIPBin had
// published it. Data must be a JSON object.
func (s *Server) Inject(in Injection) error {
	if in.Type == "" {
		return fmt.Errorf("inject: type is empty (want an event type such as call_hangup)")
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(in.Data, &obj) != nil {
		return fmt.Errorf("inject: data must be a JSON object (the resource); use inject-raw for malformed frames")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counters.Injected++
	s.AddGenerated(1)
	s.publish(in.Type, in.Data)
	return nil
}

// Counters returns a snapshot of what the emulator has done.
func (s *Server) Counters() Counters {
	core := s.Server.Counters()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counters
	c.Counters = core
	c.Wrapped = s.wrapped
	c.Conns = []ConnCounters{}
	for _, k := range s.conns {
		c.Conns = append(c.Conns, ConnCounters{ID: k.ID(), As: k.who.kind, Who: k.who.name,
			Topics: append([]string{}, k.topics...), Buffered: k.inflight.Load(),
			Delivered: k.delivered.Load(), Dropped: k.dropped.Load()})
	}
	return c
}

// offerFaults adds VoIPBin's fault to the core's (close, delay,
// reorder): the next login is refused.
func (s *Server) offerFaults() {
	s.AddFault(emu.Fault{Kind: protocol.CmdRefuseToken, Description: "the emulator refuses the next POST /auth/login (a bare 400, as for bad credentials)"},
		func(protocol.Command) error { s.RefuseNextLogin(); return nil })
}
