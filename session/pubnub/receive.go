package pubnub

import (
	"strconv"
	"time"

	"github.com/evtap/evtap/protocol"
	pn "github.com/evtap/evtap/protocol/pubnub"
	"github.com/evtap/evtap/session"
)

// Receive implements session.Provider: it acts on the decoder's
// *pn.PollAnswer for each subscribe answered. The events, gaps and
// subscription Updates are already published by then.
func (p *Provider) Receive(l session.Link, msg any) {
	a, ok := msg.(*pn.PollAnswer)
	if !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if l.Conn() != p.conn {
		return // an answer to a connection already replaced
	}
	switch {
	case a.OK:
		c := a.Cursor
		p.cursor, p.pane.Cursor = &c, &c
		p.probe = false
		if now := l.Now(); !p.pane.PollSince.IsZero() && now.Sub(p.pane.PollSince) < settleAfter {
			if p.pane.Answered == 0 {
				p.pane.AnsweredSince = p.pane.PollSince
			}
			p.pane.Answered++
		}
		if p.live {
			return
		}
		p.live = true
		l.Working() // subscribed and answered: the backoff starts again from its first step
		cause := "handshake answered (" + string(pn.CategoryConnected) + "): cursor " + c.String()
		resumed := false
		switch {
		case p.moved != "" && len(a.Channels) > 0:
			cause = "now polling channel " + a.Channels[0] + " from the last timetoken"
		case a.Resumed || !a.Handshake:
			cause, resumed = "resumed from the last timetoken ("+string(pn.CategoryReconnected)+")", true
		}
		if a.CatchUp > 0 {
			cause += ": " + strconv.Itoa(a.CatchUp) + " notification(s) caught up from PubNub's queue, marked R"
		}
		if resumed {
			// PubNub's recovery: what it still queued came back. Whether
			// it held everything is the decoder's to say (a gap).
			l.State(protocol.State{Phase: protocol.PhaseRecovered, Cause: cause})
		}
		p.moved = ""
		p.pane.Poll = ""
		p.publishPane(l, protocol.PhaseLive, cause)
	case p.moving:
		// the poll this connection's replacement cut short
	case a.Failure != nil && a.Failure.Category.Permanent():
		p.live, p.halted = false, true
		p.pane.PollSince = time.Time{}
		p.pane.Poll = "stopped: " + string(a.Failure.Category) + " (HTTP " + strconv.Itoa(a.Failure.Status) + "); resume to poll again"
		l.Halt(&session.HaltError{Status: a.Failure.Status, Context: p.pane.Fields(),
			Cause: "PubNub refused the subscribe — " + a.Failure.Meaning() + ": " + a.Failure.Error()})
	case a.Failure != nil:
		if a.HTTPStatus/100 == 2 {
			// The engine sees a success; polling the same cursor at
			// once would spin.
			l.Fail("subscribe: " + a.Failure.Error())
		}
	}
}
