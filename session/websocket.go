package session

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

const writeWait = 10 * time.Second

// dialWebSocket upgrades c's target and returns its wire.
func (s *Session) dialWebSocket(ctx context.Context, c *conn) (wire, error) {
	d := *s.dialer
	d.Subprotocols = c.t.Subprotocols
	h := c.t.Header.Clone()
	if c.t.Origin != "" {
		if h == nil {
			h = http.Header{}
		}
		h.Set("Origin", c.t.Origin)
	}
	dctx, cancel := context.WithTimeout(ctx, s.opt.HandshakeTimeout)
	ws, resp, err := d.DialContext(dctx, c.t.URL, h)
	cancel()
	if err != nil {
		return nil, dialError(err, resp)
	}
	if ctx.Err() != nil {
		_ = ws.Close()
		return nil, ctx.Err()
	}
	return newWSWire(c, ws), nil
}

// dialError turns a failed dial into a RejectedError (a 4xx answer to
// the upgrade) or a Retryable, keeping the answer's headers.
func dialError(err error, resp *http.Response) error {
	if resp == nil {
		msg := err.Error()
		var cve *tls.CertificateVerificationError
		if errors.As(err, &cve) {
			msg += " (trust the server's CA with a CA file, or skip verification)"
		}
		return &Retryable{Err: fmt.Errorf("dial: %s", msg)}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 == 2 || resp.StatusCode/100 == 3 {
		// Not a refusal: the server answered the upgrade with a page.
		return &Retryable{Status: resp.StatusCode, Err: fmt.Errorf("upgrade not accepted: the server answered %d %s instead of 101", resp.StatusCode, http.StatusText(resp.StatusCode))}
	}
	err = classify("upgrade", resp.StatusCode, resp.Header, body, time.Now())
	var rt *Retryable
	if errors.As(err, &rt) {
		rt.Err = errors.New("upgrade refused: " + strings.TrimPrefix(rt.Err.Error(), "upgrade: "))
	}
	return err
}

// wsWire is a WebSocket connection. Gorilla discipline: readLoop is the
// only reader, writeLoop the only writer of data frames, pings and
// pongs; close frames go through WriteControl, which gorilla allows
// concurrently. The reader never writes: a ping is answered by the
// writer, with the latest ping's payload only (RFC 6455 §5.5.3), so a
// ping flood can starve neither the reader nor the writer.
type wsWire struct {
	c  *conn
	ws *websocket.Conn

	qmu   sync.Mutex
	queue [][]byte
	pong  *string // the latest unanswered ping's payload
	wake  chan struct{}

	stop     chan struct{} // tells the writer to exit
	stopOnce sync.Once
	// closeSent is set once a close frame went out (ours, or the echo
	// of the server's): nothing may be written after it.
	closeSent atomic.Bool

	lastRecv atomic.Int64 // unix nanos
	lastSent atomic.Int64

	// The read deadline is readTimeout after the last frame, moved
	// forward only once it has fallen slack behind (see alive).
	timeout      time.Duration // 0: no read deadline (pings off)
	slack        time.Duration
	dmu          sync.Mutex   // orders SetReadDeadline calls with the decision
	deadlineFrom atomic.Int64 // unix nanos the deadline counts from; MaxInt64 while there is none

	buf []byte // the reader's: the frame being read, reused
}

func newWSWire(c *conn, ws *websocket.Conn) *wsWire {
	t := c.s.opt.readTimeout()
	w := &wsWire{c: c, ws: ws, wake: make(chan struct{}, 1), stop: make(chan struct{}), timeout: t, slack: deadlineSlack(t)}
	// Timers inside a connection run on the real clock: Options.Now
	// stamps Updates, it does not measure round trips.
	now := time.Now().UnixNano()
	w.lastRecv.Store(now)
	w.lastSent.Store(now)
	w.deadlineFrom.Store(math.MaxInt64)
	ws.SetReadLimit(c.s.opt.ReadLimit)
	ws.SetPingHandler(w.onPing)
	ws.SetPongHandler(w.onPong)
	ws.SetCloseHandler(w.onClose)
	return w
}

func (w *wsWire) start() {
	w.c.wg.Add(2)
	go w.readLoop()
	go w.writeLoop()
}

func (w *wsWire) cut() {
	w.stopOnce.Do(func() { close(w.stop) })
	_ = w.ws.NetConn().Close()
}

func (w *wsWire) keepalive() { w.setDeadline(time.Now().UnixNano()) }

// close starts the close handshake; the reader ends the connection when
// the server answers.
func (w *wsWire) close(code int, text string) {
	w.closeSent.Store(true)
	msg := websocket.FormatCloseMessage(code, text)
	w.c.s.publish(w.c.n, protocol.Update{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpClose, Data: text, Size: len(msg)}})
	if err := w.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(writeWait)); err != nil {
		w.c.kill("close: " + err.Error())
	}
}

