package emu

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Limits of one connection that are not configurable.
const (
	DefaultReadLimit = 1 << 20          // largest client frame accepted unless ConnOptions says otherwise
	writeWait        = 10 * time.Second // deadline for one write
	closeWait        = time.Second      // how long a closing handshake may take
	pongGrace        = 10 * time.Second // extra time for a pong beyond two ping intervals
	maxCloseReason   = 123              // a close frame's payload is at most 125 bytes
)

// ConnOptions configure one WebSocket connection.
type ConnOptions struct {
	// ReadLimit is the largest frame accepted from the client (0:
	// DefaultReadLimit). A larger one ends the connection with 1009.
	ReadLimit int64
	// PingInterval is how often to send WebSocket pings; a peer that
	// answers nothing for two intervals plus 10 s is dropped. 0 or
	// negative: no pings and no read deadline.
	PingInterval time.Duration
	// PongTimeout, when positive, replaces PingInterval's read rule: the
	// read deadline is PongTimeout and only a pong moves it; frames from
	// the client do not (VoIPBin drops a client that talks but never
	// answers a ping).
	PongTimeout time.Duration
	// Subprotocols the server may choose from, in its order of
	// preference; Header is added to the 101 answer.
	Subprotocols []string
	Header       http.Header
}

// Tracker follows one event frame given to SendEvent: exactly one of its
// methods is called for each SendEvent, Delivered once the frame has
// been written to the socket, Discarded if it never will be (the
// connection ended or was cut first, or the frame was refused). A
// provider uses it to know which events a client has had and which are
// lost (RingCentral counts them per session, and counts a notification
// as dropped once it has left both the recovery buffer and every queue
// unwritten). Both are called without any lock of the core held.
type Tracker interface {
	Delivered()
	Discarded()
}

// Conn is one WebSocket connection. Gorilla's discipline holds: Serve is
// the only reader and a writer goroutine the only writer; every other
// goroutine queues frames (Send, SendEvent, Close, ...) or cuts the
// socket (Kill). The server's fault switches (delay, reorder) apply to
// what the writer takes from the queue.
type Conn struct {
	id     string
	s      *Server
	ws     *websocket.Conn
	bc     *batchConn
	opt    ConnOptions
	opened time.Time

	lastRead atomic.Int64 // unix nanos of the last frame from the client (pongs excluded)

	qmu    sync.Mutex
	queue  []frame
	qbytes int64
	dead   bool // cut or finished: nothing more is queued or written
	wake   chan struct{}
	done   chan struct{} // closed when the connection has ended
	once   sync.Once
}

// frame is one queued item: a text frame, a pause, or a close.
type frame struct {
	data  []byte
	event bool    // an event: counted when written, may be reordered
	track Tracker // told when the event is written
	held  bool    // already swapped once by the reorder fault
	hold  time.Duration
	close *closing
}

// discard counts an event frame that will never be written and tells
// its tracker.
func (f frame) discard(s *Server) {
	if !f.event {
		return
	}
	s.stats.unsent.Add(1)
	if f.track != nil {
		f.track.Discarded()
	}
}

// gathered is an event written into the batch, with the offset of its
// last byte.
type gathered struct {
	frame
	end int64
}

// closing ends a connection cleanly: frames first (such as a provider's
// Error frame), then a close frame with code and reason.
type closing struct {
	preface [][]byte
	code    int
	reason  string
}

