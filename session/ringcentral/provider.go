package ringcentral

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/evtap/evtap/protocol"
	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/session"
)

// ProviderName is Event.Provider for RingCentral events.
const ProviderName = rc.ProviderName

// Provider is the RingCentral part of a session (session.Provider). It
// acts on what its decoder (protocol/ringcentral.Decoder) reads: the
// decoder derives every event, gap, subscription and heartbeat Update;
// the provider decides what to send and when, and reports the phases.
// All its state is guarded by mu: the engine calls it from Run's
// goroutine, the reader and the writer.
type Provider struct {
	cfg Config

	auth *Auth // the OAuth access token, shared by every connection

	mu sync.Mutex

	wsc      *rc.WSC   // the recovery context to present, as the decoder keeps it
	lostAt   time.Time // when the connection that wsc belongs to was lost
	recovery time.Duration

	filters      []string               // what the operator wants
	sub          *protocol.Subscription // the subscription in force, nil if none
	subRequested []string               // the filters that produced sub

	conn      int // connection the per-connection state below belongs to
	connected bool
	pending   map[string][]string // subscription requests in flight: messageId -> filters
	greeting  *time.Timer
	retry     subscribeRetry
}

// NewProvider builds the RingCentral provider alone, for wiring it into
// session.New with custom options.
func NewProvider(cfg Config) *Provider {
	cfg = cfg.withDefaults()
	auth := &Auth{Server: trimServer(cfg.Server), ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, JWT: cfg.JWT, Now: cfg.Now}
	return &Provider{cfg: cfg, auth: auth, filters: CleanFilters(cfg.Filters), recovery: defaultRecoveryTimeout}
}

// Name implements session.Provider.
func (p *Provider) Name() string { return ProviderName }

// Decoder implements session.Provider: RingCentral's decoder, the same
// one replay and import run.
func (p *Provider) Decoder() protocol.Decoder { return rc.NewDecoder() }

// Prepare gets a fresh ws token and decides whether this connection
// recovers: only with a stored wsc and within recoveryTimeout of the
// drop, as the documents say.
func (p *Provider) Prepare(ctx context.Context, l session.Link) (session.Target, error) {
	l.State(protocol.State{Phase: protocol.PhaseToken, URL: strings.TrimRight(p.cfg.Server, "/") + rc.PathWSToken})
	wt, err := p.wsToken(ctx, l)
	if err != nil {
		return session.Target{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.resetConn(l.Conn())
	now := l.Now()
	recovering := p.wsc != nil && !p.lostAt.IsZero() && now.Sub(p.lostAt) < p.recovery
	var token string
	t := session.Target{Phase: protocol.PhaseDialing}
	if recovering {
		w := *p.wsc
		token = w.Token
		t.Phase = protocol.PhaseRecovering
		t.Recovery = &protocol.Recovery{Token: w.Token, Sequence: w.Sequence, TimeoutSec: int(p.recovery / time.Second)}
	} else {
		p.wsc = nil // a token we will not present: the new session's replaces it
	}
	u, err := rc.SocketURL(wt.URI, wt.WSAccessToken, token)
	if err != nil {
		return session.Target{}, &session.Retryable{Err: fmt.Errorf("wstoken: %w", err)}
	}
	t.URL, t.Masked = u, session.MaskQuery(u, "access_token", "wsc")
	return t, nil
}

// resetConn clears per-connection state. Caller holds mu.
func (p *Provider) resetConn(n int) {
	p.conn, p.connected = n, false
	p.pending = map[string][]string{}
	p.retry.stop()
	p.retry.attempt = 0
	if p.greeting != nil {
		p.greeting.Stop()
		p.greeting = nil
	}
}

// Opened starts the wait for ConnectionDetails; the client sends
// nothing before it.
func (p *Provider) Opened(l session.Link) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cfg.GreetingTimeout <= 0 {
		return
	}
	n := l.Conn()
	p.greeting = time.AfterFunc(p.cfg.GreetingTimeout, func() {
		p.mu.Lock()
		waiting := p.conn == n && !p.connected
		p.mu.Unlock()
		if waiting {
			l.Fail(fmt.Sprintf("no ConnectionDetails within %s of the upgrade", p.cfg.GreetingTimeout))
		}
	})
}

// Lost remembers when the session's connection went away, for the
// recovery window, and forgets what was in flight.
func (p *Provider) Lost(at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.connected && p.lostAt.IsZero() {
		p.lostAt = at
	}
	p.resetConn(p.conn)
}

// Heartbeat builds the Heartbeat frame; the decoder times its echo.
// Nothing is sent before ConnectionDetails, as the documents ask.
func (p *Provider) Heartbeat(l session.Link) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.connected || l.Conn() != p.conn {
		return nil
	}
	f, err := rc.Encode(rc.Meta{Type: rc.TypeHeartbeat, MessageID: newID()}, nil)
	if err != nil {
		return nil
	}
	return f
}

// SetFilters replaces the subscription: at once on a connected socket
// (a second POST replaces the first), else at the next subscribe.
func (p *Provider) SetFilters(l session.Link, filters []string) error {
	filters = CleanFilters(filters)
	if len(filters) == 0 {
		return fmt.Errorf("set_filters: at least one event filter is needed")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.filters = filters
	if l != nil && p.connected && l.Conn() == p.conn {
		p.subscribe(l)
	}
	return nil
}

// CleanFilters trims filters and drops empty ones, as every transport
// takes them from a command line or the editor.
func CleanFilters(in []string) []string {
	var out []string
	for _, f := range in {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// newID makes a messageId: a random UUID, the form the server uses.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
