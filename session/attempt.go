package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/evtap/evtap/protocol"
)

// attempt prepares, opens and serves one connection until the session has
// none. mayReplace allows ReplaceOnClose to skip the backoff.
func (s *Session) attempt(ctx context.Context, n int, mayReplace bool) outcome {
	l := newLink(s, n, false)
	t, err := s.prepare(ctx, l)
	if ctx.Err() != nil {
		f := stopped(n)
		return outcome{end: &f}
	}
	if err != nil {
		return outcome{err: err}
	}
	c, err := s.open(ctx, l, t)
	if ctx.Err() != nil {
		f := stopped(n)
		return outcome{end: &f}
	}
	if err != nil {
		s.p.Lost(s.now())
		var rej *RejectedError
		return outcome{err: err, refused: errors.As(err, &rej)}
	}
	return s.serve(ctx, c, mayReplace)
}

// prepare runs the provider's Prepare and reports its error.
func (s *Session) prepare(ctx context.Context, l *link) (Target, error) {
	t, err := s.p.Prepare(ctx, l)
	if err != nil && ctx.Err() == nil {
		s.errorUpdate(l.n, "prepare", err.Error())
	}
	return t, err
}

// open connects to t and starts the connection; a failure is published
// as a drop (with the status and headers of a refused upgrade) and
// returned.
func (s *Session) open(ctx context.Context, l *link, t Target) (*conn, error) {
	c := newConn(s, l, t)
	c.rotateAt = s.opt.rotateAt(t, s.now())
	phase := t.Phase
	if phase == "" {
		phase = protocol.PhaseDialing
	}
	l.State(protocol.State{Phase: phase, URL: s.shownURL(t), Recovery: t.Recovery, Info: c.planInfo()})

	var err error
	switch t.Transport {
	case "", TransportWebSocket:
		c.w, err = s.dialWebSocket(ctx, c)
	case TransportLongPoll:
		c.w, err = s.openPoll(c)
	default:
		err = fmt.Errorf("unknown transport %q", t.Transport)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		st := protocol.State{Phase: protocol.PhaseDropped, Cause: err.Error(), URL: s.shownURL(t)}
		var rej *RejectedError
		var rt *Retryable
		switch {
		case errors.As(err, &rej):
			st.HTTPStatus, st.Info = rej.Status, headerInfo(rej.Header)
		case errors.As(err, &rt):
			st.HTTPStatus = rt.Status
		}
		l.State(st)
		return nil, err
	}
	if ws, ok := c.w.(*wsWire); ok {
		info := c.planInfo()
		if p := ws.ws.Subprotocol(); p != "" {
			if info == nil {
				info = map[string]string{}
			}
			info["subprotocol"] = Sanitize(p, 64)
		}
		l.State(protocol.State{Phase: protocol.PhaseUpgraded, URL: s.shownURL(t), Info: info})
	}
	c.watchWorking()
	l.c.Store(c)
	s.p.Opened(l)
	c.w.start()
	return c, nil
}

// planInfo tells the connection pane when the target expires and when
// its rotation is planned.
func (c *conn) planInfo() map[string]string {
	if c.t.ExpiresAt.IsZero() {
		return nil
	}
	info := map[string]string{"expires_at": c.t.ExpiresAt.UTC().Format(time.RFC3339)}
	if !c.rotateAt.IsZero() {
		info["rotates_at"] = c.rotateAt.UTC().Format(time.RFC3339)
	}
	return info
}
