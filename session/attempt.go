package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

// attempt makes one connection and runs it until it ends.
func (s *Session) attempt(ctx context.Context, n int) outcome {
	pl := &link{s: s, n: n}
	t, err := s.p.Prepare(ctx, pl)
	if ctx.Err() != nil {
		s.state(n, protocol.State{Phase: protocol.PhaseClosed, Cause: "stopped"})
		return outcome{done: true}
	}
	if err != nil {
		s.errorUpdate(n, "prepare", err.Error())
		return outcome{err: err}
	}
	phase := t.Phase
	if phase == "" {
		phase = protocol.PhaseDialing
	}
	s.state(n, protocol.State{Phase: phase, URL: t.Masked, Recovery: t.Recovery})

	dctx, cancel := context.WithTimeout(ctx, s.opt.HandshakeTimeout)
	ws, resp, err := s.opt.Dialer.DialContext(dctx, t.URL, t.Header)
	cancel()
	if ctx.Err() != nil {
		if ws != nil {
			_ = ws.Close()
		}
		s.state(n, protocol.State{Phase: protocol.PhaseClosed, Cause: "stopped"})
		return outcome{done: true}
	}
	if err != nil {
		err = dialError(err, resp)
		st := protocol.State{Phase: protocol.PhaseDropped, Cause: err.Error(), URL: t.Masked}
		var rej *RejectedError
		if errors.As(err, &rej) {
			st.HTTPStatus = rej.Status
		}
		s.state(n, st)
		s.p.Lost(s.now())
		return outcome{err: err}
	}
	s.state(n, protocol.State{Phase: protocol.PhaseUpgraded, URL: t.Masked})
	return s.serve(ctx, n, ws)
}

// dialError turns a failed dial into a RejectedError (4xx answer to the
// upgrade) or a Retryable.
func dialError(err error, resp *http.Response) error {
	if resp == nil {
		return &Retryable{Err: fmt.Errorf("dial: %w", err)}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	code, msg := RefusalText(body)
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests {
		return &RejectedError{Where: "upgrade", Status: resp.StatusCode, Code: code, Message: msg}
	}
	return &Retryable{Status: resp.StatusCode, Err: fmt.Errorf("upgrade refused: %s", strings.TrimSpace(code+" "+msg))}
}

// serve runs an open connection until it ends.
func (s *Session) serve(ctx context.Context, n int, ws *websocket.Conn) outcome {
	c := newConn(s, n, ws)
	l := &link{s: s, n: n, c: c}
	c.link = l
	go c.readLoop()
	go c.writeLoop()
	s.p.Opened(l)

	o := outcome{done: s.watch(ctx, c)}
	c.wait()
	if !o.done {
		o.err = errors.New(c.cause)
	}
	if h := c.healthyAt.Load(); h != 0 {
		o.healthy = true
		o.healthyFor = time.Since(time.Unix(0, h))
	}
	if o.done {
		s.state(n, protocol.State{Phase: protocol.PhaseClosed, Cause: c.cause, CloseCode: c.closeCode})
		return o
	}
	s.state(n, protocol.State{Phase: protocol.PhaseDropped, Cause: c.cause, CloseCode: c.closeCode})
	s.p.Lost(s.now())
	return o
}

// watch serves commands until the connection dies (false) or the session
// ends with a clean close (true).
func (s *Session) watch(ctx context.Context, c *conn) bool {
	for {
		select {
		case <-c.dead:
			return false
		case <-ctx.Done():
			c.closeClean(websocket.CloseNormalClosure, "client closing")
			s.awaitClose(c)
			return true
		case cmd := <-s.cmds:
			if s.online(c, cmd) {
				s.awaitClose(c)
				return true
			}
		}
	}
}

// awaitClose waits for the server to answer a close, or cuts the socket.
func (s *Session) awaitClose(c *conn) {
	t := time.NewTimer(s.opt.CloseWait)
	defer t.Stop()
	select {
	case <-c.dead:
	case <-t.C:
		c.kill("closed by the client; the server did not answer the close")
	}
}

// online executes a command on an open connection; it reports whether
// the command ends the session.
func (s *Session) online(c *conn, cmd protocol.Command) bool {
	switch cmd.Kind {
	case protocol.CmdDrop:
		c.kill("dropped by the operator (no close handshake)")
	case protocol.CmdClose:
		code := cmd.Code
		if code == 0 {
			code = websocket.CloseNormalClosure
		}
		c.closeClean(code, cmd.Text)
		return true
	case protocol.CmdSetFilters:
		if err := s.p.SetFilters(c.link, cmd.Filters); err != nil {
			s.errorUpdate(c.n, "command", err.Error())
		}
	case protocol.CmdSend:
		if !c.send([]byte(cmd.Text)) {
			s.errorUpdate(c.n, "command", "send: the connection is closing")
		}
	case protocol.CmdStopHeartbeats:
		s.stopHB.Store(cmd.On)
		c.resetDeadline()
	case protocol.CmdStallRead:
		c.stallFor.Store(int64(cmd.Duration))
	case protocol.CmdMarker:
		s.marker(c.n, cmd.Text)
	default:
		s.errorUpdate(c.n, "command", fmt.Sprintf("%s is not supported", cmd.Kind))
	}
	return false
}