// send queues a data frame.
func (w *wsWire) send(data []byte) bool {
	w.qmu.Lock()
	if w.c.closing.Load() || w.c.isDead() {
		w.qmu.Unlock()
		return false
	}
	w.queue = append(w.queue, data)
	w.qmu.Unlock()
	w.poke()
	return true
}

func (w *wsWire) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *wsWire) take() (frames [][]byte, pong *string) {
	w.qmu.Lock()
	defer w.qmu.Unlock()
	frames, pong = w.queue, w.pong
	w.queue, w.pong = nil, nil
	return frames, pong
}

// maxDeadlineSlack bounds how far the read deadline may lag behind the
// last frame before it is moved (see alive).
const maxDeadlineSlack = 250 * time.Millisecond

// deadlineSlack is how far the read deadline may lag behind the last
// frame for a read timeout t: a sixteenth of it, at most
// maxDeadlineSlack, so that a live peer answering pings within PongWait
// is never taken for dead.
func deadlineSlack(t time.Duration) time.Duration { return min(t/16, maxDeadlineSlack) }

// alive notes that something arrived at now (unix nanos, real clock) and
// moves the read deadline to readTimeout after it — but only once the
// deadline has fallen slack behind, because moving it is a runtime timer
// update that would cost more than the rest of the engine's work on a
// fast stream's frame. So the connection is declared dead after a
// silence of at most readTimeout (the guarantee: PingInterval+PongWait),
// and at least readTimeout−slack.
func (w *wsWire) alive(now int64) {
	if now-w.deadlineFrom.Load() >= int64(w.slack) {
		w.setDeadline(now)
	}
}

// setDeadline sets the read deadline to readTimeout after now, or clears
// it while keepalives are off (so the provider's idle timeout can be
// watched). It is called by the reader and, for stop_heartbeats, by
// Run's goroutine: dmu keeps the last decision the one in force.
func (w *wsWire) setDeadline(now int64) {
	w.dmu.Lock()
	defer w.dmu.Unlock()
	if w.timeout <= 0 || w.c.s.stopHB.Load() {
		_ = w.ws.SetReadDeadline(time.Time{})
		w.deadlineFrom.Store(math.MaxInt64) // frames do not move it
		return
	}
	_ = w.ws.SetReadDeadline(time.Unix(0, now).Add(w.timeout))
	w.deadlineFrom.Store(now)
}

// maxKeptReadBuffer is the largest read buffer kept between frames; one
// grown further by a rare large message is let go.
const maxKeptReadBuffer = 1 << 20

