package voipbin

import (
	"errors"
	"net/http"
	"strings"
	"time"

	vb "github.com/evtap/evtap/protocol/voipbin"
	"github.com/evtap/evtap/session"
)

// DefaultQuietDelay is how long a connection must survive its subscribe
// frame to count as live: the server validates topics at once and drops
// the connection on a bad one (A3), and never acknowledges a good one.
const DefaultQuietDelay = time.Second

// Server keepalive (A9): a ping every 10 s, and a client that sends no
// pong for 60 s is dropped.
const (
	DefaultServerPingInterval = 10 * time.Second
	DefaultPongTimeout        = 60 * time.Second
)

// defaultPingInterval is how often evtap pings the server to measure the
// round trip (the server answers with gorilla's default pong).
const defaultPingInterval = 10 * time.Second

// Config is what a VoIPBin session needs. Exactly one credential is
// given: Token, AccessKey, or Username with Password.
type Config struct {
	// Server is the REST base URL (https://api.voipbin.net, or with
	// /v1.0 as VoIPBin's CLI takes it); empty means production.
	Server string
	// Token is a JWT, sent as ?token=.
	Token string
	// AccessKey is an access key (vb_…), sent as ?accesskey= (never as
	// ?token=: the server parses that only as a JWT, A2).
	AccessKey string
	// Username and Password are exchanged for a JWT at POST /auth/login.
	Username, Password string
	// Topics are subscribed on every connection; empty means
	// voipbin.DefaultTopics for the credential.
	Topics []string
	// QuietDelay: see DefaultQuietDelay.
	QuietDelay time.Duration
	// ServerPingInterval and PongTimeout are the server's keepalive, for
	// the context pane's countdown and missed-ping count.
	ServerPingInterval, PongTimeout time.Duration
	// HTTPClient makes the login call; nil leaves the engine's.
	HTTPClient *http.Client
	// MaxRetries: see session.Options.MaxRetries (0 = retry forever).
	MaxRetries int
	// Now is the session's clock; nil means time.Now.
	Now func() time.Time
	// Session holds the engine's timings; MaxRetries and Now above
	// override its fields, and its HeartbeatInterval is taken over (see
	// New).
	Session session.Options
}

func (c Config) withDefaults() Config {
	if c.QuietDelay <= 0 {
		c.QuietDelay = DefaultQuietDelay
	}
	if c.ServerPingInterval <= 0 {
		c.ServerPingInterval = DefaultServerPingInterval
	}
	if c.PongTimeout <= 0 {
		c.PongTimeout = DefaultPongTimeout
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// check reports a configuration that cannot work, before anything is
// sent: no credential or more than one, a token that is not a JWT or
// cannot open the socket, and topics the server would refuse.
func (c Config) check() (base string, cred vb.Credential, claims *vb.Claims, err error) {
	base, err = vb.Base(c.Server)
	if err != nil {
		return "", cred, nil, err
	}
	given := 0
	for _, s := range []string{c.Token, c.AccessKey, c.Username + c.Password} {
		if s != "" {
			given++
		}
	}
	switch {
	case given == 0:
		return "", cred, nil, errors.New("no credential: give a JWT (--token), an access key (--accesskey) or --username and --password")
	case given > 1:
		return "", cred, nil, errors.New("give one credential: a JWT (--token), an access key (--accesskey), or --username and --password")
	case c.Username+c.Password != "" && (c.Username == "" || c.Password == ""):
		return "", cred, nil, errors.New("a login needs both --username and --password")
	case c.AccessKey != "" && strings.Count(c.AccessKey, ".") == 2:
		return "", cred, nil, errors.New("--accesskey looks like a JWT: pass it as --token")
	}
	switch {
	case c.Token != "":
		cl, derr := vb.DecodeJWT(c.Token)
		if derr != nil {
			return "", cred, nil, errors.New("--token: " + derr.Error() + " (an access key goes in --accesskey)")
		}
		claims, cred = &cl, vb.CredentialOf(cl)
		if !cred.CanOpenSocket() {
			return "", cred, nil, errors.New("--token: a delegate token cannot open the socket (VoIPBin answers 200 without upgrading)")
		}
	case c.AccessKey != "":
		cred = vb.AccessKeyCredential("")
	}
	topics := cleanTopics(c.Topics)
	if len(topics) == 0 && c.Username == "" && vb.DefaultTopics(cred) == nil {
		return "", cred, nil, errors.New("no topics: this credential does not say which customer or agent it belongs to; give --topic customer_id:<customer id>:call (repeatable)")
	}
	if err := vb.ValidateTopics(topics, cred); err != nil {
		return "", cred, nil, err
	}
	return base, cred, claims, nil
}

// New builds a live VoIPBin session, or says why the configuration
// cannot work. Start it with Run.
//
// The engine's HeartbeatInterval becomes the provider's tick: VoIPBin has
// no keepalive frame of its own, and the writer goroutine that calls
// Heartbeat is where the quiet delay is timed out and the keepalive
// context refreshed, so neither can be published after the connection's
// drop.
func New(cfg Config) (*session.Session, error) {
	p, err := NewProvider(cfg)
	if err != nil {
		return nil, err
	}
	return session.New(p, p.Options()), nil
}

// Options are the engine options this provider needs: cfg.Session with
// MaxRetries, Now, the tick and a ping interval filled in.
func (p *Provider) Options() session.Options {
	opt := p.cfg.Session
	if p.cfg.MaxRetries != 0 {
		opt.MaxRetries = p.cfg.MaxRetries
	}
	opt.Now = p.cfg.Now
	if p.cfg.HTTPClient != nil {
		opt.HTTPClient = p.cfg.HTTPClient
	}
	opt.HeartbeatInterval = p.tick()
	if opt.PingInterval == 0 {
		opt.PingInterval = defaultPingInterval
	}
	return opt
}

// tick is how often Heartbeat runs while the connection is quiet.
func (p *Provider) tick() time.Duration { return min(p.cfg.QuietDelay, time.Second) }

// cleanTopics trims topics, drops empty ones and repeats (the server
// ignores repeats, A3), keeping the order.
func cleanTopics(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range in {
		if t = strings.TrimSpace(t); t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
