package voipbin

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/evtap/evtap/protocol"
	vb "github.com/evtap/evtap/protocol/voipbin"
	"github.com/evtap/evtap/session"
)

// ProviderName is Event.Provider for VoIPBin events.
const ProviderName = vb.ProviderName

// Provider is the VoIPBin part of a session (session.Provider). Its state
// is guarded by mu: the engine calls it from Run's goroutine, the reader
// and the writer. The keepalive has its own lock (see keepalive).
type Provider struct {
	cfg  Config
	base string
	dec  *vb.Decoder
	ka   keepalive

	mu        sync.Mutex
	token     string // the JWT in use, from the config or a login
	claims    *vb.Claims
	cred      vb.Credential
	topics    []string // what the operator wants
	confirmed []string // the last set a connection went live with
	pending   *change  // a subscription the quiet delay has not confirmed yet

	conn    int
	link    session.Link // the open connection's, kept to report after its drop
	open    bool
	phase   protocol.Phase // what the provider last reported, and why
	cause   string
	context []protocol.Field
}

// change is a subscribe the server has not been seen to accept: it
// accepts by saying nothing for QuietDelay.
type change struct {
	prev, next []string
	sent       time.Time // monotonic: a delay, not a wall time
	edit       bool      // a live edit of the topics (not a connection's first subscribe)
}

// NewProvider builds the VoIPBin provider alone, for wiring it into
// session.New with custom options (use its Options). It checks the
// configuration first: see Config.
func NewProvider(cfg Config) (*Provider, error) {
	cfg = cfg.withDefaults()
	base, cred, claims, err := cfg.check()
	if err != nil {
		return nil, err
	}
	p := &Provider{cfg: cfg, base: base, dec: vb.NewDecoder(), token: cfg.Token, claims: claims, cred: cred,
		topics: cleanTopics(cfg.Topics)}
	p.ka.interval = cfg.ServerPingInterval
	if len(p.topics) == 0 {
		p.topics = vb.DefaultTopics(cred)
	}
	return p, nil
}

// Name implements session.Provider.
func (p *Provider) Name() string { return ProviderName }

// Credential is what is known of the identity topics are checked
// against; it is complete once a login has happened.
func (p *Provider) Credential() vb.Credential {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cred
}

// Decoder implements session.Provider: VoIPBin's decoder, watched for
// the server's pings on the way.
func (p *Provider) Decoder() protocol.Decoder {
	return protocol.DecoderFunc(func(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
		p.ka.observe(u)
		return p.dec.Decode(dst, u, raw)
	})
}