// readLoop is the connection's only reader. Each message is read into a
// buffer reused from frame to frame and copied once, into the Frame's
// string; the decoder's raw bytes are that string's (read-only) bytes,
// so the payload is neither copied twice nor held in two places.
func (w *wsWire) readLoop() {
	defer w.c.wg.Done()
	c := w.c
	w.setDeadline(time.Now().UnixNano())
	for {
		if c.pause() {
			// The silence counts from the end of the stall, not from
			// the frame before it.
			w.setDeadline(time.Now().UnixNano())
		}
		typ, r, err := w.ws.NextReader()
		if err != nil {
			w.readFailed(err)
			return
		}
		if w.buf, err = readMessage(r, w.buf[:0]); err != nil {
			w.readFailed(err)
			return
		}
		c.frames.Add(1)
		f := &protocol.Frame{Op: protocol.OpText, Size: len(w.buf)}
		var raw []byte
		if typ == websocket.BinaryMessage {
			raw = bytes.Clone(w.buf)
			f.Op, f.Enc, f.Data = protocol.OpBinary, "base64", base64.StdEncoding.EncodeToString(raw)
		} else {
			f.Data = string(w.buf)
			raw = unsafe.Slice(unsafe.StringData(f.Data), len(f.Data))
		}
		if raw == nil {
			raw = []byte{} // an empty frame still has its (empty) payload
		}
		if cap(w.buf) > maxKeptReadBuffer {
			w.buf = nil
		}
		msg, at := c.s.publishRaw(c.n, protocol.Update{Kind: protocol.KindRecv, Frame: f}, raw)
		now := at.UnixNano()
		if !c.s.realClock || at.IsZero() {
			now = time.Now().UnixNano()
		}
		w.lastRecv.Store(now)
		w.alive(now)
		if msg != nil {
			c.s.p.Receive(c.link, msg)
		}
	}
}

// readMessage appends the rest of a message to buf, growing it as
// needed; io.ReadAll would start a new buffer for every message.
func readMessage(r io.Reader, buf []byte) ([]byte, error) {
	if cap(buf) == 0 {
		buf = make([]byte, 0, 4096)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// readFailed names why the reader stopped and ends the connection.
func (w *wsWire) readFailed(err error) {
	c := w.c
	if c.isDead() {
		return // cut on purpose: the cause is already set
	}
	var ce *websocket.CloseError
	var ne net.Error
	switch {
	case errors.As(err, &ce) && ce.Code != websocket.CloseAbnormalClosure:
		// The close frame was published by onClose.
		who := "the server"
		if c.closing.Load() {
			who = "the client"
		}
		cause := fmt.Sprintf("closed by %s: %d", who, ce.Code)
		if r := Sanitize(ce.Text, 123); r != "" {
			cause += " " + r
		}
		c.die(ending{cause: cause, code: ce.Code, reason: ce.Text, byServer: !c.closing.Load()})
	case errors.As(err, &ce):
		// Gorilla's name for a TCP connection that ended mid-stream:
		// no close frame came.
		if c.closing.Load() {
			c.die(ending{cause: "closed by the client; the server ended the TCP connection without answering the close"})
			return
		}
		c.die(ending{cause: "connection lost: the server ended the TCP connection without a close frame"})
	case errors.Is(err, websocket.ErrReadLimit):
		// Gorilla has answered with a 1009 close; say so, and say why.
		msg := websocket.FormatCloseMessage(websocket.CloseMessageTooBig, "")
		c.s.publish(c.n, protocol.Update{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpClose, Size: len(msg)}})
		cause := fmt.Sprintf("a message larger than the %d-byte read limit arrived; it was not read, and the connection is replaced", c.s.opt.ReadLimit)
		c.s.errorUpdate(c.n, "read", cause)
		c.die(ending{cause: cause, code: websocket.CloseMessageTooBig})
	case errors.As(err, &ne) && ne.Timeout():
		c.die(ending{cause: fmt.Sprintf("heartbeat timeout: nothing received for %s", w.timeout)})
	case strings.HasPrefix(err.Error(), "websocket: "):
		// Gorilla found a protocol violation (a control frame over 125
		// bytes, such as a 10 KB close reason; a bad opcode) and has
		// answered with a 1002 close.
		cause := "protocol error from the server: " + Sanitize(strings.TrimPrefix(err.Error(), "websocket: "), 200)
		c.s.errorUpdate(c.n, "read", cause)
		c.die(ending{cause: cause, code: websocket.CloseProtocolError})
	default:
		c.die(ending{cause: "read error: " + Sanitize(err.Error(), 300)})
	}
}

// onClose publishes the server's close frame and, unless we started the
// close, echoes it as gorilla's default handler would.
func (w *wsWire) onClose(code int, text string) error {
	c := w.c
	size := len(text)
	if code != websocket.CloseNoStatusReceived {
		size += 2
	}
	c.s.publish(c.n, protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpClose, Data: Sanitize(text, 123), Size: size}})
	if c.closing.Load() {
		return nil // the server's answer to our close
	}
	w.closeSent.Store(true)
	msg := websocket.FormatCloseMessage(code, "")
	c.s.publish(c.n, protocol.Update{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpClose, Size: len(msg)}})
	_ = w.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	return nil
}

