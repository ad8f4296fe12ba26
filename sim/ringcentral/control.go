package ringcentral

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/gorilla/websocket"
)

// Drop cuts connection connID ("" = all) without a close handshake, as a
// network failure would. Its session stays recoverable. It returns how
// many connections it cut.
func (s *Server) Drop(connID string) int {
	s.mu.Lock()
	cs := s.pick(connID)
	s.mu.Unlock()
	for _, c := range cs {
		c.kill()
	}
	s.logf("control: dropped %d connection(s)", len(cs))
	return len(cs)
}

// pick returns connection id, or all when id is "". Caller holds mu.
func (s *Server) pick(id string) []*conn {
	var out []*conn
	for cid, c := range s.conns {
		if id == "" || cid == id {
			out = append(out, c)
		}
	}
	return out
}

const maxCloseReason = 123

// CloseConn closes connection connID ("" = all) cleanly with the given
// close code and reason, after the frames already queued. It returns how
// many it closed.
func (s *Server) CloseConn(connID string, code int, reason string) int {
	if code == 0 {
		code = websocket.CloseNormalClosure
	}
	if len(reason) > maxCloseReason {
		reason = reason[:maxCloseReason] // a close frame's payload is at most 125 bytes
	}
	s.mu.Lock()
	cs := s.pick(connID)
	s.mu.Unlock()
	for _, c := range cs {
		c.enqueue(outFrame{close: &closeReq{code: code, reason: reason}})
	}
	return len(cs)
}

// Forget discards session sessionID ("" = all) and cuts its connection:
// a later recovery with its wsc token fails (WSG-1005) and its
// subscription is gone. It returns how many sessions it discarded.
func (s *Server) Forget(sessionID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, sess := range s.sessions {
		if sessionID == "" || id == sessionID {
			s.discard(sess)
			n++
		}
	}
	s.logf("control: forgot %d session(s)", n)
	return n
}

// Pause stops generated notifications; Resume restarts them. Injected
// ones and scenario sends still go out.
func (s *Server) Pause() { s.mu.Lock(); s.paused = true; s.mu.Unlock() }

// Resume restarts generated notifications after Pause.
func (s *Server) Resume() { s.mu.Lock(); s.paused = false; s.mu.Unlock() }

// SetRate sets notifications per second per subscription (0 = none).
func (s *Server) SetRate(perSec float64) {
	if perSec < 0 {
		perSec = 0
	}
	s.mu.Lock()
	s.rate = perSec
	s.mu.Unlock()
}

// targets returns session id, or every session with a subscription when
// id is "". Caller holds mu.
func (s *Server) targets(id string) ([]*session, error) {
	if id != "" {
		sess := s.sessions[id]
		if sess == nil {
			return nil, fmt.Errorf("no session %q", id)
		}
		if sess.sub == nil {
			return nil, fmt.Errorf("session %q has no subscription", id)
		}
		return []*session{sess}, nil
	}
	var out []*session
	for _, sess := range s.sessions {
		if sess.sub != nil {
			out = append(out, sess)
		}
	}
	// A stable order keeps scenario runs repeatable.
	sort.Slice(out, func(i, j int) bool {
		return out[i].created.Before(out[j].created) || out[i].id < out[j].id && out[i].created.Equal(out[j].created)
	})
	return out, nil
}

// Generate makes count notifications of kind (sms, voicemail,
// message-store, presence, telephony; "" = any the filters allow) for
// session sessionID ("" = every session with a subscription). Sessions
// whose filters exclude kind get none. It returns how many it generated.
func (s *Server) Generate(sessionID, kind string, count int) (int, error) {
	var k Kind
	if kind != "" {
		var err error
		if k, err = ParseKind(kind); err != nil {
			return 0, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sessions, err := s.targets(sessionID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sess := range sessions {
		for i := 0; i < count; i++ {
			if !s.generate(sess, k) {
				break
			}
			n++
		}
	}
	return n, nil
}

// Inject delivers n as a ServerNotification to session sessionID ("" =
// every session with a subscription), whatever the filters. It returns
// how many sessions got it.
func (s *Server) Inject(sessionID string, n Injection) (int, error) {
	if n.Event == "" {
		return 0, fmt.Errorf("inject: event is empty")
	}
	body := n.Body
	if len(body) == 0 {
		body = json.RawMessage("{}")
	}
	if !json.Valid(body) {
		return 0, fmt.Errorf("inject: body is not valid JSON (use InjectRaw for malformed frames)")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sessions, err := s.targets(sessionID)
	if err != nil {
		return 0, err
	}
	for _, sess := range sessions {
		s.emit(sess, n.Event, body)
	}
	return len(sessions), nil
}

// InjectRaw writes frame verbatim as a text frame on connection connID
// ("" = all), even if it is not valid JSON. It takes no wsc sequence. It
// returns how many connections it was queued on.
func (s *Server) InjectRaw(connID string, frame []byte) int {
	data := append([]byte(nil), frame...)
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.pick(connID)
	for _, c := range cs {
		c.enqueue(outFrame{data: data})
	}
	return len(cs)
}

// RefuseNextToken makes the next token or wstoken request fail with a
// provider-style error (HTTP 503, CMN-211).
func (s *Server) RefuseNextToken() { s.mu.Lock(); s.refuseNext = true; s.mu.Unlock() }

// SetFrameDelay delays every frame written by d (0 = none).
func (s *Server) SetFrameDelay(d time.Duration) {
	if d < 0 {
		d = 0
	}
	s.delay.Store(int64(d))
}

// SetReorder swaps adjacent queued notifications while on.
func (s *Server) SetReorder(on bool) { s.reorderOn.Store(on) }

// Counters returns a snapshot of what the emulator has done.
func (s *Server) Counters() Counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counters
	c.Open = len(s.conns)
	c.Delivered = s.delivered.Load()
	c.Paused = s.paused
	c.Rate = s.rate
	c.FrameDelay = time.Duration(s.delay.Load())
	c.Reorder = s.reorderOn.Load()
	c.Sessions = []SessionCounters{}
	for _, sess := range s.sessions {
		sc := SessionCounters{ID: sess.id, Sequence: sess.seq, Generated: sess.generated,
			Delivered: sess.delivered.Load(), Buffered: len(sess.buf)}
		if sess.conn != nil {
			sc.Conn = sess.conn.id
		}
		if sess.sub != nil {
			sc.SubscriptionID = sess.sub.id
			for _, f := range sess.sub.filters {
				sc.EventFilters = append(sc.EventFilters, f.event)
			}
		}
		c.Sessions = append(c.Sessions, sc)
	}
	sort.Slice(c.Sessions, func(i, j int) bool { return c.Sessions[i].ID < c.Sessions[j].ID })
	return c
}
