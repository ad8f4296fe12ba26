package dialpad

import (
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Limits of one connection.
const (
	readLimit = 64 << 10         // largest client frame read (and ignored)
	maxQueue  = 100000           // frames waiting before the client counts as stuck
	writeWait = 10 * time.Second // deadline for one write
	closeWait = time.Second      // how long a clean close waits for the client's answer
)

// conn is one connection to /events/<token>. Gorilla discipline: the
// handler goroutine is the only reader, writeLoop the only writer;
// everything else queues frames with enqueue or cuts the socket with
// kill.
type conn struct {
	id       string
	n        int // order of opening
	s        *Server
	ws       *websocket.Conn
	scope    scope
	opened   time.Time
	deadline time.Time // when its time is up (server clock)
	ending   bool      // guarded by Server.mu: no more frames are routed to it
	written  atomic.Uint64

	qmu   sync.Mutex
	queue []outFrame
	wake  chan struct{}
	done  chan struct{} // closed when the connection is finished
	once  sync.Once
}

// outFrame is one queued write: an event frame (ledger seq and the
// subscription it was routed for) or a close.
type outFrame struct {
	data  []byte
	seq   uint64
	sub   int64
	close *closeReq
}

type closeReq struct {
	code   int
	reason string
}

// handleEvents is the socket: check the token, upgrade, then only send.
// There is no greeting and nothing the client sends is read for meaning.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		writeError(w, &apiError{status: http.StatusServiceUnavailable, reason: "unavailable", message: errClosed.Error()})
		return
	}
	claims, sc, why := s.admit(tok)
	if why != "" {
		s.counters.Refused++
		s.logf("socket: refused upgrade from %s with %d: %s", r.RemoteAddr, s.cfg.RefuseStatus, why)
		s.mu.Unlock()
		reason := map[int]string{http.StatusUnauthorized: "unauthorized", http.StatusForbidden: "forbidden"}[s.cfg.RefuseStatus]
		if reason == "" {
			reason = "refused"
		}
		writeError(w, &apiError{status: s.cfg.RefuseStatus, reason: reason, message: why})
		return
	}
	s.mu.Unlock()

	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	c := &conn{s: s, ws: ws, scope: sc, wake: make(chan struct{}, 1), done: make(chan struct{})}
	s.mu.Lock()
	if s.closed || s.scopeGone(sc) != "" {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.connCount++
	c.n = s.connCount
	c.id = "c" + strconv.Itoa(c.n)
	c.opened = s.now()
	c.deadline = time.Unix(claims.Exp, 0)
	if s.cfg.CloseAt == AfterLifetime {
		c.deadline = c.opened.Add(s.cfg.TokenLifetime)
	}
	s.conns[c.id] = c
	s.counters.Connections++
	s.logf("%s: connected from %s, scope %s, time up at %s", c.id, r.RemoteAddr, sc, c.deadline.UTC().Format(time.TimeOnly))
	// Added under mu while not closed, so Close's Wait never races it.
	s.bg.Add(1)
	s.mu.Unlock()

	go c.writeLoop()
	c.readLoop()
}

// admit checks a token for the handshake and returns why it is refused
// ("" if it is not). Caller holds mu.
func (s *Server) admit(tok string) (TokenClaims, scope, string) {
	if s.refuseNext > 0 {
		s.refuseNext--
		return TokenClaims{}, scope{}, "refused by the control API (refuse-next)"
	}
	claims, sc, err := s.checkToken(tok)
	if err != nil {
		return claims, sc, "bad token: " + err.Error()
	}
	return claims, sc, s.scopeGone(sc)
}

// scopeGone says why a token's scope no longer exists ("" if it does).
// Caller holds mu.
func (s *Server) scopeGone(sc scope) string {
	if s.websockets[sc.ws] == nil {
		return "websocket " + strconv.FormatInt(sc.ws, 10) + " no longer exists"
	}
	if sc.sub != 0 {
		sub := s.subs[sc.sub]
		if sub == nil || sub.kind.name != sc.kind {
			return sc.kind + " subscription " + strconv.FormatInt(sc.sub, 10) + " no longer exists"
		}
	}
	return ""
}

