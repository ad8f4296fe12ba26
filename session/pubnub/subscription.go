package pubnub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/evtap/evtap/protocol"
	pn "github.com/evtap/evtap/protocol/pubnub"
	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/session"
)

// call makes one subscription call with the access token, through the
// engine's REST helper (so it is an http frame the decoder reads), and
// returns what the decoder made of the answer. A 401 gets a fresh token
// and one more try.
func (p *Provider) call(ctx context.Context, l session.Link, where, method, path string, body []byte) (*pn.SubscriptionAnswer, error) {
	for try := 0; ; try++ {
		scheme, tok, err := p.auth.Token(ctx, l, try > 0)
		if err != nil {
			return nil, err
		}
		resp, err := l.REST(ctx, session.Request{Where: where, Method: method, URL: server(p.cfg) + path, Header: p.auth.Header(scheme, tok), Body: body})
		var a *pn.SubscriptionAnswer
		if resp != nil {
			a, _ = resp.Msg.(*pn.SubscriptionAnswer)
		}
		var rej *session.RejectedError
		if errors.As(err, &rej) && rej.Status == http.StatusUnauthorized && try == 0 {
			continue
		}
		if err == nil && (a == nil || !a.OK()) {
			why := "the answer could not be read"
			if a != nil {
				why = a.Invalid
			}
			err = &session.Retryable{Status: resp.Status, Err: errors.New(where + ": " + why)}
		}
		return a, err
	}
}

// create asks for a new subscription with PubNub delivery; why, when
// set, says why another is needed. The phases are published from
// Prepare, and for a re-creation while polling; a re-creation during a
// backoff leaves the pane to the engine. Caller holds rest.
func (p *Provider) create(ctx context.Context, l session.Link, why string, preparing bool) error {
	p.mu.Lock()
	filters, live := p.filters, p.live
	p.mu.Unlock()
	if preparing {
		l.State(protocol.State{Phase: protocol.PhaseToken, URL: server(p.cfg) + rc.PathToken})
	}
	dm := rc.DeliveryMode{TransportType: rc.TransportPubNub}
	if p.cfg.Encrypt {
		on := true
		dm.Encryption = &on
	}
	body, _ := json.Marshal(rc.SubscriptionRequest{EventFilters: filters, DeliveryMode: dm, ExpiresIn: p.cfg.ExpiresIn})
	cause := fmt.Sprintf("POST %s with %d filter(s), PubNub delivery", rc.PathSubscription, len(filters))
	if why != "" {
		cause = why + ": " + cause
	}
	if preparing || live {
		l.State(protocol.State{Phase: protocol.PhaseSubscribing, URL: server(p.cfg) + rc.PathSubscription, Cause: cause})
	}
	a, err := p.call(ctx, l, "subscribe", http.MethodPost, rc.PathSubscription, body)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.history(l, http.MethodPost, a, err, "")
	if err != nil {
		return err
	}
	p.apply(a)
	p.startRenewing()
	return nil
}

// renew sends PUT {eventFilters} (the SDKs' renewal, which carries new
// filters too). Caller holds rest.
func (p *Provider) renew(ctx context.Context, l session.Link) (*pn.SubscriptionAnswer, error) {
	p.mu.Lock()
	id, filters := p.sub.id, p.filters
	p.refilt = false
	p.mu.Unlock()
	body, _ := json.Marshal(struct {
		EventFilters []string `json:"eventFilters"`
		ExpiresIn    int      `json:"expiresIn,omitempty"`
	}{filters, p.cfg.ExpiresIn})
	a, err := p.call(ctx, l, "renew", http.MethodPut, rc.PathSubscription+"/"+id, body)
	p.mu.Lock()
	defer p.mu.Unlock()
	note := ""
	if a != nil && a.Moved {
		note = "channel moved"
	} else if a != nil && a.Rotated {
		note = "key rotated"
	}
	p.history(l, http.MethodPut, a, err, note)
	switch {
	case a != nil && a.Gone:
		p.gone = true
	case err != nil:
		p.refilt = p.refilt || !slices.Equal(filters, p.filters)
	default:
		p.apply(a)
	}
	return a, err
}

// apply takes a subscription the server granted. Caller holds mu.
func (p *Provider) apply(a *pn.SubscriptionAnswer) {
	dm := a.Info.DeliveryMode
	p.sub = &subState{id: a.Info.ID, channel: dm.Address, subKey: dm.SubscriberKey, exp: a.Expires}
	p.gone = false
	p.pane.Channel, p.pane.SubKey, p.pane.Key = dm.Address, dm.SubscriberKey, a.Key
	p.pane.Expires, p.pane.NextRenew = a.Expires, pn.RenewAt(a.Expires)
}

