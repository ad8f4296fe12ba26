package session

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

// serve watches the session's connection until the session has none: it
// runs the operator's commands, starts planned rotations and hands over
// to fresh connections. mayReplace allows Target.ReplaceOnClose.
func (s *Session) serve(ctx context.Context, c *conn, mayReplace bool) (o outcome) {
	cur := c
	var h *handover
	tries := 0 // handovers that failed in a row
	// notBefore (real clock) is when the server allows the next Prepare,
	// after it answered one with a Retry-After; it outlives the
	// connection, so the loop honours it if the connection ends first.
	var notBefore time.Time
	defer func() {
		if o.end == nil && time.Now().Before(notBefore) {
			o.notBefore = notBefore
		}
	}()
	var rot *time.Timer
	var rotC <-chan time.Time
	arm := func(at time.Time) {
		if rot != nil {
			rot.Stop()
		}
		rot, rotC = nil, nil
		if !at.IsZero() {
			rot = time.NewTimer(max(0, at.Sub(s.now())))
			rotC = rot.C
		}
	}
	defer arm(time.Time{})
	arm(cur.rotateAt)
	// retry schedules the next try of a failed rotation: a backoff step
	// that grows with the failures in a row (capped at Backoff.Max), and
	// never before until, the server's Retry-After.
	retry := func(why string, until time.Time) {
		tries++
		d := max(s.opt.Backoff.Delay(tries), time.Until(until))
		notBefore = later(notBefore, until)
		s.errorUpdate(h.n, "rotate", fmt.Sprintf("%s; connection %d stays, next try in %s", why, cur.n, d.Round(time.Millisecond)))
		h = nil
		arm(s.now().Add(d))
	}

	for {
		var hDone, hLive, hDead <-chan struct{}
		if h != nil {
			if !h.open {
				hDone = h.done
			} else {
				hLive, hDead = h.l.live, h.c.dead
			}
		}
		select {
		case <-cur.dead:
			cur.wait()
			if h != nil && !h.open && h.dialing.Load() {
				// The next connection is being dialled (bounded by
				// HandshakeTimeout): wait for it rather than throw it
				// away. A Prepare still running is abandoned below.
				<-h.done
				h.open = h.err == nil
			}
			if h != nil && h.open {
				// The old connection ended before the new one took
				// over: what it would have delivered meanwhile may be
				// lost, but the session goes on with the new one.
				if !closed(h.l.live) {
					s.state(cur.n, protocol.State{Phase: protocol.PhaseDropped, Cause: cur.end.cause + fmt.Sprintf("; connection %d takes over", h.n), CloseCode: cur.end.code})
				}
				cur, h, tries = h.promote(), nil, 0
				arm(cur.rotateAt)
				continue
			}
			if h != nil {
				// A Prepare the server answered with a Retry-After
				// still holds the reconnect back.
				h.abort()
				notBefore = later(notBefore, h.notBefore)
			}
			return s.connEnded(cur, mayReplace)

		case <-ctx.Done():
			h.abort()
			cur.closeClean(websocket.CloseNormalClosure, "client closing")
			return s.closed(cur)

		case cmd := <-s.cmds:
			if s.online(cur, cmd) {
				h.abort()
				return s.closed(cur)
			}

		case <-rotC:
			rotC = nil
			if cur.isDead() {
				continue // it died unannounced just now: a drop, not a rotation
			}
			expiry := cur.t.ExpiresAt.UTC().Format(time.RFC3339)
			if !cur.t.MakeBeforeBreak {
				s.state(cur.n, protocol.State{Phase: protocol.PhaseRotating, Info: cur.planInfo(),
					Cause: fmt.Sprintf("the target expires at %s: closing connection %d, then opening a fresh one", expiry, cur.n)})
				cur.closeClean(websocket.CloseNormalClosure, "rotating: the target expires")
				s.awaitClose(cur)
				cur.wait()
				s.p.Lost(s.now())
				o := cur.outcome()
				o.replace = true
				return o
			}
			s.state(cur.n, protocol.State{Phase: protocol.PhaseRotating, Info: cur.planInfo(),
				Cause: fmt.Sprintf("the target expires at %s: opening a new connection before closing connection %d", expiry, cur.n)})
			h = s.startHandover(ctx)

		case <-hDone:
			if h.err != nil {
				retry(fmt.Sprintf("rotation: connection %d could not be opened: %v", h.n, h.err), h.notBefore)
				continue
			}
			h.open = true // now wait for it to go live

		case <-hLive:
			old := cur
			cur, h, tries = h.promote(), nil, 0
			s.retire(old, cur.n)
			arm(cur.rotateAt)

		case <-hDead:
			h.c.wait()
			retry(fmt.Sprintf("rotation: connection %d ended before it went live: %s", h.n, h.c.end.cause), serverUntil(h.c.end.err))
		}
	}
}

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// connEnded reports a connection that ended on its own: a drop, or, when the
// server closed it and the target says so, a replacement at once.
func (s *Session) connEnded(c *conn, mayReplace bool) outcome {
	o := c.outcome()
	e := c.end
	var rej *RejectedError
	var rt *Retryable
	st := protocol.State{Phase: protocol.PhaseDropped, Cause: e.cause, CloseCode: e.code}
	switch {
	case errors.As(e.err, &rej):
		o.refused = true
		st.HTTPStatus, st.Info = rej.Status, headerInfo(rej.Header)
	case errors.As(e.err, &rt):
		st.HTTPStatus = rt.Status
	}
	switch {
	case mayReplace && e.byServer && o.healthy && c.t.ReplaceOnClose != nil && c.t.ReplaceOnClose(e.code, e.reason):
		st.Phase = protocol.PhaseRotating
		st.Cause = e.cause + ": preparing a fresh target at once"
		o.replace = true
	case e.replace && (mayReplace || o.working):
		st.Phase = protocol.PhaseRotating
		o.replace = true
	}
	s.state(c.n, st)
	s.p.Lost(s.now())
	return o
}

