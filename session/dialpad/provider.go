package dialpad

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/protocol/dialpad"
	"github.com/evtap/evtap/session"
)

// ProviderName is Event.Provider for Dialpad events.
const ProviderName = dialpad.ProviderName

// Provider is the Dialpad part of a session (session.Provider). Its
// state is guarded by mu; edits of the subscriptions run one at a time
// under edit, beside the connections.
type Provider struct {
	cfg Config
	dec *dialpad.Decoder

	edit sync.Mutex // one set-up or edit of the subscriptions at a time

	mu        sync.Mutex
	ws        string         // the websocket id; "" until created or found
	createdWS bool           // the session created it (and deletes it at the end)
	ready     bool           // the websocket and the asked-for subscriptions exist
	todo      []dialpad.Spec // asked for, not yet created
	subs      map[string]*sub
	order     []string     // keys of subs, in the order they appeared
	last      session.Link // the newest link, for edits made between connections
}

// sub is one subscription on the session's websocket, as the server last
// described it.
type sub struct {
	spec    dialpad.Spec
	created bool // by this session: deleted at the end
}

// NewProvider builds the Dialpad provider alone, for wiring it into
// session.New with custom options.
func NewProvider(cfg Config) *Provider {
	cfg = cfg.withDefaults()
	return &Provider{cfg: cfg, dec: dialpad.NewDecoder(dialpad.Config{Secret: cfg.Secret}),
		todo: append([]dialpad.Spec(nil), cfg.Subscribe...), subs: map[string]*sub{}}
}

// Name implements session.Provider.
func (p *Provider) Name() string { return ProviderName }

// Decoder implements session.Provider.
func (p *Provider) Decoder() protocol.Decoder { return p.dec }

// Prepare sets up the websocket and its subscriptions the first time,
// then fetches a fresh URL each time, and returns a Target that expires
// with the URL's token and rotates make-before-break.
func (p *Provider) Prepare(ctx context.Context, l session.Link) (session.Target, error) {
	p.mu.Lock()
	p.last = l
	ready, ws := p.ready, p.ws
	p.mu.Unlock()

	var w dialpad.WebsocketProto
	var err error
	if ready {
		l.State(protocol.State{Phase: protocol.PhaseToken, Cause: "GET " + dialpad.WebsocketPath(ws) + " for a fresh URL"})
		w, err = p.getWebsocket(ctx, l, ws)
		if status(err) == http.StatusNotFound && p.forgetGoneWebsocket(l, ws) {
			w, err = p.setUp(ctx, l)
		}
	} else {
		w, err = p.setUp(ctx, l)
	}
	if err != nil {
		return session.Target{}, err
	}
	return p.target(l, w.WebsocketURL), nil
}

// setUp creates (or finds) the websocket and the asked-for
// subscriptions, picking up where a failed attempt stopped, and returns
// the websocket with a fresh URL.
func (p *Provider) setUp(ctx context.Context, l session.Link) (dialpad.WebsocketProto, error) {
	p.edit.Lock()
	defer p.edit.Unlock()
	p.mu.Lock()
	ws := p.ws
	p.mu.Unlock()

	var w dialpad.WebsocketProto
	var err error
	switch {
	case ws == "" && p.cfg.Websocket == "":
		l.State(protocol.State{Phase: protocol.PhaseToken, Cause: "creating the websocket: POST " + dialpad.PathWebsockets})
		if w, err = p.createWebsocket(ctx, l); err != nil {
			return w, err
		}
		p.mu.Lock()
		p.ws, p.createdWS, ws = string(w.ID), true, string(w.ID)
		p.mu.Unlock()
	case ws == "":
		ws = p.cfg.Websocket
		l.State(protocol.State{Phase: protocol.PhaseToken, Cause: "reusing websocket " + ws + ": GET " + dialpad.WebsocketPath(ws)})
		if w, err = p.getWebsocket(ctx, l, ws); err != nil {
			return w, err
		}
		p.mu.Lock()
		p.ws = ws
		p.mu.Unlock()
		p.adoptAttached(ctx, l, ws)
	}

	for {
		p.mu.Lock()
		if len(p.todo) == 0 {
			p.ready = true
			p.mu.Unlock()
			break
		}
		s := p.todo[0]
		p.mu.Unlock()
		l.State(protocol.State{Phase: protocol.PhaseToken, Cause: "subscribing: " + s.String()})
		sp, err := p.saveSubscription(ctx, l, s, ws)
		if err != nil {
			return w, err
		}
		p.mu.Lock()
		p.todo = p.todo[1:]
		p.record(s.Type, &sp, s.ID == "")
		p.mu.Unlock()
	}
	if w.WebsocketURL == "" {
		l.State(protocol.State{Phase: protocol.PhaseToken, Cause: "GET " + dialpad.WebsocketPath(ws) + " for a fresh URL"})
		return p.getWebsocket(ctx, l, ws)
	}
	return w, nil
}

