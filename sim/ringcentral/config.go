package ringcentral

import (
	"io"
	"time"

	"github.com/evtap/evtap/sim/emu"
)

// Demo credentials the emulator accepts when Config leaves them empty.
// They are printed in the banner; they open nothing but this emulator.
const (
	DemoClientID     = "evtap-demo-client-id"
	DemoClientSecret = "evtap-demo-client-secret"
	// DemoJWT is shaped like a RingCentral JWT credential (three
	// base64url parts) so that SDK-side validation, if any, accepts it.
	DemoJWT      = "eyJraWQiOiJldnRhcCIsInR5cCI6IkpXVCIsImFsZyI6IlJTMjU2In0.eyJhdWQiOiJldnRhcC1zaW0iLCJzdWIiOiIxODM0ODkwMDAxIiwiaXNzIjoiZXZ0YXAifQ.ZXZ0YXAtZGVtby1zaWduYXR1cmU"
	DemoUsername = "+16505550100" // password grant; "+16505550100*101" also works
	DemoPassword = "evtap-demo-password"
	// DemoAccountID and DemoExtensionID are what "~" expands to.
	DemoAccountID   = "37439510"
	DemoExtensionID = "1834890001"
)

// Defaults, taken from the provider documents (ConnectionDetails example
// and the session-recovery guide) unless noted.
const (
	DefaultRate            = 2.0 // evtap's choice: notifications/s per subscription
	DefaultRecoveryTimeout = 180 * time.Second
	DefaultBufferSize      = 100
	DefaultIdleTimeout     = 1800 * time.Second
	DefaultAbsoluteTimeout = 86400 * time.Second
	DefaultPingInterval    = 30 * time.Second  // evtap's choice; the docs want a pong within 10 s
	DefaultWSTokenTTL      = 600 * time.Second // @rc-ex/ws: "default 600"
	DefaultAccessTokenTTL  = 3600 * time.Second
	DefaultReplayDelay     = 100 * time.Millisecond // evtap's choice, for @rc-ex/ws (see Config)
	DefaultLedgerSize      = 10000                  // evtap's choice: what a test reads between two looks
)

// Config configures an emulator. The zero value is usable: every zero
// field takes the default named beside it, except Rate (0 = no generated
// events) and Seed (0 = a random seed, reported by Banner and Seed()).
// A negative duration or BufferSize switches that feature off (no idle
// or absolute limit, no pings, no recovery window, no buffer); token
// lifetimes cannot be switched off.
type Config struct {
	// ClientID and ClientSecret are the app credentials to accept
	// (Basic auth, or client_id[/client_secret] in the form body).
	// Empty: DemoClientID / DemoClientSecret.
	ClientID, ClientSecret string
	// JWT is the JWT credential accepted by the jwt-bearer grant.
	// Empty: DemoJWT. The password grant accepts DemoUsername and
	// DemoPassword.
	JWT string
	// Rate is how many notifications are generated per second for each
	// subscription (live or waiting for recovery). 0 generates none
	// (events then come only from Generate, Inject or a scenario).
	Rate float64
	// Seed makes generated bodies repeat: the n-th notification of the
	// k-th session is the same for a given Seed (timestamps aside).
	Seed int64
	// RecoveryTimeout is how long a lost session can be recovered
	// (default 180 s).
	RecoveryTimeout time.Duration
	// BufferSize is how many of a session's newest notifications are
	// kept for replay on recovery (default 100; negative keeps none).
	BufferSize int
	// IdleTimeout closes a connection from which no frame arrived for
	// this long, with Error WSG-902 (default 1800 s). Pongs do not count.
	IdleTimeout time.Duration
	// AbsoluteTimeout closes every connection this old, with Error
	// WSG-903 (default 86400 s).
	AbsoluteTimeout time.Duration
	// PingInterval is how often WebSocket pings are sent (default 30 s);
	// a connection that answers nothing for two intervals is dropped.
	PingInterval time.Duration
	// WSTokenTTL is the lifetime of a ws_access_token (default 600 s).
	WSTokenTTL time.Duration
	// AccessTokenTTL is the lifetime of an OAuth access token
	// (default 3600 s).
	AccessTokenTTL time.Duration
	// StrictTokens makes every ws_access_token single-use, as the
	// documents say. By default a token may be reused until it expires,
	// which is what the official JS SDK relies on when it reconnects.
	StrictTokens bool
	// ReplayDelay is the pause between ConnectionDetails of a successful
	// recovery and the replayed notifications, and between a subscription
	// created and the first notification generated for it (default
	// 100 ms; negative: none). The official JS SDK loses
	// notifications that arrive in the same read as ConnectionDetails,
	// and throws on one read with its subscription's answer.
	ReplayDelay time.Duration
	// Scenario is an optional script of timed actions (see
	// ParseScenario).
	Scenario *Scenario
	// Now is the clock for timestamps and expiry; nil means time.Now.
	Now func() time.Time
	// Log, when set, gets one line per connection, recovery,
	// subscription and fault (never a token). `evtap sim` points it at
	// stderr.
	Log io.Writer
	// LedgerSize is how many of the newest notifications the ledger
	// keeps (default 10000; negative: no ledger). A reader that pages
	// through it (Ledger) sees every notification if it reads at least
	// this many between two looks.
	LedgerSize int
	// PubNub configures the PubNub transport: REST subscriptions
	// delivered over the PubNub long-poll, served on the same listener.
	PubNub PubNubConfig
	// Limits bound what clients can make the emulator hold (zero fields:
	// the core's defaults). A client that lets more than
	// Limits.MaxConnQueued pile up unread is cut; it can then recover
	// the newest BufferSize notifications with its wsc token.
	Limits emu.Limits
}

// withDefaults fills the zero fields as documented on Config.
func (c Config) withDefaults() Config {
	emu.Default(&c.RecoveryTimeout, DefaultRecoveryTimeout)
	emu.Default(&c.IdleTimeout, DefaultIdleTimeout)
	emu.Default(&c.AbsoluteTimeout, DefaultAbsoluteTimeout)
	emu.Default(&c.PingInterval, DefaultPingInterval)
	emu.Default(&c.ReplayDelay, DefaultReplayDelay)
	// Tokens cannot be switched off: a non-positive lifetime is the default.
	emu.DefaultPositive(&c.WSTokenTTL, DefaultWSTokenTTL)
	emu.DefaultPositive(&c.AccessTokenTTL, DefaultAccessTokenTTL)
	emu.Default(&c.BufferSize, DefaultBufferSize)
	if c.BufferSize < 0 {
		c.BufferSize = 0
	}
	emu.Default(&c.ClientID, DemoClientID)
	emu.Default(&c.ClientSecret, DemoClientSecret)
	emu.Default(&c.JWT, DemoJWT)
	if c.Rate < 0 {
		c.Rate = 0
	}
	emu.Default(&c.LedgerSize, DefaultLedgerSize)
	if c.Now == nil {
		c.Now = time.Now
	}
	c.PubNub = c.PubNub.withDefaults()
	return c
}
