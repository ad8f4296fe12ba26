package ringcentral

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	rc "github.com/evtap/evtap/protocol/ringcentral"
)

// Limits of one connection.
const (
	readLimit    = 1 << 20          // largest client frame accepted
	maxQueue     = 100000           // frames waiting to be written before the client counts as stuck
	maxQueueSize = 64 << 20         // bytes waiting, likewise
	writeWait    = 10 * time.Second // deadline for one write
	closeWait    = time.Second      // how long a closing handshake may take
	pongGrace    = 10 * time.Second // the docs want a pong within 10 s
	minCheckTick = 5 * time.Millisecond
)

// conn is one WebSocket connection. Gorilla discipline: the handler
// goroutine is the only reader, writeLoop the only writer; everything
// else queues frames with enqueue or cuts the socket with kill.
type conn struct {
	id     string
	s      *Server
	ws     *websocket.Conn
	opened time.Time
	sess   *session // guarded by Server.mu

	lastRead atomic.Int64 // unix nanos of the last client frame (pongs excluded)

	qmu   sync.Mutex
	queue []outFrame
	qsize int // bytes in queue
	wake  chan struct{}
	done  chan struct{} // closed when the connection is finished
	once  sync.Once
}

// outFrame is one queued write: a text frame, or a close.
type outFrame struct {
	data  []byte
	notif *session // set for ServerNotifications, which are counted and may be reordered
	held  bool     // already swapped once by the reorder fault
	close *closeReq
	pause time.Duration // hold later frames back this long
}

// closeReq ends a connection cleanly: an optional Error frame first, then
// a close frame with code and reason.
type closeReq struct {
	errFrame []byte
	code     int
	reason   string
}

var errSeq atomic.Uint64

// errorFrame builds an Error frame in the gateway's style.
func errorFrame(status int, code, msg string) []byte {
	id := fmt.Sprintf("evtap-err-%d", errSeq.Add(1))
	meta := rc.Meta{Type: rc.TypeError, MessageID: id, Status: status, Headers: map[string]string{"RCRequestId": id}}
	f, _ := rc.Encode(meta, rc.ErrorBody{ErrorCode: code, Message: msg})
	return f
}

// enqueue queues a frame for the writer. A client that lets maxQueue
// frames pile up is cut, as a real server would.
func (c *conn) enqueue(f outFrame) {
	c.qmu.Lock()
	if len(c.queue) >= maxQueue || c.qsize+len(f.data) > maxQueueSize {
		c.qmu.Unlock()
		c.kill()
		return
	}
	c.queue = append(c.queue, f)
	c.qsize += len(f.data)
	c.qmu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// pop takes the next frame to write; with reorder on, two adjacent
// notifications leave in swapped order.
func (c *conn) pop(reorder bool) (outFrame, bool) {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if len(c.queue) == 0 {
		return outFrame{}, false
	}
	if reorder && len(c.queue) >= 2 && c.queue[0].notif != nil && c.queue[1].notif != nil && !c.queue[0].held {
		f := c.queue[1]
		c.queue[1] = c.queue[0]
		c.queue[1].held = true
		c.queue = c.queue[1:]
		c.qsize -= len(f.data)
		return f, true
	}
	f := c.queue[0]
	c.queue[0] = outFrame{}
	c.queue = c.queue[1:]
	c.qsize -= len(f.data)
	return f, true
}

func (c *conn) queued() int {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return len(c.queue)
}

// kill cuts the TCP connection with no close handshake; the reader then
// fails and finishes the connection.
func (c *conn) kill() { _ = c.ws.NetConn().Close() }

// finish runs once when the reader stops: the session, if any, becomes
// recoverable for RecoveryTimeout from now.
func (c *conn) finish() {
	c.once.Do(func() {
		close(c.done)
		s := c.s
		s.mu.Lock()
		delete(s.conns, c.id)
		s.logf("%s: connection ended", c.id)
		if sess := c.sess; sess != nil && sess.conn == c {
			sess.conn = nil
			sess.lostAt = s.now()
		}
		c.sess = nil
		s.mu.Unlock()
		_ = c.ws.Close()
	})
}

// readLoop is the connection's only reader.
func (c *conn) readLoop() {
	defer c.finish()
	c.ws.SetReadLimit(readLimit)
	wait := time.Duration(0)
	if p := c.s.cfg.PingInterval; p > 0 {
		wait = 2*p + pongGrace
		_ = c.ws.SetReadDeadline(time.Now().Add(wait))
		c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(wait)) })
	}
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		if wait > 0 {
			_ = c.ws.SetReadDeadline(time.Now().Add(wait))
		}
		c.lastRead.Store(time.Now().UnixNano())
		if typ != websocket.TextMessage {
			c.enqueue(outFrame{data: errorFrame(http.StatusBadRequest, errMalformedMessage, "Malformed message: binary frames are not supported")})
			continue
		}
		c.s.handleFrame(c, data)
	}
}