// history adds a subscription call's outcome to the renew history.
// Caller holds mu.
func (p *Provider) history(l session.Link, method string, a *pn.SubscriptionAnswer, err error, note string) {
	r := pn.Renewal{At: l.Now(), Method: method, Note: note}
	if a != nil {
		r.Status = a.Status
		if a.Err != nil {
			r.Code = a.Err.Code
		}
	} else {
		var rej *session.RejectedError
		var rt *session.Retryable
		switch {
		case errors.As(err, &rej):
			r.Status, r.Code = rej.Status, rej.Code
		case errors.As(err, &rt):
			r.Status = rt.Status
		}
	}
	p.pane.Renewals = append(p.pane.Renewals, r)
	if n := len(p.pane.Renewals); n > maxHistory {
		p.pane.Renewals = append(p.pane.Renewals[:0:0], p.pane.Renewals[n-maxHistory:]...)
	}
}

// maxHistory bounds the renew history kept.
const maxHistory = 32

// startRenewing starts the renew tick once. Caller holds mu.
func (p *Provider) startRenewing() {
	if p.stop != nil || p.ended {
		return
	}
	p.calls, p.stop = context.WithCancel(context.Background())
	go p.renewLoop(p.calls)
}

// renewLoop looks at the subscription every RenewTick, as the SDKs do.
func (p *Provider) renewLoop(ctx context.Context) {
	t := time.NewTicker(p.cfg.RenewTick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			p.tick(ctx)
		}
	}
}

// tick renews a subscription that is due: PUT while it has not expired,
// a new POST once it has (the SDKs' rule). A call still in flight from
// the last tick is left to finish, as @ringcentral/subscriptions guards.
func (p *Provider) tick(ctx context.Context) {
	if !p.rest.TryLock() {
		return
	}
	defer p.rest.Unlock()
	p.mu.Lock()
	// Halted, it still renews, as the SDKs do after PubNub refused them:
	// the subscription is there when the operator resumes.
	if p.ended || p.sub == nil {
		p.mu.Unlock()
		return
	}
	action := pn.Due(p.cfg.Now(), p.sub.exp)
	if p.gone {
		action = pn.Create
	}
	l, refilt := p.link, p.refilt
	p.mu.Unlock()
	if action == pn.Keep && !refilt {
		return
	}
	if action == pn.Create {
		p.recreate(ctx, l, "the subscription expired before it was renewed")
		return
	}
	p.renewAndFollow(ctx, l)
}

// renewAndFollow renews, and follows what the answer says: a moved
// channel is polled at once; a subscription found gone is created anew
// (where the SDKs go silent); any other failure is reported, and the
// next tick tries again while the subscription lasts. Caller holds rest.
func (p *Provider) renewAndFollow(ctx context.Context, l session.Link) {
	a, err := p.renew(ctx, l)
	switch {
	case a != nil && a.Gone:
		l.Emit(protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: "renew",
			Message: "PUT answered 404 (" + a.Err.Error() + "): the subscription is gone. The official SDKs stop here (reset(), no retry, notifications end); evtap creates a new one"}})
		p.recreate(ctx, l, "the renewal found the subscription gone")
	case err != nil:
		p.mu.Lock()
		exp := p.sub.exp
		p.mu.Unlock()
		l.Emit(protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: "renew",
			Message: err.Error() + "; the subscription stands until " + exp.Local().Format("15:04:05") + " and the next tick tries again (the official SDKs would drop it here)"}})
	case a.Moved:
		p.follow("the renewal moved the subscription to channel " + a.Info.DeliveryMode.Address)
	default:
		p.paneState("subscription renewed (PUT " + fmt.Sprint(a.Status) + "): expires " + a.Expires.Local().Format("15:04:05"))
	}
}

// recreate creates a new subscription in place of one that was lost and
// moves the poll to its channel. Caller holds rest.
func (p *Provider) recreate(ctx context.Context, l session.Link, why string) {
	if err := p.create(ctx, l, why, false); err != nil {
		l.Emit(protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: "subscribe",
			Message: "re-creating the subscription: " + err.Error() + "; the next tick tries again"}})
		return
	}
	p.follow(why + "; polling the new subscription's channel")
}

// follow replaces the poll in flight with one on the subscription's
// channel now, from the same cursor.
func (p *Provider) follow(why string) {
	p.mu.Lock()
	cur, open := p.link, p.link != nil && p.live
	p.moving = open
	p.moved = why
	p.mu.Unlock()
	if open {
		cur.Replace(why)
	}
}

// timeProbe asks /time/0 before resuming after a poll that had no
// answer, as the 4.x clients' reconnection manager does: while PubNub
// does not answer, the backoff goes on.
func (p *Provider) timeProbe(ctx context.Context, l session.Link) error {
	u, err := pn.TimeURL(p.cfg.Origin, p.cfg.UUID, pn.PNSDK)
	if err != nil {
		return err
	}
	if _, err := l.REST(ctx, session.Request{Where: "time", URL: u}); err != nil {
		return err
	}
	p.mu.Lock()
	p.probe = false
	p.mu.Unlock()
	return nil
}
