package dialpad

import (
	"encoding/json"
	"fmt"

	"github.com/gorilla/websocket"
)

// Send makes count new stories of kind (StoryKinds: a call of some kind,
// inbound, outbound, missed, voicemail, sms, agent_status, contact,
// changelog) and routes all their events at once. It returns the ledger
// entries, in order.
func (s *Server) Send(kind string, count int) ([]LedgerEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []LedgerEntry
	for i := 0; i < count; i++ {
		evs, err := s.gen.story(kind, s.stamp)
		if err != nil {
			return out, err
		}
		for _, ev := range evs {
			e, err := s.route(ev.kind, ev.key, sourceSent, ev.body)
			if err != nil {
				return out, err
			}
			out = append(out, s.ledger.snapshot(e))
		}
	}
	s.logf("control: sent %d %s stor(ies), %d event(s)", count, kind, len(out))
	return out, nil
}

// Inject routes event, a JSON object, as an event of subscription type
// kind: to every subscription it matches, exactly as given (its fields
// decide the match; nothing is added).
func (s *Server) Inject(kind string, event []byte) (LedgerEntry, error) {
	if kindByName(kind) == nil {
		return LedgerEntry{}, fmt.Errorf("type must be one of %v, not %q", Kinds, kind)
	}
	if !json.Valid(event) {
		return LedgerEntry{}, fmt.Errorf("the event is not valid JSON")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.route(kind, "", sourceInjected, event)
	if err != nil {
		return LedgerEntry{}, err
	}
	s.logf("control: injected a %s event, %d route(s)", kind, len(e.Routes))
	return s.ledger.snapshot(e), nil
}

// InjectRaw writes frame verbatim on connection connID ("" = all), even
// if it is not JSON. It is not in the ledger. It returns how many
// connections it was queued on.
func (s *Server) InjectRaw(connID string, frame []byte) int {
	data := append([]byte(nil), frame...)
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.pick(connID) {
		c.enqueue(outFrame{data: data})
		n++
	}
	return n
}

// pick returns connection id, or every open one when id is "", skipping
// those already ending. Caller holds mu.
func (s *Server) pick(id string) []*conn {
	var out []*conn
	for _, c := range s.sortedConns() {
		if !c.ending && (id == "" || c.id == id) {
			out = append(out, c)
		}
	}
	return out
}

// Expire ends connection connID ("" = all) now, as if its time were up:
// abruptly or cleanly as configured. It returns how many it ended.
func (s *Server) Expire(connID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.pick(connID) {
		c.end(s.cfg.ExpiryClose, "token expired")
		n++
	}
	s.counters.Expired += n
	s.logf("control: expired %d connection(s)", n)
	return n
}

// Drop cuts connection connID ("" = all) with no close frame, whatever
// the configured expiry. It returns how many it cut.
func (s *Server) Drop(connID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.pick(connID) {
		c.end(CloseAbrupt, "dropped by the control API")
		n++
	}
	s.logf("control: dropped %d connection(s)", n)
	return n
}

// maxCloseReason keeps a close frame's payload within 125 bytes.
const maxCloseReason = 123

// CloseConn closes connection connID ("" = all) cleanly with code and
// reason, after the frames already queued. It returns how many.
func (s *Server) CloseConn(connID string, code int, reason string) int {
	if code == 0 {
		code = websocket.CloseNormalClosure
	}
	if len(reason) > maxCloseReason {
		reason = reason[:maxCloseReason]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.pick(connID) {
		c.ending = true
		c.enqueue(outFrame{close: &closeReq{code: code, reason: reason}})
		n++
	}
	s.logf("control: closed %d connection(s) with %d", n, code)
	return n
}

// SetSecret changes websocket id's secret ("" = unsigned), as PATCH
// /websockets/{id} does: the next event is signed with it.
func (s *Server) SetSecret(id int64, secret string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.websockets[id]
	if w == nil {
		return fmt.Errorf("no websocket %d", id)
	}
	w.secret = secret
	s.logf("control: websocket %d secret changed (signed: %v)", id, secret != "")
	return nil
}

// RefuseNext makes the next n upgrades fail as a bad token would.
func (s *Server) RefuseNext(n int) { s.mu.Lock(); s.refuseNext = n; s.mu.Unlock() }

// Pause stops generated events; Resume restarts them. Send and Inject
// still work.
func (s *Server) Pause() { s.mu.Lock(); s.paused = true; s.mu.Unlock() }

// Resume restarts generated events after Pause.
func (s *Server) Resume() { s.mu.Lock(); s.paused = false; s.mu.Unlock() }

// SetRate sets generated events per second (0 = none).
func (s *Server) SetRate(perSec float64) {
	if perSec < 0 {
		perSec = 0
	}
	s.mu.Lock()
	s.rate = perSec
	s.mu.Unlock()
}

// Ledger returns up to limit entries after seq since (0: from the
// oldest kept).
func (s *Server) Ledger(since uint64, limit int) LedgerPage { return s.ledger.page(since, limit) }

// Counters returns a snapshot of what the emulator has done.
func (s *Server) Counters() Counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counters
	c.Delivered = s.delivered.Load()
	c.Open = len(s.conns)
	c.Paused = s.paused
	c.Rate = s.rate
	c.Websockets = len(s.websockets)
	c.Subscriptions = map[string]int{}
	for _, k := range Kinds {
		c.Subscriptions[k] = 0
	}
	for _, sub := range s.subs {
		c.Subscriptions[sub.kind.name]++
	}
	c.Conns = []ConnCounters{}
	for _, cn := range s.sortedConns() {
		c.Conns = append(c.Conns, ConnCounters{ID: cn.id, Scope: cn.scope.subject(), Opened: cn.opened,
			Deadline: cn.deadline, Written: cn.written.Load(), Queued: cn.queued()})
	}
	return c
}