// writeLoop is the connection's only writer: queued frames, pings, and
// the idle and absolute timeouts.
func (c *conn) writeLoop() {
	defer c.s.bg.Done()
	cfg := c.s.cfg
	var ping <-chan time.Time
	if cfg.PingInterval > 0 {
		t := time.NewTicker(cfg.PingInterval)
		defer t.Stop()
		ping = t.C
	}
	check := time.NewTicker(checkEvery(cfg.IdleTimeout, cfg.AbsoluteTimeout))
	defer check.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-c.wake:
			if !c.drain() {
				return
			}
		case <-ping:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				c.kill()
				return
			}
		case now := <-check.C:
			if cfg.IdleTimeout > 0 && now.Sub(time.Unix(0, c.lastRead.Load())) >= cfg.IdleTimeout {
				c.s.logf("%s: idle for %s, Error %s and close", c.id, cfg.IdleTimeout, rc.WSGIdleTimeout)
				c.closeNow(&closeReq{errFrame: errorFrame(http.StatusRequestTimeout, rc.WSGIdleTimeout, "Idle timeout: no messages from the client"),
					code: websocket.CloseNormalClosure, reason: rc.WSGIdleTimeout})
				return
			}
			if cfg.AbsoluteTimeout > 0 && now.Sub(c.opened) >= cfg.AbsoluteTimeout {
				c.s.logf("%s: open for %s, Error %s and close", c.id, cfg.AbsoluteTimeout, rc.WSGAbsoluteTimeout)
				c.closeNow(&closeReq{errFrame: errorFrame(http.StatusRequestTimeout, rc.WSGAbsoluteTimeout, "Absolute timeout: the connection is too old"),
					code: websocket.CloseNormalClosure, reason: rc.WSGAbsoluteTimeout})
				return
			}
		}
	}
}

// checkEvery picks how often the timeouts are checked: a quarter of the
// shorter one, between 5 ms and 1 s.
func checkEvery(ds ...time.Duration) time.Duration {
	every := time.Second
	for _, d := range ds {
		if d > 0 && d/4 < every {
			every = d / 4
		}
	}
	if every < minCheckTick {
		every = minCheckTick
	}
	return every
}

// drain writes every queued frame; false means the connection is over.
func (c *conn) drain() bool {
	for {
		// The delay comes before taking the frame, so frames made
		// meanwhile queue up behind it (and can be reordered).
		if d := time.Duration(c.s.delay.Load()); d > 0 {
			if c.queued() == 0 {
				return true
			}
			select {
			case <-time.After(d):
			case <-c.done:
				return false
			}
		}
		f, ok := c.pop(c.s.reorderOn.Load())
		if !ok {
			return true
		}
		if f.close != nil {
			c.closeNow(f.close)
			return false
		}
		if f.pause > 0 {
			select {
			case <-time.After(f.pause):
			case <-c.done:
				return false
			}
			continue
		}
		_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
		if err := c.ws.WriteMessage(websocket.TextMessage, f.data); err != nil {
			c.kill()
			return false
		}
		if f.notif != nil {
			f.notif.delivered.Add(1)
			c.s.delivered.Add(1)
		}
	}
}

// closeNow writes the Error frame and close frame of r, gives the client
// closeWait to answer the close, then cuts the socket. Waiting matters:
// cutting at once can reset the TCP stream before the client has read
// the Error frame.
func (c *conn) closeNow(r *closeReq) {
	deadline := time.Now().Add(writeWait)
	_ = c.ws.SetWriteDeadline(deadline)
	if r.errFrame != nil {
		_ = c.ws.WriteMessage(websocket.TextMessage, r.errFrame)
	}
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(r.code, r.reason), deadline)
	select {
	case <-c.done:
	case <-time.After(closeWait):
	}
	c.kill()
}

// errMalformedMessage is the code of the Error frame answering a frame
// the gateway cannot parse; the connection stays up. RingCentral does not
// document one; this is evtap's choice, in the WSG family.
const errMalformedMessage = "WSG-101"

// heartbeatReply echoes a Heartbeat (the shape is undocumented; every
// client ignores its content).
func heartbeatReply(id string) []byte {
	f, _ := rc.Encode(rc.Meta{Type: rc.TypeHeartbeat, MessageID: id, Status: 200}, nil)
	return f
}