// Upgrade accepts a WebSocket connection and registers it under the
// next id ("c1", "c2", ...). It answers the request itself when it
// refuses (503 when the server is closing or MaxConns are open; the
// upgrader's own error otherwise). The caller then queues its first
// frames and must call Serve, which reads until the connection ends.
func (s *Server) Upgrade(w http.ResponseWriter, r *http.Request, opt ConnOptions) (*Conn, error) {
	s.mu.Lock()
	closed, full := s.closed, len(s.conns) >= s.cfg.Limits.MaxConns
	s.mu.Unlock()
	switch {
	case closed:
		http.Error(w, ErrClosed.Error(), http.StatusServiceUnavailable)
		return nil, ErrClosed
	case full:
		s.AddRefused()
		s.Logf("refused a connection from %s: %d already open", r.RemoteAddr, s.cfg.Limits.MaxConns)
		http.Error(w, fmt.Sprintf("too many connections (the emulator allows %d at once)", s.cfg.Limits.MaxConns), http.StatusServiceUnavailable)
		return nil, errFull
	}
	up := s.upgrader
	up.Subprotocols = opt.Subprotocols
	var bc *batchConn
	ws, err := up.Upgrade(hijacker{w, &bc}, r, opt.Header)
	if err != nil {
		return nil, err // the upgrader has answered
	}
	if opt.ReadLimit <= 0 {
		opt.ReadLimit = DefaultReadLimit
	}
	c := &Conn{s: s, ws: ws, bc: bc, opt: opt, opened: time.Now(),
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	c.lastRead.Store(c.opened.UnixNano())
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.Close()
		return nil, ErrClosed
	}
	s.connSeq++
	c.id = fmt.Sprintf("c%d", s.connSeq)
	s.conns[c.id] = c
	s.bg.Add(1) // the writer; added under mu while open, so Close's Wait never races it
	s.mu.Unlock()
	s.stats.connections.Add(1)
	go c.writeLoop()
	return c, nil
}

var errFull = fmt.Errorf("emulator: too many connections")

// ID is the connection's id ("c1", ...), as the control API names it.
func (c *Conn) ID() string { return c.id }

// Opened is when the connection was accepted.
func (c *Conn) Opened() time.Time { return c.opened }

// LastRead is when the last frame arrived from the client (the upgrade
// if none has); pongs do not count.
func (c *Conn) LastRead() time.Time { return time.Unix(0, c.lastRead.Load()) }

// Done is closed when the connection has ended.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Subprotocol is the subprotocol chosen at the upgrade, if any.
func (c *Conn) Subprotocol() string { return c.ws.Subprotocol() }

// Send queues a text frame. It reports false when the connection has
// ended or was cut for letting too much pile up.
func (c *Conn) Send(data []byte) bool { return c.enqueue(frame{data: data}) }

// SendEvent queues an event: counted as delivered (and t told, if not
// nil) once written, and subject to the reorder fault.
func (c *Conn) SendEvent(data []byte, t Tracker) bool {
	return c.enqueue(frame{data: data, event: true, track: t})
}

// Hold makes the frames queued after it wait d before they are written
// (RingCentral pauses between ConnectionDetails and a replay).
func (c *Conn) Hold(d time.Duration) { c.enqueue(frame{hold: d}) }

// Close ends the connection cleanly after the frames already queued:
// the preface frames, then a close frame with code (0: 1000) and reason
// (cut to fit a close frame); the client has a second to answer before
// the socket is cut.
func (c *Conn) Close(code int, reason string, preface ...[]byte) {
	c.enqueue(frame{close: newClosing(code, reason, preface)})
}

// CloseNow is Close ahead of anything queued, for a timeout that must
// not wait behind a backlog.
func (c *Conn) CloseNow(code int, reason string, preface ...[]byte) {
	c.qmu.Lock()
	if !c.dead {
		c.queue = append([]frame{{close: newClosing(code, reason, preface)}}, c.queue...)
	}
	c.qmu.Unlock()
	c.poke()
}

func newClosing(code int, reason string, preface [][]byte) *closing {
	if code == 0 {
		code = websocket.CloseNormalClosure
	}
	if len(reason) > maxCloseReason {
		reason = reason[:maxCloseReason]
	}
	return &closing{preface: preface, code: code, reason: reason}
}

// Kill cuts the socket with no close handshake, as a network failure
// would; what was queued is discarded.
func (c *Conn) Kill() { c.kill() }

// Backlog is what waits to be written: frames and bytes.
func (c *Conn) Backlog() (frames int, bytes int64) {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return len(c.queue), c.qbytes
}

