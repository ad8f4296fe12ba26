package ringcentral

import (
	"fmt"
	"slices"
	"time"

	"github.com/evtap/evtap/protocol"
	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/session"
)

// subscribeRetry is the wait before asking again for a subscription the
// server never answered.
type subscribeRetry struct {
	attempt int // requests that went unanswered in a row on this connection
	timer   *time.Timer
}

func (r *subscribeRetry) stop() {
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
}

// subscribe sends POST /restapi/v1.0/subscription with the wanted
// filters; the decoder pairs the answer with it. A request with no
// answer within RequestTimeout is asked again after a backoff; after
// socketTries on one connection, on a new connection. So an unattended
// run ends up receiving. Caller holds mu.
func (p *Provider) subscribe(l session.Link) {
	p.retry.stop()
	id := newID()
	body := rc.SubscriptionRequest{EventFilters: p.filters, DeliveryMode: rc.DeliveryMode{TransportType: rc.TransportWebSocket}}
	f, err := rc.Encode(rc.Meta{Type: rc.TypeClientRequest, MessageID: id, Method: "POST", Path: rc.PathSubscription}, body)
	if err != nil {
		l.Emit(protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: "subscribe", Message: err.Error()}})
		return
	}
	p.pending[id] = slices.Clone(p.filters)
	if t := p.cfg.RequestTimeout; t > 0 {
		conn := p.conn
		time.AfterFunc(t, func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			if _, waiting := p.pending[id]; !waiting || p.conn != conn {
				return
			}
			delete(p.pending, id)
			p.unanswered(l, t)
		})
	}
	st := protocol.State{Phase: protocol.PhaseSubscribing, Cause: fmt.Sprintf("POST %s with %d filter(s)", rc.PathSubscription, len(p.filters))}
	if p.retry.attempt > 0 {
		st.Attempt = p.retry.attempt + 1
		st.Cause += fmt.Sprintf(" (attempt %d)", st.Attempt)
	}
	l.State(st)
	l.Send(f)
}

// socketTries is how many subscription requests may go unanswered on
// one connection before it is given up as wedged: the engine then
// reconnects with its backoff, and the new connection asks again.
const socketTries = 3

// unanswered schedules the next try after a request timed out, and says
// so in the connection pane. Caller holds mu.
func (p *Provider) unanswered(l session.Link, waited time.Duration) {
	if len(p.pending) > 0 {
		return // a later request is in flight; its answer decides
	}
	p.retry.attempt++
	if p.retry.attempt >= socketTries {
		l.Fail(fmt.Sprintf("%d subscription requests had no answer within %s each; reconnecting", p.retry.attempt, waited))
		return
	}
	d := p.cfg.SubscribeRetry.Delay(p.retry.attempt)
	st := protocol.State{Phase: protocol.PhaseConnected, Attempt: p.retry.attempt + 1, Delay: protocol.Millis(d), Until: l.Now().Add(d),
		Cause: fmt.Sprintf("no answer to the subscription request within %s; asking again in %s (attempt %d)",
			waited, d.Round(time.Millisecond), p.retry.attempt+1)}
	if p.sub != nil {
		st.Phase = protocol.PhaseLive
		st.Cause += "; the previous subscription stays in force"
	}
	l.State(st)
	conn := p.conn
	p.retry.timer = time.AfterFunc(d, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.conn != conn || !p.connected || len(p.pending) > 0 {
			return
		}
		p.retry.timer = nil
		p.subscribe(l)
	})
}

// onAnswer acts on the answer to a ClientRequest; the decoder has
// published what it says of the subscription.
func (p *Provider) onAnswer(l session.Link, a *rc.Answer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l.Conn() != p.conn {
		return
	}
	p.keep(a.Keep)
	if !a.Request.IsSubscription() || a.Subscription == nil {
		return
	}
	_, tracked := p.pending[a.Request.MessageID]
	delete(p.pending, a.Request.MessageID)
	if a.OK() {
		// Even an answer that came after its request timed out stands:
		// the server made the subscription.
		p.retry.stop()
		p.retry.attempt = 0
		p.sub, p.subRequested = a.Subscription, a.Request.Filters
		l.Working() // subscribed: the backoff restarts from its first step
		if len(p.pending) == 0 {
			l.State(protocol.State{Phase: protocol.PhaseLive})
		}
		return
	}
	if !tracked {
		return // a late refusal of a request already asked again
	}
	p.refused(l, a.Subscription.Error)
}

// refused reports a refused subscription; the previous one, if any, stays
// in force and becomes what is wanted again, so a later resubscribe does
// not repeat the refused filters. Caller holds mu.
func (p *Provider) refused(l session.Link, apiErr *protocol.APIError) {
	if len(p.pending) > 0 {
		return
	}
	if p.sub != nil {
		p.filters = slices.Clone(p.subRequested)
		l.State(protocol.State{Phase: protocol.PhaseLive, Cause: "new filters refused (" + apiErr.Error() + "); the previous subscription stays"})
		return
	}
	l.State(protocol.State{Phase: protocol.PhaseConnected, Cause: "subscription refused: " + apiErr.Error()})
}
