package dialpad

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/evtap/evtap/protocol"
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
			out = append(out, s.ledger.Copy(e))
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
		return LedgerEntry{}, fmt.Errorf("type must be one of %s, not %q", strings.Join(Kinds, ", "), kind)
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
	return s.ledger.Copy(e), nil
}

// Expire ends connection connID ("" = all) now, as if its time were up:
// abruptly or cleanly as configured. It returns how many it ended.
func (s *Server) Expire(connID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.pick(connID) {
		c.end(s, s.cfg.ExpiryClose, "token expired")
		n++
	}
	s.stats.Expired += n
	s.logf("control: expired %d connection(s)", n)
	return n
}

// SetSecret changes websocket id's secret ("" = unsigned), as PATCH
// /websockets/{id} does: the next event is signed with it. Id 0 changes
// every websocket's. It returns how many it changed.
func (s *Server) SetSecret(id int64, secret string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id != 0 && s.websockets[id] == nil {
		return 0, fmt.Errorf("no websocket %d", id)
	}
	n := 0
	for _, w := range s.websockets {
		if id == 0 || w.id == id {
			w.secret = secret
			n++
		}
	}
	s.logf("control: %d websocket secret(s) changed (signed: %v)", n, secret != "")
	return n, nil
}

// newSecret makes up a secret for a rotation nobody named one for.
func newSecret() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "rotated-" + hex.EncodeToString(b[:])
}

// RefuseNext makes the next n upgrades fail as a bad token would.
func (s *Server) RefuseNext(n int) {
	s.mu.Lock()
	s.refuseNext = n
	s.mu.Unlock()
	s.logf("control: refusing the next %d upgrade(s)", n)
}

// Ledger returns up to limit entries after seq since (0: from the
// oldest kept).
func (s *Server) Ledger(since uint64, limit int) LedgerPage { return s.ledger.Page(since, limit) }

// Counters returns a snapshot of what the emulator has done.
func (s *Server) Counters() Counters {
	core := s.Server.Counters()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := Counters{Counters: core, stats: s.stats, Websockets: len(s.websockets), Subscriptions: map[string]int{}, Conns: []ConnCounters{}}
	for _, k := range Kinds {
		c.Subscriptions[k] = 0
	}
	for _, sub := range s.subs {
		c.Subscriptions[sub.kind.name]++
	}
	for _, cn := range s.sortedConns() {
		frames, _ := cn.Backlog()
		c.Conns = append(c.Conns, ConnCounters{ID: cn.ID(), Scope: cn.scope.subject(), Opened: cn.opened,
			Deadline: cn.deadline, Written: cn.written.Load(), Queued: frames})
	}
	return c
}

// Do carries out one of Faults: what the demo calls when the fault menu
// picks one of the emulator's (the registry's Sim interface).
func (s *Server) Do(cmd protocol.Command) error { return s.Fault(cmd) }