func (c *Conn) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// enqueue queues f unless the connection has ended. A client that lets
// more than the per-connection bounds pile up unread is cut; so is the
// longest backlog when all connections together hold more than
// MaxQueued.
func (c *Conn) enqueue(f frame) bool {
	s := c.s
	n := int64(len(f.data))
	if n > int64(s.cfg.Limits.MaxFrame) {
		f.discard(s)
		s.Logf("%s: a frame of %s not sent: larger than the %s any one frame may be", c.id, size(n), size(int64(s.cfg.Limits.MaxFrame)))
		return false
	}
	c.qmu.Lock()
	if c.dead {
		c.qmu.Unlock()
		f.discard(s)
		return false
	}
	if len(c.queue) >= s.cfg.Limits.MaxConnFrames || c.qbytes+n > s.cfg.Limits.MaxConnQueued {
		frames, bytes := len(c.queue), c.qbytes
		c.qmu.Unlock()
		f.discard(s)
		c.cut(fmt.Sprintf("%d frames (%s) waiting, the most one connection may hold", frames, size(bytes)))
		return false
	}
	c.queue = append(c.queue, f)
	c.qbytes += n
	c.qmu.Unlock()
	if s.queued.Add(n) > s.cfg.Limits.MaxQueued {
		s.overBudget()
	}
	c.poke()
	return true
}

// overBudget cuts the connections with the longest backlogs until all
// of them together hold no more than MaxQueued.
func (s *Server) overBudget() {
	if !s.budgetMu.TryLock() {
		return // another goroutine is cutting
	}
	defer s.budgetMu.Unlock()
	for s.queued.Load() > s.cfg.Limits.MaxQueued {
		var worst *Conn
		var most int64
		s.mu.Lock()
		for _, c := range s.conns {
			if _, b := c.Backlog(); b > most {
				worst, most = c, b
			}
		}
		s.mu.Unlock()
		if worst == nil {
			return
		}
		worst.cut(fmt.Sprintf("the longest backlog (%s) when all connections held more than %s", size(most), size(s.cfg.Limits.MaxQueued)))
	}
}

// cut ends a connection whose client does not read, and says so.
func (c *Conn) cut(why string) {
	c.s.stats.cut.Add(1)
	c.s.Logf("%s: cut, the client is not reading: %s", c.id, why)
	c.kill()
}

// kill discards the queue and closes the socket; the reader then fails
// and Serve finishes the connection.
func (c *Conn) kill() {
	c.qmu.Lock()
	if !c.dead {
		c.dead = true
		for _, f := range c.queue {
			f.discard(c.s)
		}
		c.s.queued.Add(-c.qbytes)
		c.queue, c.qbytes = nil, 0
	}
	c.qmu.Unlock()
	_ = c.bc.Conn.Close()
}

// pop takes the next frame to write; with reorder on, two adjacent
// events leave in swapped order.
func (c *Conn) pop(reorder bool) (frame, bool) {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if len(c.queue) == 0 {
		return frame{}, false
	}
	i := 0
	if reorder && len(c.queue) >= 2 && c.queue[0].event && c.queue[1].event && !c.queue[0].held {
		c.queue[0].held = true
		c.queue[0], c.queue[1] = c.queue[1], c.queue[0]
	}
	f := c.queue[i]
	c.queue[i] = frame{}
	c.queue = c.queue[1:]
	n := int64(len(f.data))
	c.qbytes -= n
	c.s.queued.Add(-n)
	return f, true
}

func (c *Conn) queued() int {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return len(c.queue)
}

// Serve reads the client's frames and hands each to onFrame, on this
// goroutine, until the connection ends; then it unregisters the
// connection and returns the read error that ended it (a net.Error whose
// Timeout() is true when the peer stopped answering pings). onFrame may
// queue frames; it must not block for long (the read deadline keeps
// running).
func (c *Conn) Serve(onFrame func(typ int, data []byte)) error {
	defer c.finish()
	// The provider has set the connection up by now: a scenario that
	// starts at the first connection may act on it.
	c.s.Mark(StartFirstConnection)
	c.ws.SetReadLimit(c.opt.ReadLimit)
	wait, anyFrame := time.Duration(0), true
	if p := c.opt.PingInterval; p > 0 {
		wait = 2*p + pongGrace
	}
	if c.opt.PongTimeout > 0 {
		wait, anyFrame = c.opt.PongTimeout, false
	}
	if wait > 0 {
		_ = c.ws.SetReadDeadline(time.Now().Add(wait))
		c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(wait)) })
	}
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			return err
		}
		if wait > 0 && anyFrame {
			_ = c.ws.SetReadDeadline(time.Now().Add(wait))
		}
		c.lastRead.Store(time.Now().UnixNano())
		onFrame(typ, data)
	}
}

