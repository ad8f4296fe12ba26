package dialpad

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/evtap/evtap/sim/emu"
)

// DemoAPIKey is the API key the emulator accepts when Config.APIKey is
// empty. It is printed in the banner; it opens nothing but this emulator.
const DemoAPIKey = "evtap-dialpad-demo-key"

// Defaults, from the provider documents unless noted.
const (
	DefaultTokenLifetime   = time.Hour // "The token will expire in 1 hour after issue"
	DefaultRate            = 2.0       // evtap's choice: events per second, company-wide
	DefaultCreateRateLimit = 250       // websockets.create: "Rate limit: 250 per minute"
	DefaultRateLimit       = 1200      // every other operation: "1200 per minute"
	DefaultRateWindow      = time.Minute
	DefaultPageSize        = 20  // evtap's choice; the spec does not say
	DefaultMaxPerType      = 100 // "100 subscriptions per type per company"
	DefaultMaxCompanyWide  = 10  // "10 per type that target the company itself"
	DefaultLedgerSize      = 10000
	DefaultRefuseStatus    = http.StatusUnauthorized // evtap's choice; undocumented
)

// How a connection ends when its time is up (Config.ExpiryClose).
const (
	// CloseAbrupt cuts the TCP connection with no close frame, as Cloud
	// Run does at its request timeout; the client sees 1006.
	CloseAbrupt = "abrupt"
	// CloseClean sends a close frame (1000, "token expired") first.
	CloseClean = "clean"
)

// When a connection's time is up (Config.CloseAt).
const (
	// AtTokenExpiry closes a connection when the token it opened with
	// expires: at exp, whatever the connection's age.
	AtTokenExpiry = "exp"
	// AfterLifetime closes a connection TokenLifetime after it opened.
	AfterLifetime = "open"
)

// Config configures an emulator. The zero value is usable: every zero
// field takes the default named beside it, except Rate (0 = no generated
// events) and Seed (0 = a random seed, reported by Banner and Seed()).
type Config struct {
	// APIKey is the key to accept, as "Authorization: Bearer <key>" or
	// "?apikey=<key>". Empty: DemoAPIKey.
	APIKey string
	// Rate is how many events are generated per second, company-wide
	// (each goes to every subscription it matches). 0 generates none:
	// events then come only from Send, Inject or a scenario.
	Rate float64
	// Seed makes generated events repeat: the n-th event is the same for
	// a given Seed (timestamps aside).
	Seed int64
	// TokenLifetime is exp - iat of every URL token (default 1 h). JWT
	// times are whole seconds: less than 1 s counts as 1 s.
	TokenLifetime time.Duration
	// CloseAt is when a connection's time is up: AtTokenExpiry (default)
	// or AfterLifetime.
	CloseAt string
	// ExpiryClose is how it ends: CloseAbrupt (default) or CloseClean.
	ExpiryClose string
	// RefuseStatus is the HTTP status that refuses a bad or expired
	// token at the handshake (default 401).
	RefuseStatus int
	// CreateRateLimit and RateLimit are requests per RateWindow allowed
	// for POST /websockets and for every other operation (each counted
	// on its own), default 250 and 1200 per minute. Negative: no limit.
	CreateRateLimit, RateLimit int
	// RateWindow is the length of a rate-limit window (default 1 min).
	RateWindow time.Duration
	// PageSize is how many items a list answers at most before it hands
	// out a cursor (default 20); a request's ?limit= may ask for fewer.
	PageSize int
	// MaxPerType is the most subscriptions of one type (default 100);
	// MaxCompanyWide the most of one type without a target (default 10).
	MaxPerType, MaxCompanyWide int
	// LedgerSize is how many of the newest events the ledger keeps
	// (default 10000).
	LedgerSize int
	// Scenario is an optional script of timed actions (ParseScenario).
	Scenario *Scenario
	// Limits bound what clients can make the emulator hold (the core's;
	// zero fields take its defaults).
	Limits emu.Limits
	// Now is the clock for tokens, expiry, rate limits and event times;
	// nil means time.Now.
	Now func() time.Time
	// Log, when set, gets one line per REST change, connection, refusal,
	// expiry and control action (never a key, token or secret).
	Log io.Writer
}

// withDefaults fills the zero fields as documented on Config.
func (c Config) withDefaults() Config {
	emu.Default(&c.APIKey, DemoAPIKey)
	emu.DefaultPositive(&c.TokenLifetime, DefaultTokenLifetime)
	if c.TokenLifetime < time.Second {
		c.TokenLifetime = time.Second
	}
	c.TokenLifetime = c.TokenLifetime.Truncate(time.Second)
	if c.CloseAt != AfterLifetime {
		c.CloseAt = AtTokenExpiry
	}
	if c.ExpiryClose != CloseClean {
		c.ExpiryClose = CloseAbrupt
	}
	if c.RefuseStatus < 400 || c.RefuseStatus > 599 {
		c.RefuseStatus = DefaultRefuseStatus
	}
	emu.Default(&c.CreateRateLimit, DefaultCreateRateLimit)
	emu.Default(&c.RateLimit, DefaultRateLimit)
	emu.DefaultPositive(&c.RateWindow, DefaultRateWindow)
	emu.DefaultPositive(&c.PageSize, DefaultPageSize)
	emu.DefaultPositive(&c.MaxPerType, DefaultMaxPerType)
	emu.DefaultPositive(&c.MaxCompanyWide, DefaultMaxCompanyWide)
	emu.DefaultPositive(&c.LedgerSize, DefaultLedgerSize)
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Validate reports a Config field the emulator cannot run with.
func (c Config) Validate() error {
	switch {
	case c.CloseAt != "" && c.CloseAt != AtTokenExpiry && c.CloseAt != AfterLifetime:
		return fmt.Errorf("close-at must be %s or %s, not %q", AtTokenExpiry, AfterLifetime, c.CloseAt)
	case c.ExpiryClose != "" && c.ExpiryClose != CloseAbrupt && c.ExpiryClose != CloseClean:
		return fmt.Errorf("expiry close must be %s or %s, not %q", CloseAbrupt, CloseClean, c.ExpiryClose)
	case c.RefuseStatus != 0 && (c.RefuseStatus < 400 || c.RefuseStatus > 599):
		return fmt.Errorf("refuse status must be an HTTP error status (400-599), not %d", c.RefuseStatus)
	}
	if err := emu.CheckRate(c.Rate); err != nil {
		return err
	}
	return nil
}