// onPing publishes the ping and hands the pong to the writer, unless the
// operator asked that pings go unanswered (stop_pongs).
func (w *wsWire) onPing(data string) error {
	w.alive(time.Now().UnixNano())
	w.c.s.publish(w.c.n, protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpPing, Data: Sanitize(data, 125), Size: len(data)}})
	if w.c.s.noPong.Load() {
		return nil
	}
	w.qmu.Lock()
	w.pong = &data
	w.qmu.Unlock()
	w.poke()
	return nil
}

// onPong publishes the pong. Our pings carry their send time, so the
// decoder (protocol.WithPings) derives the round trip from this frame,
// live and in a replay alike.
func (w *wsWire) onPong(data string) error {
	w.alive(time.Now().UnixNano())
	c := w.c
	c.s.publish(c.n, protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpPong, Data: Sanitize(data, 125), Size: len(data)}})
	return nil
}

func (w *wsWire) writeLoop() {
	defer w.c.wg.Done()
	c := w.c
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
		case <-w.stop:
			return
		case <-w.wake:
			frames, pong := w.take()
			if pong != nil && !w.control(protocol.OpPong, websocket.PongMessage, *pong) {
				return
			}
			for _, f := range frames {
				if !w.write(f) {
					return
				}
			}
		case <-ping:
			if c.s.stopHB.Load() {
				continue
			}
			if !w.control(protocol.OpPing, websocket.PingMessage, strconv.FormatInt(time.Now().UnixNano(), 10)) {
				return
			}
		case <-hb:
			if c.s.stopHB.Load() {
				continue
			}
			now := time.Now()
			idle := func(v *atomic.Int64) bool { return now.Sub(time.Unix(0, v.Load())) >= hbEvery }
			if !idle(&w.lastRecv) && !idle(&w.lastSent) {
				continue
			}
			if f := c.s.p.Heartbeat(c.link); f != nil {
				if !w.write(f) {
					return
				}
			} else {
				w.lastSent.Store(now.UnixNano()) // nothing to send: do not ask again at once
			}
		}
	}
}

// control publishes and writes a ping or pong.
func (w *wsWire) control(op protocol.Opcode, typ int, data string) bool {
	if w.closeSent.Load() {
		return true // no pings or pongs once a close is under way
	}
	w.c.s.publish(w.c.n, protocol.Update{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: op, Data: Sanitize(data, 125), Size: len(data)}})
	_ = w.ws.SetWriteDeadline(time.Now().Add(writeWait))
	if err := w.ws.WriteMessage(typ, []byte(data)); err != nil {
		w.c.kill("write error: " + err.Error())
		return false
	}
	return true
}

// write publishes and writes one text frame. Once a close is under way
// nothing more is written (gorilla would refuse it, and the refusal must
// not replace the close as the connection's cause).
func (w *wsWire) write(data []byte) bool {
	c := w.c
	if w.closeSent.Load() {
		return true
	}
	_, _ = c.s.publishRaw(c.n, protocol.Update{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpText, Data: string(data), Size: len(data)}}, data)
	w.lastSent.Store(time.Now().UnixNano())
	_ = w.ws.SetWriteDeadline(time.Now().Add(writeWait))
	if err := w.ws.WriteMessage(websocket.TextMessage, data); err != nil {
		c.kill("write error: " + err.Error())
		return false
	}
	return true
}