// Prepare logs in when the credential is a username and password (once,
// and again when the token's expire has passed), then says what to dial.
func (p *Provider) Prepare(ctx context.Context, l session.Link) (session.Target, error) {
	p.mu.Lock()
	p.conn, p.open, p.pending, p.link = l.Conn(), false, nil, nil
	needLogin := p.cfg.Username != "" && (p.token == "" || p.expired(l.Now()))
	p.mu.Unlock()
	if needLogin {
		l.State(protocol.State{Phase: protocol.PhaseToken, URL: p.base + vb.PathLogin, Cause: "POST " + vb.PathLogin + " as " + session.Sanitize(p.cfg.Username, 80)})
		tok, err := p.login(ctx, l)
		if err != nil {
			return session.Target{}, err
		}
		if err := p.useToken(tok); err != nil {
			return session.Target{}, err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	u := vb.SocketURL(p.base, p.token, p.cfg.AccessKey)
	return session.Target{URL: u, Masked: session.MaskQuery(u, "token", "accesskey"), Phase: protocol.PhaseDialing}, nil
}

// useToken takes a JWT from login: its claims say who we are, so the
// topics can now be checked (or chosen) for it.
func (p *Provider) useToken(tok string) error {
	cl, err := vb.DecodeJWT(tok)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.token = tok
	if err != nil {
		p.claims, p.cred = nil, vb.Credential{}
	} else {
		p.claims, p.cred = &cl, vb.CredentialOf(cl)
	}
	if len(p.topics) == 0 {
		p.topics = vb.DefaultTopics(p.cred)
	}
	if err := vb.ValidateTopics(p.topics, p.cred); err != nil {
		return &session.RejectedError{Where: "topics", Local: true, Message: err.Error() + " (nothing was sent)"}
	}
	return nil
}

// expired reports a token whose expire claim has passed. Caller holds mu.
func (p *Provider) expired(now time.Time) bool {
	if p.claims == nil {
		return false
	}
	t, ok := p.claims.ExpireTime()
	return ok && !now.Before(t)
}

// Opened subscribes every topic in one frame: the server kept none from
// any earlier connection.
func (p *Provider) Opened(l session.Link) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conn, p.link, p.open = l.Conn(), l, true
	if len(p.topics) == 0 {
		p.live(l, "no topics to subscribe")
		return
	}
	p.pending = &change{prev: p.confirmed, next: slices.Clone(p.topics), sent: time.Now()}
	l.Send(vb.Subscribe(p.topics))
	p.report(l, protocol.PhaseSubscribing, fmt.Sprintf("subscribe sent with %d topic(s); VoIPBin never acknowledges, so the connection counts as live once it survives %s", len(p.topics), p.cfg.QuietDelay))
}

// live confirms the connection: subscribed and surviving, as close to
// proof that events flow as VoIPBin gives. Caller holds mu.
func (p *Provider) live(l session.Link, cause string) {
	l.Working()
	p.report(l, protocol.PhaseLive, cause)
}

// report publishes a phase with the context pane's fields. Caller holds
// mu.
func (p *Provider) report(l session.Link, phase protocol.Phase, cause string) {
	p.phase, p.cause = phase, cause
	p.context = p.contextFields(l.Now())
	l.State(protocol.State{Phase: phase, Cause: cause, Context: p.context})
}

// Receive implements session.Provider; the decoder never hands it
// anything, since nothing VoIPBin sends needs an answer.
func (p *Provider) Receive(session.Link, any) {}

// Heartbeat sends nothing (VoIPBin has no keepalive frame; the engine
// answers the server's pings). It is the provider's tick on the writer:
// the quiet delay after a subscribe ends here, and the keepalive context
// is refreshed when it changed.
func (p *Provider) Heartbeat(l session.Link) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.open || l.Conn() != p.conn {
		return nil
	}
	if c := p.pending; c != nil && time.Since(c.sent) >= p.cfg.QuietDelay {
		p.pending, p.confirmed = nil, c.next
		cause := fmt.Sprintf("the connection survived %s after the subscribe: the server accepted the topics", p.cfg.QuietDelay)
		if c.edit {
			cause = fmt.Sprintf("the connection survived %s after the topic change: the server accepted it", p.cfg.QuietDelay)
		}
		p.live(l, cause)
		return nil
	}
	if f := p.contextFields(l.Now()); !slices.EqualFunc(f, p.context, sameField) {
		p.context = f
		l.State(protocol.State{Phase: p.phase, Cause: p.cause, Context: f}) // a State replaces the last one whole
	}
	return nil
}

func sameField(a, b protocol.Field) bool { return a == b }

// Lost blames a drop without a close frame inside the quiet delay on the
// subscribe that started it: VoIPBin refuses a topic that way (A3). After
// a live edit the previous topics come back for the next connection.
func (p *Provider) Lost(at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, l := p.pending, p.link
	p.open, p.pending, p.phase, p.cause = false, nil, "", ""
	if c == nil || l == nil || !vb.NoCloseFrame(p.ka.lastDropCode()) {
		return
	}
	msg := fmt.Sprintf("the server dropped the connection without a close frame %s after the subscribe of %s, before it counted as live: VoIPBin drops a connection that subscribes a topic it refuses (permission, customer or agent id), with no message",
		time.Since(c.sent).Round(time.Millisecond), listTopics(c.next))
	if c.edit {
		p.topics = slices.Clone(c.prev)
		msg += "; the previous topics " + listTopics(c.prev) + " are subscribed again on reconnect"
	}
	l.Emit(protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: "subscribe", Message: msg}})
}

