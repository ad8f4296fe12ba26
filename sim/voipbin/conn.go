package voipbin

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"slices"
	"sync/atomic"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/sim/emu"
)

// readLimit bounds one client frame. VoIPBin sets none; evtap keeps a
// local client from making the emulator allocate without bound.
const readLimit = 64 << 20

// Why a connection ended, as counted and logged.
const (
	endClient      = "closed or cut by the client (or the control API)"
	endBadTopic    = "bad topic: dropped without a close frame"
	endBinary      = "binary frame: dropped without a close frame"
	endPongTimeout = "no pong within the pong timeout"
)

// conn is one socket: the core's connection (one writer, the fault
// switches) plus what VoIPBin keeps per connection — the identity, the
// subscribed prefixes and the bounded buffer of event frames.
type conn struct {
	*emu.Conn
	s   *Server
	who identity
	// topics are the subscribed prefixes, in order; guarded by Server.mu.
	topics []string

	// inflight counts event frames handed to the core and not yet
	// written or discarded: VoIPBin's per-connection buffer.
	inflight  atomic.Int64
	delivered atomic.Uint64
	dropped   atomic.Uint64
}

// Delivered and Discarded make conn the core's Tracker of its own event
// frames, so the buffer empties as frames are written.
func (c *conn) Delivered() { c.inflight.Add(-1); c.delivered.Add(1) }

// Discarded is told of a frame that will never be written.
func (c *conn) Discarded() { c.inflight.Add(-1) }

// handleWS is GET /v1.0/ws and /v1.0/service_agents/ws: authenticate,
// then upgrade, then read client frames until the connection ends. The
// server sends nothing on connect and never acknowledges.
func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	who, aerr := s.authenticate(r)
	if aerr != nil {
		s.AddRefused()
		s.logf("upgrade refused (401 %s): %s", aerr.reason, aerr.why)
		s.writeUnauthenticated(w, aerr)
		return
	}
	if who.kind == kindDelegate {
		// Only agents, access keys and direct tokens may open the socket;
		// a delegate gets a 200 with no upgrade (notes A2, inferred).
		s.logf("upgrade refused (200, no upgrade): delegate token")
		w.WriteHeader(http.StatusOK)
		return
	}
	ec, err := s.Upgrade(w, r, emu.ConnOptions{ReadLimit: readLimit, PingInterval: s.cfg.PingInterval, PongTimeout: s.cfg.PongTimeout})
	if err != nil {
		return // answered
	}
	c := &conn{Conn: ec, s: s, who: who}
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.mu.Unlock()
	s.logf("%s: connected as %s (%s)", c.ID(), who.name, who.kind)
	var end string
	err = c.Serve(func(typ int, data []byte) {
		if end = c.frame(typ, data); end != "" {
			c.Kill() // no close frame, as VoIPBin's deferred ws.Close()
		}
	})
	s.mu.Lock()
	s.conns = slices.DeleteFunc(s.conns, func(o *conn) bool { return o == c })
	var ne net.Error
	switch {
	case end == endBadTopic:
		s.counters.BadTopicDrops++
	case end == endBinary:
		s.counters.BinaryCloses++
	case errors.As(err, &ne) && ne.Timeout():
		end = endPongTimeout
		s.counters.PongTimeouts++
	case end == "":
		end = endClient
	}
	s.mu.Unlock()
	s.logf("%s: ended: %s (delivered %d, dropped %d)", c.ID(), end, c.delivered.Load(), c.dropped.Load())
}

// frame handles one client frame; it returns why the connection must
// end, or "".
func (c *conn) frame(typ int, data []byte) string {
	if typ == websocket.BinaryMessage {
		return endBinary
	}
	var m struct {
		Type   string   `json:"type"`
		Topics []string `json:"topics"`
	}
	if json.Unmarshal(data, &m) != nil {
		c.s.logf("%s: ignored a frame that is not {type, topics} JSON (%d bytes)", c.ID(), len(data))
		return ""
	}
	if m.Type != "subscribe" && m.Type != "unsubscribe" {
		c.s.logf("%s: ignored type %q", c.ID(), m.Type)
		return ""
	}
	for _, t := range m.Topics {
		if err := validateTopic(c.who, t); err != nil {
			c.s.logf("%s: %s topic %q refused (%v): dropping the connection without a close frame", c.ID(), m.Type, t, err)
			return endBadTopic
		}
	}
	c.s.mu.Lock()
	if m.Type == "subscribe" {
		for _, t := range m.Topics {
			if !slices.Contains(c.topics, t) {
				c.topics = append(c.topics, t)
			}
		}
	} else {
		c.topics = slices.DeleteFunc(c.topics, func(t string) bool { return slices.Contains(m.Topics, t) })
	}
	n := len(c.topics)
	c.s.mu.Unlock()
	if m.Type == "subscribe" && n > 0 {
		c.s.Mark(emu.StartFirstSubscription)
	}
	c.s.logf("%s: %s %d topic(s); %d subscribed", c.ID(), m.Type, len(m.Topics), n)
	return ""
}

// offer hands an event frame to the core's writer, or drops and counts
// it when the connection's buffer (Config.BufferSize) is full. Caller
// holds Server.mu, so it must not block.
func (c *conn) offer(frame []byte) {
	if c.inflight.Load() >= int64(c.s.cfg.BufferSize) {
		c.dropped.Add(1)
		c.s.AddDropped(1)
		return
	}
	c.inflight.Add(1)
	c.SendEvent(frame, c)
}

// matches reports whether any subscribed prefix is a raw string prefix of
// topic (segment boundaries ignored, as VoIPBin's strings.HasPrefix).
// Caller holds Server.mu.
func (c *conn) matches(topic string) bool {
	for _, t := range c.topics {
		if len(topic) >= len(t) && topic[:len(t)] == t {
			return true
		}
	}
	return false
}