// inScope reports whether conn c receives events routed for sub.
func (c *conn) inScope(sub *subscription) bool {
	return c.scope.ws == sub.endpoint && (c.scope.sub == 0 || c.scope.sub == sub.id)
}

// sortedConns lists the open connections in the order they opened.
// Caller holds mu.
func (s *Server) sortedConns() []*conn {
	out := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].n < out[j].n })
	return out
}

// endConns ends every connection pred picks, the way the configured
// expiry does (abrupt or clean), and routes nothing more to them. It
// returns how many. Caller holds mu.
func (s *Server) endConns(pred func(*conn) bool, why string) int {
	n := 0
	for _, c := range s.sortedConns() {
		if c.ending || !pred(c) {
			continue
		}
		c.end(s.cfg.ExpiryClose, why)
		n++
	}
	return n
}

// end stops routing to c and closes it: abruptly (no close frame, the
// client sees 1006) or cleanly (1000 with why, after what is queued).
// Caller holds Server.mu.
func (c *conn) end(how, why string) {
	c.ending = true
	c.s.logf("%s: ending (%s, %s)", c.id, how, why)
	if how == CloseClean {
		c.enqueue(outFrame{close: &closeReq{code: websocket.CloseNormalClosure, reason: why}})
		return
	}
	c.kill()
}

// enqueue queues a frame for the writer. A client that lets maxQueue
// frames pile up is cut, as a real server would.
func (c *conn) enqueue(f outFrame) {
	c.qmu.Lock()
	if len(c.queue) >= maxQueue {
		c.qmu.Unlock()
		c.kill()
		return
	}
	c.queue = append(c.queue, f)
	c.qmu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *conn) pop() (outFrame, bool) {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if len(c.queue) == 0 {
		return outFrame{}, false
	}
	f := c.queue[0]
	c.queue[0] = outFrame{}
	c.queue = c.queue[1:]
	return f, true
}

func (c *conn) queued() int {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return len(c.queue)
}

// kill cuts the TCP connection with no close frame; the reader then
// fails and finishes the connection.
func (c *conn) kill() { _ = c.ws.NetConn().Close() }

// finish runs once when the reader stops.
func (c *conn) finish() {
	c.once.Do(func() {
		close(c.done)
		s := c.s
		s.mu.Lock()
		delete(s.conns, c.id)
		s.logf("%s: connection ended (%d frames written)", c.id, c.written.Load())
		s.mu.Unlock()
		_ = c.ws.Close()
	})
}

// readLoop is the only reader. The socket is receive-only: client
// frames are read (so pings get their pongs and a close its answer) and
// dropped.
func (c *conn) readLoop() {
	defer c.finish()
	c.ws.SetReadLimit(readLimit)
	for {
		if _, _, err := c.ws.NextReader(); err != nil {
			return
		}
	}
}

// writeLoop is the only writer.
func (c *conn) writeLoop() {
	defer c.s.bg.Done()
	for {
		select {
		case <-c.done:
			return
		case <-c.wake:
			if !c.drain() {
				return
			}
		}
	}
}

// drain writes every queued frame; false means the connection is over.
func (c *conn) drain() bool {
	for {
		f, ok := c.pop()
		if !ok {
			return true
		}
		if f.close != nil {
			c.closeNow(f.close)
			return false
		}
		_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
		if err := c.ws.WriteMessage(websocket.TextMessage, f.data); err != nil {
			c.kill()
			return false
		}
		c.written.Add(1)
		c.s.delivered.Add(1)
		c.s.ledger.written(f.seq, f.sub, c.id)
	}
}

// closeNow writes a close frame, gives the client closeWait to answer,
// then cuts the socket.
func (c *conn) closeNow(r *closeReq) {
	deadline := time.Now().Add(writeWait)
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(r.code, r.reason), deadline)
	select {
	case <-c.done:
	case <-time.After(closeWait):
	}
	c.kill()
}
