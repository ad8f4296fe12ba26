package session

import (
	"context"
	"errors"
	"fmt"
)

// pollWire is a long-poll "connection": a loop of HTTP requests, each
// built by the Provider's Poller, each published as a sent http frame
// and its answer as a received one, decoded and handed to Receive. There
// is no socket to keep alive and nothing to send: a poll the server
// holds for minutes is the normal state, bounded only by
// Options.PollTimeout, and no read deadline applies. A network error, a
// timed-out poll or an answer other than 2xx ends the connection as a
// drop with that cause (a 4xx as a *RejectedError, Where "poll" unless
// the request says otherwise).
type pollWire struct {
	c      *conn
	p      Poller
	ctx    context.Context
	cancel context.CancelFunc
}

func (s *Session) openPoll(c *conn) (wire, error) {
	p, ok := s.p.(Poller)
	if !ok {
		return nil, fmt.Errorf("the %s provider asked for a long-poll target but has no Poll method", s.p.Name())
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &pollWire{c: c, p: p, ctx: ctx, cancel: cancel}, nil
}

func (w *pollWire) start() {
	w.c.wg.Add(1)
	go w.loop()
}

func (w *pollWire) send([]byte) bool { return false }
func (w *pollWire) cut()             { w.cancel() }
func (w *pollWire) keepalive()       {}

// close has no handshake to make: the poll in flight is abandoned.
func (w *pollWire) close(int, string) { w.c.die(ending{cause: "closed by the client"}) }

func (w *pollWire) loop() {
	defer w.c.wg.Done()
	c := w.c
	for {
		c.pause()
		req, err := w.p.Poll(c.link)
		if c.isDead() {
			return
		}
		if err != nil {
			c.die(ending{cause: "poll: " + err.Error(), err: err})
			return
		}
		if req.Where == "" {
			req.Where = "poll"
		}
		resp, err := c.s.exchange(w.ctx, c.n, req, c.s.opt.PollTimeout)
		c.frames.Add(1)
		if c.isDead() {
			return // cut on purpose: the cause is already set
		}
		if resp != nil && resp.Msg != nil {
			c.s.p.Receive(c.link, resp.Msg)
		}
		if err != nil {
			cause := err.Error()
			var rej *RejectedError
			if errors.As(err, &rej) {
				cause = "poll refused: " + cause
			} else {
				cause = "poll failed: " + cause
			}
			c.die(ending{cause: cause, err: err})
			return
		}
	}
}
