package pubnub

import (
	"crypto/rand"
	"net/http"
	"strings"
	"time"

	pn "github.com/evtap/evtap/protocol/pubnub"
	"github.com/evtap/evtap/session"
	rcs "github.com/evtap/evtap/session/ringcentral"
)

// Config is what a RingCentral session over PubNub needs: the
// WebSocket transport's credentials and filters, and PubNub's origin.
type Config struct {
	// Server is the REST base URL; empty means the production platform.
	Server string
	// ClientID and ClientSecret identify the app; JWT is the user's
	// credential.
	ClientID, ClientSecret, JWT string
	// Filters are the event filters; empty means the WebSocket
	// transport's defaults.
	Filters []string
	// Origin is PubNub's scheme and host; empty means
	// protocol/pubnub.DefaultOrigin, the host the SDKs use.
	Origin string
	// UUID identifies the subscriber to PubNub (uuid=); empty picks a
	// random "pn-" one, as the 4.x clients do.
	UUID string
	// ExpiresIn asks for a lifetime in seconds (at most 900); 0 leaves
	// the server's default, as the SDKs do.
	ExpiresIn int
	// Encrypt asks for encrypted notifications even where no filter
	// forces it (deliveryMode.encryption).
	Encrypt bool
	// RenewTick is how often the subscription is looked at (default
	// 10 s, the SDKs' pollInterval).
	RenewTick time.Duration
	// HTTPClient makes the REST calls and polls; nil leaves
	// Session.HTTPClient.
	HTTPClient *http.Client
	// MaxRetries: see session.Options.MaxRetries.
	MaxRetries int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Session holds the engine's timings; MaxRetries and Now above
	// override its fields when set.
	Session session.Options
}

func (c Config) withDefaults() Config {
	if c.Server == "" {
		c.Server = rcs.DefaultServer
	}
	if len(c.Filters) == 0 {
		c.Filters = rcs.DefaultFilters
	}
	if c.Origin == "" {
		c.Origin = pn.DefaultOrigin
	}
	if c.UUID == "" {
		c.UUID = "pn-" + strings.ToLower(rand.Text())
	}
	if c.RenewTick <= 0 {
		c.RenewTick = pn.RenewTick
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// New builds a live RingCentral session over PubNub. Start it with Run.
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