// finish runs once when the reader stops.
func (c *Conn) finish() {
	c.once.Do(func() {
		c.kill()
		close(c.done)
		s := c.s
		s.mu.Lock()
		delete(s.conns, c.id)
		s.mu.Unlock()
		s.Logf("%s: connection ended", c.id)
		_ = c.ws.Close()
	})
}

// writeLoop is the connection's only writer: queued frames and pings.
func (c *Conn) writeLoop() {
	defer c.s.bg.Done()
	var ping <-chan time.Time
	if p := c.opt.PingInterval; p > 0 {
		t := time.NewTicker(p)
		defer t.Stop()
		ping = t.C
	}
	var written []gathered
	for {
		select {
		case <-c.done:
			return
		case <-c.wake:
			var ok bool
			if written, ok = c.drain(written[:0]); !ok {
				return
			}
		case <-ping:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				c.kill()
				return
			}
		}
	}
}

// drain writes every queued frame, gathering them into few system
// calls; false means the connection is over. Events are counted as
// delivered once the bytes holding them have gone to the socket.
func (c *Conn) drain(written []gathered) ([]gathered, bool) {
	s := c.s
	// written are the events gathered since the last flush. Each counts
	// as delivered once the bytes up to its end have reached the socket,
	// and as discarded if the connection fails first.
	settle := func(err error) bool {
		if err == nil {
			err = c.bc.flush()
		}
		_, sent := c.bc.offsets()
		for _, g := range written {
			if g.end > sent {
				g.discard(s)
				continue
			}
			s.stats.delivered.Add(1)
			if g.track != nil {
				g.track.Delivered()
			}
		}
		clear(written)
		written = written[:0]
		if err != nil {
			c.kill()
			return false
		}
		return true
	}
	flush := func() bool { return settle(nil) }
	_ = c.bc.batch(true)
	defer func() { _ = c.bc.batch(false) }()
	for {
		// The delay comes before taking a frame, so frames made meanwhile
		// queue up behind it (and can be reordered).
		if d := time.Duration(s.delay.Load()); d > 0 {
			if c.queued() == 0 {
				return written, flush()
			}
			if !flush() {
				return written, false
			}
			select {
			case <-time.After(d):
			case <-c.done:
				return written, false
			}
		}
		f, ok := c.pop(s.reorder.Load())
		if !ok {
			return written, flush()
		}
		if f.close != nil || f.hold > 0 {
			if !flush() {
				return written, false
			}
		}
		if f.close != nil {
			_ = c.bc.batch(false)
			c.closeNow(f.close)
			return written, false
		}
		if f.hold > 0 {
			select {
			case <-time.After(f.hold):
			case <-c.done:
				return written, false
			}
			continue
		}
		_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
		err := c.ws.WriteMessage(websocket.TextMessage, f.data)
		if f.event {
			end, _ := c.bc.offsets()
			written = append(written, gathered{f, end})
		}
		if err != nil {
			return written, settle(err)
		}
	}
}

// closeNow writes the preface and the close frame, gives the client
// closeWait to answer, then cuts the socket. Waiting matters: cutting at
// once can reset the TCP stream before the client has read the preface.
func (c *Conn) closeNow(r *closing) {
	deadline := time.Now().Add(writeWait)
	_ = c.ws.SetWriteDeadline(deadline)
	for _, p := range r.preface {
		_ = c.ws.WriteMessage(websocket.TextMessage, p)
	}
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(r.code, r.reason), deadline)
	select {
	case <-c.done:
	case <-time.After(closeWait):
	}
	c.kill()
}

// size writes a byte count for the log.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
