package voipbin

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// pick returns connection id, or all when id is "". Caller holds mu.
func (s *Server) pick(id string) []*conn {
	var out []*conn
	for _, c := range s.conns {
		if id == "" || c.id == id {
			out = append(out, c)
		}
	}
	return out
}

// Drop cuts connection connID ("" = all) without a close frame, as a
// network failure (or VoIPBin refusing a topic) would. It returns how
// many connections it cut.
func (s *Server) Drop(connID string) int {
	s.mu.Lock()
	cs := s.pick(connID)
	s.mu.Unlock()
	for _, c := range cs {
		c.kill(endDropped)
	}
	if len(cs) > 0 {
		s.logf("control: dropped %d connection(s) without a close frame", len(cs))
	}
	return len(cs)
}

// maxCloseReason keeps a close frame's payload within 125 bytes.
const maxCloseReason = 123

// CloseConn closes connection connID ("" = all) with a close frame of
// code and reason, waits a second for the client's answer, then cuts it.
// VoIPBin itself never sends a close frame; this is for testing clients.
// It returns how many connections it closed.
func (s *Server) CloseConn(connID string, code int, reason string) int {
	if code == 0 {
		code = websocket.CloseNormalClosure
	}
	if len(reason) > maxCloseReason {
		reason = reason[:maxCloseReason]
	}
	s.mu.Lock()
	cs := s.pick(connID)
	if s.closed {
		cs = nil
	}
	s.bg.Add(len(cs))
	s.mu.Unlock()
	for _, c := range cs {
		go func() {
			defer s.bg.Done()
			c.closeWithFrame(code, reason)
		}()
	}
	if len(cs) > 0 {
		s.logf("control: closing %d connection(s) with %d", len(cs), code)
	}
	return len(cs)
}

// Pause stops generated events; Resume restarts them. Injected events and
// stories run by RunStory still go out.
func (s *Server) Pause() { s.mu.Lock(); s.paused = true; s.mu.Unlock() }

// Resume restarts generated events after Pause.
func (s *Server) Resume() { s.mu.Lock(); s.paused = false; s.mu.Unlock() }

// SetRate sets generated events per second (0 = none).
func (s *Server) SetRate(perSec float64) {
	s.mu.Lock()
	s.rate = max(perSec, 0)
	s.mu.Unlock()
}

// SetWrapped switches frames between the bare resource (false, what
// production sends) and the legacy {"type","data"} (true).
func (s *Server) SetWrapped(on bool) { s.mu.Lock(); s.wrapped = on; s.mu.Unlock() }

// SetFrameDelay delays every frame written by d (0 = none): a slow
// server, and with enough events a full buffer that drops.
func (s *Server) SetFrameDelay(d time.Duration) { s.delay.Store(int64(max(d, 0))) }

// RefuseNextLogin makes the next POST /auth/login fail with a bare 400.
func (s *Server) RefuseNextLogin() { s.mu.Lock(); s.refuseLogin = true; s.mu.Unlock() }

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
		s.counters.Generated++
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
		return fmt.Errorf("inject: data must be a JSON object (the resource); use InjectRaw for malformed frames")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counters.Injected++
	s.publish(in.Type, in.Data)
	return nil
}

// InjectRaw puts frame, verbatim, into the buffer of connection connID
// ("" = all) as a text frame, whatever its topics: a malformed or
// unexpected frame for a client to cope with. It returns how many
// connections it was queued on.
func (s *Server) InjectRaw(connID string, frame []byte) int {
	data := append([]byte(nil), frame...)
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.pick(connID)
	for _, c := range cs {
		c.offer(data)
	}
	return len(cs)
}

// Counters returns a snapshot of what the emulator has done.
func (s *Server) Counters() Counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counters
	c.Open = len(s.conns)
	c.Delivered = s.delivered.Load()
	c.Dropped = s.dropped.Load()
	c.Paused, c.Rate, c.Wrapped = s.paused, s.rate, s.wrapped
	c.FrameDelay = time.Duration(s.delay.Load())
	c.Conns = []ConnCounters{}
	for _, k := range s.conns {
		c.Conns = append(c.Conns, ConnCounters{ID: k.id, As: k.who.kind, Who: k.who.name,
			Topics: append([]string{}, k.topics...), Queued: len(k.out),
			Delivered: k.delivered.Load(), Dropped: k.dropped.Load(), Pings: k.pings.Load(), Pongs: k.pongs.Load()})
	}
	return c
}
