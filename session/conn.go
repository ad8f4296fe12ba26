package session

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

const writeWait = 10 * time.Second

// conn is one open socket. Gorilla discipline: readLoop is the only
// reader and writeLoop the only writer of data frames and pings; close
// and pong control frames go through WriteControl, which gorilla allows
// concurrently.
type conn struct {
	s    *Session
	n    int
	ws   *websocket.Conn
	link *link

	qmu     sync.Mutex
	queue   [][]byte
	closing bool
	wake    chan struct{}

	dead      chan struct{} // closed when the connection is finished
	deadOnce  sync.Once
	cause     string // why, written once before dead closes
	closeCode int

	stop    chan struct{} // tells the writer to exit
	readers sync.WaitGroup

	lastRecv  atomic.Int64 // unix nanos
	lastSent  atomic.Int64
	healthyAt atomic.Int64
	stallFor  atomic.Int64 // a stall_read duration not yet begun
}

func newConn(s *Session, n int, ws *websocket.Conn) *conn {
	c := &conn{s: s, n: n, ws: ws, wake: make(chan struct{}, 1), dead: make(chan struct{}), stop: make(chan struct{})}
	// Timers inside a connection run on the real clock: Options.Now
	// stamps Updates, it does not measure round trips.
	now := time.Now().UnixNano()
	c.lastRecv.Store(now)
	c.lastSent.Store(now)
	ws.SetReadLimit(s.opt.ReadLimit)
	ws.SetPingHandler(c.onPing)
	ws.SetPongHandler(c.onPong)
	c.readers.Add(2)
	return c
}

// die records the first cause and releases everything waiting on dead.
func (c *conn) die(cause string, code int) {
	c.deadOnce.Do(func() {
		c.cause, c.closeCode = cause, code
		c.qmu.Lock()
		c.closing = true
		c.qmu.Unlock()
		close(c.stop)
		close(c.dead)
		_ = c.ws.NetConn().Close()
	})
}

// kill cuts the TCP connection with no close handshake, as a network
// failure would.
func (c *conn) kill(cause string) { c.die(cause, 0) }

// closeClean starts the close handshake; the reader ends the connection
// when the server answers.
func (c *conn) closeClean(code int, text string) {
	c.qmu.Lock()
	c.closing = true
	c.qmu.Unlock()
	msg := websocket.FormatCloseMessage(code, text)
	c.s.publish(c.n, protocol.Update{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpClose, Data: text, Size: len(msg)}})
	if err := c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(writeWait)); err != nil {
		c.kill("close: " + err.Error())
	}
}

// wait returns once both goroutines have exited.
func (c *conn) wait() { c.readers.Wait() }

// send queues a data frame.
func (c *conn) send(data []byte) bool {
	c.qmu.Lock()
	if c.closing {
		c.qmu.Unlock()
		return false
	}
	c.queue = append(c.queue, data)
	c.qmu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return true
}

func (c *conn) take() [][]byte {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	q := c.queue
	c.queue = nil
	return q
}

// resetDeadline sets the read deadline from now, or clears it while
// keepalives are off (so the provider's idle timeout can be watched).
func (c *conn) resetDeadline() {
	t := c.s.opt.readTimeout()
	if t <= 0 || c.s.stopHB.Load() {
		_ = c.ws.SetReadDeadline(time.Time{})
		return
	}
	_ = c.ws.SetReadDeadline(time.Now().Add(t))
}

func (c *conn) readLoop() {
	defer c.readers.Done()
	for {
		// A stall begins once the frame being waited for has arrived:
		// a gorilla read cannot be interrupted without killing the
		// connection.
		if d := time.Duration(c.stallFor.Swap(0)); d > 0 {
			select {
			case <-time.After(d):
			case <-c.stop:
			}
		}
		c.resetDeadline()
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			c.readFailed(err)
			return
		}
		c.lastRecv.Store(time.Now().UnixNano())
		f := &protocol.Frame{Op: protocol.OpText, Data: string(data), Size: len(data)}
		if typ == websocket.BinaryMessage {
			f.Op, f.Enc, f.Data = protocol.OpBinary, "base64", base64.StdEncoding.EncodeToString(data)
		}
		if msg := c.s.publishRaw(c.n, protocol.Update{Kind: protocol.KindRecv, Frame: f}, data); msg != nil {
			c.s.p.Receive(c.link, msg)
		}
	}
}