// adoptAttached lists the subscriptions a reused websocket already has,
// so that they are shown and can be edited. It is best effort: a list
// refused (a type that needs a company admin key) is shown and skipped.
func (p *Provider) adoptAttached(ctx context.Context, l session.Link, ws string) {
	for _, t := range dialpad.Types {
		items, _ := p.listAttached(ctx, l, t, ws)
		p.mu.Lock()
		for i := range items {
			p.record(t, &items[i], false)
		}
		p.mu.Unlock()
	}
}

// record keeps what the server said of a subscription. Caller holds mu.
func (p *Provider) record(t dialpad.Type, sp *dialpad.SubscriptionProto, created bool) {
	k := dialpad.SubscriptionKey(t, string(sp.ID))
	if s, ok := p.subs[k]; ok {
		s.spec = dialpad.SpecOf(t, sp)
		return
	}
	p.subs[k] = &sub{spec: dialpad.SpecOf(t, sp), created: created}
	p.order = append(p.order, k)
}

// drop forgets a subscription that was deleted. Caller holds mu.
func (p *Provider) drop(k string) {
	delete(p.subs, k)
	for i, o := range p.order {
		if o == k {
			p.order = append(p.order[:i], p.order[i+1:]...)
			return
		}
	}
}

// forgetGoneWebsocket handles a websocket the server no longer knows: one
// the session created is created again with the same subscriptions (it
// reports true); one it was given is an error to retry.
func (p *Provider) forgetGoneWebsocket(l session.Link, ws string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.createdWS || p.ws != ws {
		return false
	}
	var again []dialpad.Spec
	for _, k := range p.order {
		s := p.subs[k]
		if s.created {
			c := s.spec
			c.ID = ""
			again = append(again, c)
		}
	}
	l.Emit(protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: "prepare",
		Message: fmt.Sprintf("websocket %s is gone (404): creating a new one with the %d subscription(s) this session created", ws, len(again))}})
	p.ws, p.createdWS, p.ready = "", false, false
	p.todo = append(again, p.todo...)
	p.subs, p.order = map[string]*sub{}, nil
	return true
}

// target is what to dial for websocket URL u: it expires when its token
// does and rotates make-before-break before that. The context pane gets
// the token decoded and the planned rotation.
func (p *Provider) target(l session.Link, u string) session.Target {
	now := l.Now()
	raw, err := dialpad.TokenFromURL(u)
	var tok dialpad.Token
	if err == nil {
		tok, err = dialpad.DecodeToken(raw)
	}
	expires := expiry(tok, err, now)
	life := expires.Sub(now)
	lead := p.cfg.lead(life)
	rotates := expires.Add(-lead)
	if half := now.Add(life / 2); rotates.Before(half) {
		rotates = half // the engine never rotates before half the lifetime
	}

	cause := "fresh URL: " + tok.Scope.Describe() + ", expires in " + life.Round(time.Second).String()
	if err != nil {
		cause = "fresh URL (token opaque: " + err.Error() + ")"
	}
	l.State(protocol.State{Phase: protocol.PhaseToken, Cause: cause, URL: dialpad.MaskURL(u),
		Context: dialpad.TokenFields(tok, err, expires, rotates)})
	return session.Target{
		URL:             u,
		Masked:          dialpad.MaskURL(u),
		ExpiresAt:       expires,
		RotateLead:      lead,
		MakeBeforeBreak: true,
		// Dialpad's own sample reconnects from onclose: any close the
		// server sends means "get a fresh URL", not a failure.
		ReplaceOnClose: func(int, string) bool { return true },
	}
}

// expiry is when the session takes a URL token to expire, on its own
// clock: the token's exp, unless the server's clock is ahead (exp is
// further than the token's lifetime from now: then now + lifetime) or
// the token is already expired by this clock (behind: now + lifetime).
// exp rather than now + lifetime in the normal case, because iat is in
// whole seconds: a 2-second token issued at .9 s lives 1.1 s.
func expiry(tok dialpad.Token, err error, now time.Time) time.Time {
	if err != nil || tok.ExpiresAt.IsZero() {
		return now.Add(dialpad.DefaultLifetime)
	}
	exp := tok.ExpiresAt
	if life := tok.Lifetime(); life > 0 {
		if late := now.Add(life); exp.After(late) || !exp.After(now) {
			exp = late
		}
	} else if !exp.After(now) {
		exp = now.Add(dialpad.DefaultLifetime)
	}
	return exp
}

// Opened reports the connection live: the socket is receive-only, and a
// valid token is all it needs.
func (p *Provider) Opened(l session.Link) {
	l.Healthy()
	l.State(protocol.State{Phase: protocol.PhaseLive, Cause: "receive-only socket"})
}

// Receive is told each event the Decoder read: the connection delivers,
// so the backoff restarts.
func (p *Provider) Receive(l session.Link, msg any) {
	if _, ok := msg.(dialpad.Delivered); ok {
		l.Working()
	}
}

// Heartbeat sends nothing: the client has nothing to say on this socket;
// the engine's pings keep it alive.
func (p *Provider) Heartbeat(session.Link) []byte { return nil }

// Lost needs nothing: the next Prepare fetches a fresh URL.
func (p *Provider) Lost(time.Time) {}