// SetFilters replaces the topics. They are validated first: nothing is
// sent when one would be refused. On an open connection the removed ones
// are unsubscribed and the added ones subscribed; otherwise the next
// connection subscribes them.
func (p *Provider) SetFilters(l session.Link, filters []string) error {
	topics := cleanTopics(filters)
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := vb.ValidateTopics(topics, p.cred); err != nil {
		return fmt.Errorf("topics not changed: %w", err)
	}
	if l == nil || !p.open || l.Conn() != p.conn {
		p.topics = topics
		return nil
	}
	var added, removed []string
	for _, t := range topics {
		if !slices.Contains(p.topics, t) {
			added = append(added, t)
		}
	}
	for _, t := range p.topics {
		if !slices.Contains(topics, t) {
			removed = append(removed, t)
		}
	}
	if len(added) == 0 && len(removed) == 0 {
		return nil
	}
	// What to go back to if this edit is refused: the last set a
	// connection went live with; on a connection not yet live, the set
	// it was opened with, which nothing has refused either.
	prev := p.confirmed
	if c := p.pending; c != nil {
		prev = c.prev
		if prev == nil && !c.edit {
			prev = c.next
		}
	}
	p.topics = topics
	if len(removed) > 0 {
		l.Send(vb.Unsubscribe(removed))
	}
	if len(added) == 0 {
		// Unsubscribing topics the server accepted cannot be refused.
		if p.pending == nil {
			p.confirmed = slices.Clone(topics)
		} else {
			p.pending.next = slices.Clone(topics)
		}
		return nil
	}
	l.Send(vb.Subscribe(added))
	p.pending = &change{prev: slices.Clone(prev), next: slices.Clone(topics), sent: time.Now(), edit: true}
	p.report(l, protocol.PhaseSubscribing, fmt.Sprintf("subscribed %d and unsubscribed %d topic(s); live again once the connection survives %s (VoIPBin never acknowledges)", len(added), len(removed), p.cfg.QuietDelay))
	return nil
}

// listTopics names a topic set for a message.
func listTopics(ts []string) string {
	if len(ts) == 0 {
		return "[] (none)"
	}
	return "[" + strings.Join(ts, ", ") + "]"
}

// contextFields are the context pane, keepalive first (its title): the
// server's pings and the pong deadline, then the credential, the token's
// expiry (never checked on an open socket, A2) and how liveness is
// judged. Caller holds mu.
func (p *Provider) contextFields(now time.Time) []protocol.Field {
	f := p.ka.fields(now, p.cfg.PongTimeout)
	cred := "JWT"
	switch {
	case p.cfg.AccessKey != "":
		cred = "access key " + keyPrefix(p.cfg.AccessKey)
	case p.cfg.Username != "":
		cred = "login " + session.Sanitize(p.cfg.Username, 60)
	}
	if role := p.cred.Role(); role != "" && p.cred.Kind != vb.CredentialAccessKey {
		cred += " · " + role
	}
	f = append(f, protocol.Field{Label: "Credential", Value: cred})
	if p.claims != nil {
		if t, ok := p.claims.ExpireTime(); ok {
			f = append(f, protocol.Field{Label: "Token expires", At: t})
		}
	}
	if p.cred.CustomerID != "" {
		f = append(f, protocol.Field{Label: "Customer", Value: session.Sanitize(p.cred.CustomerID, 40)})
	}
	if p.cred.AgentID != "" {
		f = append(f, protocol.Field{Label: "Agent", Value: session.Sanitize(p.cred.AgentID, 40)})
	}
	return append(f, protocol.Field{Label: "Acknowledged", Value: fmt.Sprintf("never: live after %s of quiet", p.cfg.QuietDelay)})
}

// keyPrefix shows as much of an access key as VoIPBin itself shows
// (its token_prefix), never the key.
func keyPrefix(k string) string {
	if len(k) > 7 {
		return session.Sanitize(k[:7], 7) + "…"
	}
	return "vb_…"
}
