package ringcentral

import (
	"net/http"
	"time"

	"github.com/evtap/evtap/session"
)

// DefaultServer is the production platform.
const DefaultServer = "https://platform.ringcentral.com"

// DefaultGreetingTimeout is how long the client waits for
// ConnectionDetails after the upgrade, as @rc-ex/ws does.
const DefaultGreetingTimeout = 60 * time.Second

// DefaultRequestTimeout is how long a ClientRequest waits for its
// answer, as @rc-ex/ws does.
const DefaultRequestTimeout = 60 * time.Second

// The backoff between subscription requests the server did not answer:
// the request timeout plus at most a minute, so a server that comes
// back is asked again within two.
const (
	DefaultSubscribeRetryBase = time.Second
	DefaultSubscribeRetryMax  = 60 * time.Second
)

// defaultRecoveryTimeout applies until a ConnectionDetails says
// otherwise (the documents' 180 s).
const defaultRecoveryTimeout = 180 * time.Second

// DefaultFilters are subscribed when Config.Filters is empty: the events
// the documents describe for the current extension.
var DefaultFilters = []string{
	"/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS",
	"/restapi/v1.0/account/~/extension/~/voicemail",
	"/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true",
	"/restapi/v1.0/account/~/extension/~/telephony/sessions",
}

// Config is what a RingCentral session needs.
type Config struct {
	// Server is the REST base URL, e.g. "http://127.0.0.1:PORT";
	// empty means DefaultServer.
	Server string
	// ClientID and ClientSecret identify the app (Basic auth on the
	// token request); JWT is the user's JWT credential.
	ClientID, ClientSecret, JWT string
	// Filters are the event filters to subscribe; empty means
	// DefaultFilters.
	Filters []string
	// HTTPClient makes the REST calls (through the engine's REST helper,
	// bounded by Session.RESTTimeout); nil leaves Session.HTTPClient.
	HTTPClient *http.Client
	// MaxRetries: see session.Options.MaxRetries (0 = retry forever).
	MaxRetries int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// GreetingTimeout bounds the wait for ConnectionDetails after the
	// upgrade (default 60 s).
	GreetingTimeout time.Duration
	// RequestTimeout bounds the wait for the answer to a subscription
	// request (default 60 s, as @rc-ex/ws). An unanswered request is
	// asked again after SubscribeRetry's delay.
	RequestTimeout time.Duration
	// SubscribeRetry spaces those retries (default 1 s doubling to a
	// 60 s cap, with jitter), for as long as the connection lasts.
	SubscribeRetry session.Backoff
	// Session holds the engine's timings (ping, heartbeat, backoff, …);
	// MaxRetries and Now above override its fields when set.
	Session session.Options
}

func (c Config) withDefaults() Config {
	if c.Server == "" {
		c.Server = DefaultServer
	}
	if len(c.Filters) == 0 {
		c.Filters = DefaultFilters
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.GreetingTimeout == 0 {
		c.GreetingTimeout = DefaultGreetingTimeout
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.SubscribeRetry.Base == 0 {
		c.SubscribeRetry.Base = DefaultSubscribeRetryBase
	}
	if c.SubscribeRetry.Max == 0 {
		c.SubscribeRetry.Max = DefaultSubscribeRetryMax
	}
	return c
}

// New builds a live RingCentral session. Start it with Run.
func New(cfg Config) *session.Session {
	cfg = cfg.withDefaults()
	opt := cfg.Session
	if cfg.MaxRetries != 0 {
		opt.MaxRetries = cfg.MaxRetries
	}
	opt.Now = cfg.Now
	if cfg.HTTPClient != nil {
		opt.HTTPClient = cfg.HTTPClient
	}
	return session.New(NewProvider(cfg), opt)
}