// closed waits for a client-initiated close to finish and reports the
// end of the session.
func (s *Session) closed(c *conn) outcome {
	s.awaitClose(c)
	c.wait()
	return outcome{end: &finish{conn: c.n, st: protocol.State{Phase: protocol.PhaseClosed, Cause: c.end.cause, CloseCode: c.end.code}}}
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

// retire closes a connection a handover replaced. Its end is no drop:
// its close frames are published, its phase is not.
func (s *Session) retire(old *conn, next int) {
	s.retiring.Add(1)
	go func() {
		defer s.retiring.Done()
		old.closeClean(websocket.CloseNormalClosure, fmt.Sprintf("rotated to connection %d", next))
		s.awaitClose(old)
		old.wait()
	}()
}

// handover is the next connection of a make-before-break rotation, being
// prepared and opened while the current one still runs.
type handover struct {
	n      int
	l      *link
	cancel context.CancelFunc
	done   chan struct{} // closed when Prepare and open are over
	c      *conn         // the open connection, or nil with err; written before done closes
	err    error
	// notBefore (real clock) is when the server allows the next Prepare,
	// if it answered this one with a Retry-After; written before done
	// closes.
	notBefore time.Time
	open      bool        // serve has seen done with c set (serve's alone)
	dialing   atomic.Bool // Prepare is over; the connection is being opened
}

func (s *Session) startHandover(ctx context.Context) *handover {
	n := s.nextConn()
	hctx, cancel := context.WithCancel(ctx)
	h := &handover{n: n, l: newLink(s, n, true), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(h.done)
		t, err := s.prepare(hctx, h.l)
		if err == nil {
			h.dialing.Store(true)
			h.c, err = s.open(hctx, h.l, t)
		}
		h.err, h.notBefore = err, serverUntil(err)
	}()
	return h
}

// serverUntil is when a server that failed a request with err allows the
// next one (its Retry-After from now, real clock); zero when it did not
// say.
func serverUntil(err error) time.Time {
	if w := serverWait(err); w > 0 {
		return time.Now().Add(w)
	}
	return time.Time{}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// promote makes the handover's connection the session's: its held phase
// is published as it is.
func (h *handover) promote() *conn {
	// h's context stays alive: a Provider may hold on to Prepare's.
	h.l.completeHandover()
	return h.c
}

// abort gives up the handover (the session ends, or the old connection
// was lost before the new one opened).
func (h *handover) abort() {
	if h == nil {
		return
	}
	h.cancel()
	<-h.done
	if h.c != nil {
		h.c.kill("abandoned: the rotation it was opened for did not complete")
		h.c.wait()
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
		if _, poll := c.w.(*pollWire); poll {
			s.errorUpdate(c.n, "command", "send: a long-poll connection cannot send frames")
		} else if !c.w.send([]byte(cmd.Text)) {
			s.errorUpdate(c.n, "command", "send: the connection is closing")
		}
	case protocol.CmdStopHeartbeats:
		s.stopHB.Store(cmd.On)
		c.w.keepalive()
	case protocol.CmdStopPongs:
		s.noPong.Store(cmd.On)
	case protocol.CmdStallRead:
		c.stallRead(cmd.Duration)
	case protocol.CmdMarker:
		s.marker(c.n, cmd.Text)
	case protocol.CmdResume:
		s.errorUpdate(c.n, "command", "resume: connection "+strconv.Itoa(c.n)+" is open; nothing to resume")
	default:
		s.errorUpdate(c.n, "command", fmt.Sprintf("%s is not supported", cmd.Kind))
	}
	return false
}
