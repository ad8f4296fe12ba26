package ringcentral

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/evtap/evtap/protocol"
	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/session"
)

// Receive acts on the message the decoder returned for a received frame.
// Events, gaps, subscription answers and heartbeats are already
// published by then (the decoder derived them); what is left is what to
// do next: take the connection as healthy, recover or subscribe, keep
// the recovery context, give up a bad token.
func (p *Provider) Receive(l session.Link, msg any) {
	switch m := msg.(type) {
	case *rc.WSC:
		p.mu.Lock()
		if l.Conn() == p.conn {
			p.keep(m)
		}
		p.mu.Unlock()
	case *rc.Greeting:
		p.onGreeting(l, m)
	case *rc.Answer:
		p.onAnswer(l, m)
	case *rc.ServerError:
		p.onServerError(l, m)
	}
}

// keep stores the recovery context the decoder says is the newest.
// Caller holds mu.
func (p *Provider) keep(w *rc.WSC) {
	if w != nil {
		p.wsc = w
	}
}

// onGreeting handles the connection's ConnectionDetails: the connection
// is accepted, and what follows depends on the recovery outcome.
func (p *Provider) onGreeting(l session.Link, g *rc.Greeting) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l.Conn() != p.conn {
		return // a frame read while the connection was being replaced
	}
	cd := g.Details
	p.keep(g.Keep)
	if cd.RecoveryTimeout > 0 {
		p.recovery = time.Duration(cd.RecoveryTimeout) * time.Second
	}
	if p.greeting != nil {
		p.greeting.Stop()
		p.greeting = nil
	}
	p.connected, p.lostAt = true, time.Time{}
	l.Healthy()

	rec := &protocol.Recovery{Outcome: cd.RecoveryState, ErrorCode: cd.RecoveryErrorCode,
		TimeoutSec: int(p.recovery / time.Second), BufferSize: cd.RecoveryBufferSize}
	if p.wsc != nil {
		rec.Token, rec.Sequence = p.wsc.Token, p.wsc.Sequence
	}
	l.State(protocol.State{Phase: protocol.PhaseConnected, Recovery: rec, Info: detailsInfo(cd)})

	if !g.NewSession {
		l.Working() // recovered: the backoff restarts from its first step
		st := protocol.State{Phase: protocol.PhaseRecovered, Recovery: rec}
		if n := g.Replay.Count(); n > 0 {
			st.Cause = fmt.Sprintf("the server replays notifications %d to %d from its buffer (%d), marked R", g.Replay.From+1, g.Replay.To, n)
		}
		l.State(st)
		if p.sub == nil || !slices.Equal(p.filters, p.subRequested) {
			p.subscribe(l)
			return
		}
		l.State(protocol.State{Phase: protocol.PhaseLive})
		return
	}
	if g.Presented || cd.RecoveryState != "" {
		l.State(protocol.State{Phase: protocol.PhaseRecoveryFailed, Recovery: rec, Cause: g.Cause})
	}
	p.sub, p.subRequested = nil, nil
	p.subscribe(l)
}

// detailsInfo lists ConnectionDetails' limits for the connection pane.
func detailsInfo(cd rc.ConnectionDetails) map[string]string {
	info := map[string]string{}
	put := func(k string, v int, unit string) {
		if v != 0 {
			info[k] = strconv.Itoa(v) + unit
		}
	}
	put("idle_timeout", cd.IdleTimeout, "s")
	put("absolute_timeout", cd.AbsoluteTimeout, "s")
	put("recovery_timeout", cd.RecoveryTimeout, "s")
	put("recovery_buffer", cd.RecoveryBufferSize, "")
	put("max_connections", cd.MaxConnectionsPerSession, "")
	put("max_active_requests", cd.MaxActiveRequests, "")
	if cd.CreationTime != "" {
		info["creation_time"] = cd.CreationTime
	}
	return info
}

// onServerError reports an Error frame. A WSG-400 means our wsc token is
// bad: forget it so the next connection starts a new session.
func (p *Provider) onServerError(l session.Link, e *rc.ServerError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keep(e.Keep)
	msg := fmt.Sprintf("server error %s (status %d): %s", e.Body.ErrorCode, e.Status, e.Body.Message)
	if e.Body.ErrorCode == rc.WSGBadContext {
		p.wsc = nil
		msg += "; the wsc token is dropped and the next connection starts a new session"
	}
	l.Emit(protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: "server", Message: msg}})
}
