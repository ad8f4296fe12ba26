package pubnub

import (
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session"
)

// The context pane is a State's Context, and every State is a row of
// the list and a phase of the connection pane. So it is published when
// something changes the story (a handshake, a resume, a renewal, a
// halt) and otherwise only to catch up with the poll and the cursor:
// once a poll has been in flight settleAfter, and at most every
// paneEvery, so a busy stream is not a column of state rows and a quiet
// one shows its held poll.
const (
	settleAfter = 2 * time.Second
	paneEvery   = 10 * time.Second
)

// publishPane publishes phase with the context pane. Caller holds mu.
func (p *Provider) publishPane(l session.Link, phase protocol.Phase, cause string) {
	if p.paneT != nil {
		p.paneT.Stop()
	}
	p.paneDue = time.Time{}
	p.paneAt = l.Now()
	l.State(protocol.State{Phase: phase, Cause: cause, Context: p.pane.Fields()})
	p.pane.Answered, p.pane.AnsweredSince = 0, time.Time{}
}

// paneState publishes the pane with the live phase, if the connection
// is live; otherwise the next phase the session publishes carries it.
func (p *Provider) paneState(cause string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.live && !p.ended {
		p.publishPane(p.link, protocol.PhaseLive, cause)
	}
}

// settle arranges for the pane to catch up with the poll: settleAfter
// into a poll, but no sooner than paneEvery after the last publication.
// A catch-up already due sooner stays. Caller holds mu.
func (p *Provider) settle(l session.Link) {
	if !p.live {
		return
	}
	at := p.pane.PollSince.Add(settleAfter)
	if next := p.paneAt.Add(paneEvery); next.After(at) {
		at = next
	}
	if !p.paneDue.IsZero() && !p.paneDue.After(at) {
		return
	}
	if p.paneT != nil {
		p.paneT.Stop()
	}
	p.paneDue = at
	p.paneT = time.AfterFunc(at.Sub(l.Now()), func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.paneDue = time.Time{}
		if p.live && !p.ended && !p.pane.PollSince.IsZero() && p.cursor != nil {
			p.publishPane(l, protocol.PhaseLive, "polling from "+p.cursor.String())
		}
	})
}
