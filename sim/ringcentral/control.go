package ringcentral

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/sim/emu"
)

// Forget discards session sessionID ("" = all) and cuts its connection:
// a later recovery with its wsc token fails (WSG-1005) and its
// subscription is gone. It returns how many sessions it discarded.
func (s *Server) Forget(sessionID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, sess := range s.sessions {
		if sessionID == "" || id == sessionID {
			s.discard(sess, EvictedForgotten)
			n++
		}
	}
	s.logf("control: forgot %d session(s)", n)
	return n
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

// sendKind reads the kind of notifications a control call asks for
// ("" = any the filters allow), and refuses too many hostile ones.
func sendKind(kind string, count int) (Kind, error) {
	var k Kind
	if kind != "" {
		var err error
		if k, err = ParseKind(kind); err != nil {
			return "", err
		}
	}
	if k == KindHostile && count > maxHostile {
		return "", fmt.Errorf("at most %d hostile notifications at once (some are 1 MiB)", maxHostile)
	}
	return k, nil
}

// Generate makes count notifications of kind (sms, voicemail,
// message-store, presence, telephony; "" = any the filters allow) for
// session sessionID ("" = every session with a subscription). Sessions
// whose filters exclude kind get none. It returns how many it generated.
func (s *Server) Generate(sessionID, kind string, count int) (int, error) {
	k, err := sendKind(kind, count)
	if err != nil {
		return 0, err
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
			if !s.generate(sess, k, SourceSent) {
				break
			}
			n++
		}
	}
	return n, nil
}

// maxHostile bounds one request for hostile notifications.
const maxHostile = 100

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
		s.emit(sess, n.Event, body, SourceInjected)
	}
	return len(sessions), nil
}

// RefuseNextToken makes the next token or wstoken request fail with a
// provider-style error (HTTP 503, CMN-211).
func (s *Server) RefuseNextToken() { s.mu.Lock(); s.refuseNext = true; s.mu.Unlock() }

// Counters returns a snapshot of what the emulator has done: the core's
// counters and RingCentral's (recoveries, tokens, sessions).
func (s *Server) Counters() Counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counters
	c.Counters = s.Server.Counters()
	c.Sessions = []SessionCounters{}
	for _, sess := range s.sessions {
		sc := SessionCounters{ID: sess.id, Sequence: sess.seq, Generated: sess.generated,
			Delivered: sess.delivered.Load(), Buffered: len(sess.buffered())}
		if sess.conn != nil {
			sc.Conn = sess.conn.ID()
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
	c.PubNub = s.pushCounters()
	return c
}

// offerFaults adds RingCentral's faults to the core's (close with a
// code, delay, reorder): forgetting the session and refusing the next
// token.
func (s *Server) offerFaults() {
	s.AddFault(emu.Fault{Kind: protocol.CmdForget, Name: "forget session",
		Description: "the emulator forgets the session and cuts its connection: the client's recovery fails (WSG-1005) and it must subscribe again"},
		func(protocol.Command) error {
			if s.Forget("") == 0 {
				return fmt.Errorf("forget: the emulator has no session")
			}
			return nil
		})
	s.AddFault(emu.Fault{Kind: protocol.CmdRefuseToken, Name: "refuse next token",
		Description: "the emulator refuses the next token or wstoken request (HTTP 503, CMN-211)"},
		func(protocol.Command) error { s.RefuseNextToken(); return nil })
}
