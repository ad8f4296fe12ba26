package dialpad

import (
	"time"

	"github.com/evtap/evtap/protocol/dialpad"
	"github.com/evtap/evtap/session"
)

// The hosts of the REST API.
const (
	DefaultServer = "https://dialpad.com"
	SandboxServer = "https://sandbox.dialpad.com"
)

// MaxRotateLead caps how long before a URL token expires the session
// fetches the next one: five minutes, so an hour-long token is replaced
// at 55 minutes.
const MaxRotateLead = 5 * time.Minute

// Config is what a Dialpad session needs.
type Config struct {
	// Server is the REST base URL; empty means DefaultServer.
	Server string
	// APIKey authenticates every REST call (Authorization: Bearer). It
	// is masked wherever a request is published.
	APIKey string
	// CompanyID, when set, is sent as DP-Company-ID, as the official
	// SDK does for keys that act for several companies.
	CompanyID string
	// Websocket reuses this websocket entity instead of creating one;
	// the session then neither deletes it nor the subscriptions it
	// already had.
	Websocket string
	// Subscribe are the event subscriptions to create on the websocket
	// (or, with an ID, to update and attach to it).
	Subscribe []dialpad.Spec
	// Secret verifies signed frames; a websocket the session creates is
	// created with it, so its events come signed.
	Secret string
	// Keep leaves what the session created on the account at the end.
	Keep bool
	// RotateLead is how long before a token expires the next URL is
	// fetched; zero means 40% of the token's lifetime, at most
	// MaxRotateLead. (The engine never rotates before half the
	// lifetime.)
	RotateLead time.Duration
	// MaxRetries: see session.Options.MaxRetries (0 = retry forever).
	MaxRetries int
	// Session holds the engine's timings; MaxRetries above overrides its
	// field when set.
	Session session.Options
}

func (c Config) withDefaults() Config {
	if c.Server == "" {
		c.Server = DefaultServer
	}
	return c
}

// lead is how long before expiry a token of lifetime life is rotated.
func (c Config) lead(life time.Duration) time.Duration {
	if c.RotateLead > 0 {
		return c.RotateLead
	}
	return min(life*2/5, MaxRotateLead)
}

// New builds a live Dialpad session. Start it with Run.
func New(cfg Config) *session.Session {
	cfg = cfg.withDefaults()
	opt := cfg.Session
	if cfg.MaxRetries != 0 {
		opt.MaxRetries = cfg.MaxRetries
	}
	return session.New(NewProvider(cfg), opt)
}