// readFailed names why the reader stopped and ends the connection.
func (c *conn) readFailed(err error) {
	var ce *websocket.CloseError
	var ne net.Error
	switch {
	case errors.As(err, &ce):
		c.s.publish(c.n, protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpClose, Data: Sanitize(ce.Text, 123), Size: 2 + len(ce.Text)}})
		who := "the server"
		c.qmu.Lock()
		if c.closing {
			who = "the client"
		}
		c.qmu.Unlock()
		cause := fmt.Sprintf("closed by %s: %d", who, ce.Code)
		if ce.Text != "" {
			cause += " " + Sanitize(ce.Text, 123)
		}
		c.die(cause, ce.Code)
	case errors.As(err, &ne) && ne.Timeout():
		c.die(fmt.Sprintf("heartbeat timeout: nothing received for %s", c.s.opt.readTimeout()), 0)
	default:
		c.die("read error: "+err.Error(), 0)
	}
}

func (c *conn) onPing(data string) error {
	c.resetDeadline()
	c.s.publish(c.n, protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpPing, Data: Sanitize(data, 125), Size: len(data)}})
	c.s.publish(c.n, protocol.Update{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpPong, Data: Sanitize(data, 125), Size: len(data)}})
	err := c.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(writeWait))
	if err != nil && !errors.Is(err, websocket.ErrCloseSent) {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil
		}
		return err
	}
	return nil
}

// onPong measures the round trip: our pings carry their send time.
func (c *conn) onPong(data string) error {
	c.resetDeadline()
	c.s.publish(c.n, protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpPong, Data: Sanitize(data, 125), Size: len(data)}})
	if sent, err := strconv.ParseInt(data, 10, 64); err == nil {
		rtt := time.Since(time.Unix(0, sent))
		if rtt >= 0 {
			c.s.publish(c.n, protocol.Update{Kind: protocol.KindHeartbeat, Heartbeat: &protocol.Heartbeat{Via: "ping", RTT: protocol.Millis(rtt)}})
		}
	}
	return nil
}

func (c *conn) writeLoop() {
	defer c.readers.Done()
	var ping, hb <-chan time.Time
	if p := c.s.opt.PingInterval; p > 0 {
		t := time.NewTicker(p)
		defer t.Stop()
		ping = t.C
	}
	hbEvery := c.s.opt.HeartbeatInterval
	if hbEvery > 0 {
		t := time.NewTicker(max(hbEvery/4, 5*time.Millisecond))
		defer t.Stop()
		hb = t.C
	}
	for {
		select {
		case <-c.stop:
			return
		case <-c.wake:
			for _, f := range c.take() {
				if !c.write(f) {
					return
				}
			}
		case <-ping:
			if c.s.stopHB.Load() {
				continue
			}
			data := strconv.FormatInt(time.Now().UnixNano(), 10)
			c.s.publish(c.n, protocol.Update{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpPing, Data: data, Size: len(data)}})
			_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.ws.WriteMessage(websocket.PingMessage, []byte(data)); err != nil {
				c.die("write error: "+err.Error(), 0)
				return
			}
		case <-hb:
			if c.s.stopHB.Load() {
				continue
			}
			now := time.Now()
			idle := func(v *atomic.Int64) bool { return now.Sub(time.Unix(0, v.Load())) >= hbEvery }
			if !idle(&c.lastRecv) && !idle(&c.lastSent) {
				continue
			}
			if f := c.s.p.Heartbeat(c.link); f != nil {
				if !c.write(f) {
					return
				}
			} else {
				c.lastSent.Store(now.UnixNano()) // nothing to send: do not ask again at once
			}
		}
	}
}

// write publishes and writes one text frame.
func (c *conn) write(data []byte) bool {
	c.s.publishRaw(c.n, protocol.Update{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpText, Data: string(data), Size: len(data)}}, data)
	c.lastSent.Store(time.Now().UnixNano())
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
	if err := c.ws.WriteMessage(websocket.TextMessage, data); err != nil {
		c.die("write error: "+err.Error(), 0)
		return false
	}
	return true
}

// link is the Provider's view of one connection (c is nil in Prepare).
type link struct {
	s *Session
	n int
	c *conn
}

func (l *link) Conn() int               { return l.n }
func (l *link) Now() time.Time          { return l.s.now() }
func (l *link) Emit(u protocol.Update)  { l.s.publish(l.n, u) }
func (l *link) State(st protocol.State) { l.s.state(l.n, st) }
func (l *link) Send(data []byte) bool   { return l.c != nil && l.c.send(data) }
func (l *link) Fail(cause string) {
	if l.c != nil {
		l.c.kill(cause)
	}
}
func (l *link) Healthy() {
	if l.c != nil {
		l.c.healthyAt.CompareAndSwap(0, time.Now().UnixNano())
	}
}
