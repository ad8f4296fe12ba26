package voipbin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Limits of one connection.
const (
	// readLimit bounds one client frame. VoIPBin sets none; evtap keeps
	// a local client from making the emulator allocate without bound.
	readLimit = 64 << 20
	// closeWait is how long a close handshake started by the control API
	// may take before the socket is cut.
	closeWait = time.Second
)

// Why a connection ended, as counted and logged.
const (
	endClient      = "closed by the client"
	endBadTopic    = "bad topic: dropped without a close frame"
	endBinary      = "binary frame: closed"
	endPongTimeout = "no pong within the pong timeout"
	endWrite       = "write failed"
	endDropped     = "dropped by the control API"
	endClosed      = "closed by the control API"
)

// conn is one socket. Gorilla discipline: the handler goroutine is the
// only reader, writeLoop the only writer of data frames; pings from the
// writer, pongs from the reader and close frames from the control API go
// through WriteControl, which gorilla allows alongside.
type conn struct {
	id     string
	s      *Server
	ws     *websocket.Conn
	who    identity
	opened time.Time
	topics []string // subscribed prefixes, in order; guarded by Server.mu
	end    string   // why it ended; guarded by Server.mu

	out  chan []byte // the per-connection buffer (Config.BufferSize)
	done chan struct{}
	once sync.Once

	delivered atomic.Uint64
	dropped   atomic.Uint64
	pings     atomic.Uint64
	pongs     atomic.Uint64
}

// handleWS is GET /v1.0/ws and /v1.0/service_agents/ws: authenticate,
// then upgrade, then read client frames until the connection ends. The
// server sends nothing on connect and never acknowledges.
func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	who, aerr := s.authenticate(r)
	if aerr != nil {
		s.mu.Lock()
		s.counters.Refused++
		s.mu.Unlock()
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
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // gorilla has answered (400)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.connSeq++
	c := &conn{id: fmt.Sprintf("c%d", s.connSeq), s: s, ws: ws, who: who, opened: s.now(),
		out: make(chan []byte, s.cfg.BufferSize), done: make(chan struct{})}
	s.conns = append(s.conns, c)
	s.counters.Connections++
	s.bg.Add(1)
	s.mu.Unlock()
	s.logf("%s: connected as %s (%s)", c.id, who.name, who.kind)
	go c.writeLoop()
	c.readLoop()
}

// readLoop is the connection's only reader. The read deadline is reset
// only by a pong: a client that sends frames but never answers pings is
// still dropped.
func (c *conn) readLoop() {
	defer c.finish()
	ws, cfg := c.ws, c.s.cfg
	ws.SetReadLimit(readLimit)
	if cfg.PongTimeout > 0 {
		_ = ws.SetReadDeadline(time.Now().Add(cfg.PongTimeout))
	}
	ws.SetPongHandler(func(string) error {
		c.pongs.Add(1)
		if cfg.PongTimeout > 0 {
			return ws.SetReadDeadline(time.Now().Add(cfg.PongTimeout))
		}
		return nil
	})
	for {
		typ, data, err := ws.ReadMessage()
		if err != nil {
			var ne net.Error
			switch {
			case errors.As(err, &ne) && ne.Timeout():
				c.setEnd(endPongTimeout)
			default:
				c.setEnd(endClient)
			}
			return
		}
		if typ == websocket.BinaryMessage {
			c.setEnd(endBinary)
			return
		}
		var m struct {
			Type   string   `json:"type"`
			Topics []string `json:"topics"`
		}
		if json.Unmarshal(data, &m) != nil {
			c.s.logf("%s: ignored a frame that is not {type, topics} JSON (%d bytes)", c.id, len(data))
			continue
		}
		if m.Type != "subscribe" && m.Type != "unsubscribe" {
			c.s.logf("%s: ignored type %q", c.id, m.Type)
			continue
		}
		for _, t := range m.Topics {
			if err := validateTopic(c.who, t); err != nil {
				c.s.logf("%s: %s topic %q refused (%v): dropping the connection without a close frame", c.id, m.Type, t, err)
				c.setEnd(endBadTopic)
				return
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
		c.s.logf("%s: %s %d topic(s); %d subscribed", c.id, m.Type, len(m.Topics), n)
	}
}

// setEnd records the first reason the connection ended.
func (c *conn) setEnd(why string) {
	c.s.mu.Lock()
	if c.end == "" {
		c.end = why
	}
	c.s.mu.Unlock()
}

// finish runs once when the reader stops: the connection is forgotten
// (with its topics: VoIPBin keeps nothing for a reconnect) and the socket
// closed without a close frame, as VoIPBin's deferred ws.Close does.
func (c *conn) finish() {
	c.once.Do(func() {
		close(c.done)
		_ = c.ws.Close()
		s := c.s
		s.mu.Lock()
		s.conns = slices.DeleteFunc(s.conns, func(o *conn) bool { return o == c })
		switch c.end {
		case endBadTopic:
			s.counters.BadTopicDrops++
		case endBinary:
			s.counters.BinaryCloses++
		case endPongTimeout:
			s.counters.PongTimeouts++
		}
		end := c.end
		s.mu.Unlock()
		s.logf("%s: ended: %s (delivered %d, dropped %d)", c.id, end, c.delivered.Load(), c.dropped.Load())
	})
}

// offer puts a frame in the connection's buffer, or drops and counts it
// when the buffer is full. Caller holds Server.mu, so it must not block.
func (c *conn) offer(frame []byte) {
	select {
	case c.out <- frame:
	default:
		c.dropped.Add(1)
		c.s.dropped.Add(1)
	}
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

// writeLoop is the only writer of data frames, and sends the pings. Any
// write error ends the connection.
func (c *conn) writeLoop() {
	defer c.s.bg.Done()
	cfg := c.s.cfg
	var ping <-chan time.Time
	if cfg.PingInterval > 0 {
		t := time.NewTicker(cfg.PingInterval)
		defer t.Stop()
		ping = t.C
	}
	for {
		select {
		case <-c.done:
			return
		case f := <-c.out:
			if d := time.Duration(c.s.delay.Load()); d > 0 {
				t := time.NewTimer(d)
				select {
				case <-t.C:
				case <-c.done:
					t.Stop()
					return
				}
			}
			_ = c.ws.SetWriteDeadline(time.Now().Add(cfg.WriteWait))
			if err := c.ws.WriteMessage(websocket.TextMessage, f); err != nil {
				c.kill(endWrite)
				return
			}
			c.delivered.Add(1)
			c.s.delivered.Add(1)
		case <-ping:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(cfg.WriteWait)); err != nil {
				c.kill(endWrite)
				return
			}
			c.pings.Add(1)
		}
	}
}

// kill cuts the TCP connection with no close frame; the reader then fails
// and finishes the connection.
func (c *conn) kill(why string) {
	c.setEnd(why)
	_ = c.ws.NetConn().Close()
}

// closeWithFrame sends a close frame, waits closeWait for the client to
// answer, then cuts the socket.
func (c *conn) closeWithFrame(code int, reason string) {
	c.setEnd(endClosed)
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(c.s.cfg.WriteWait))
	t := time.NewTimer(closeWait)
	defer t.Stop()
	select {
	case <-c.done:
	case <-t.C:
	}
	_ = c.ws.NetConn().Close()
}
