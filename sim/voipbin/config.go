package voipbin

import (
	"io"
	"time"

	"github.com/evtap/evtap/sim/emu"
)

// Demo identities and credentials the emulator accepts when Config leaves
// them empty. They are printed in the banner; they open nothing but this
// emulator.
const (
	// DemoCustomerID is the customer every demo identity belongs to (the
	// id of the VoIPBin document's own subscribe example).
	DemoCustomerID = "5013bc52-da9a-11ee-844f-2fa34248de28"
	// DemoAdminAgentID is the agent DemoUsername logs in as: CustomerAdmin,
	// so it may subscribe to customer_id topics.
	DemoAdminAgentID = "9a1f0c1e-4b9e-4c6e-9a53-6f1d2a7b3c01"
	// DemoAgentID is the plain agent (CustomerAgent): it may subscribe only
	// to agent_id:<its own id>… topics.
	DemoAgentID = "c4d2e8f0-1a3b-4c5d-8e6f-7a8b9c0d1e02"

	DemoUsername      = "admin@evtap.example"
	DemoAgentUsername = "agent@evtap.example"
	DemoPassword      = "evtap-demo-password" // both agents
	// DemoAccessKey is shaped like a VoIPBin access key ("vb_" and
	// random URL-safe text); it acts as CustomerAdmin with no agent id.
	DemoAccessKey = "vb_evtapDemoAccessKey7fQ2xLm9Rk4Wn8Zp"
	// DemoSigningKey is the HMAC key of the JWTs the emulator mints and
	// accepts. It is printed so that a test can mint its own tokens (an
	// expired one, a manager, a direct token).
	DemoSigningKey = "evtap-demo-signing-key"
)

// Permission bits of the agent claim (notes A4).
const (
	PermProjectSuperAdmin uint64 = 0x1
	PermCustomerAgent     uint64 = 0x10
	PermCustomerAdmin     uint64 = 0x20
	PermCustomerManager   uint64 = 0x40
)

// Defaults from the notes (A0, A5, A9) unless marked otherwise.
const (
	// DefaultRate is evtap's choice for a command line's --rate: lively
	// enough to watch stories unfold, slow enough to read. Config.Rate 0
	// means no generated events.
	DefaultRate         = 4.0
	DefaultTokenTTL     = 7 * 24 * time.Hour // TokenExpiration
	DefaultBufferSize   = 2000               // per connection; the excess is dropped
	DefaultPingInterval = 10 * time.Second
	DefaultPongTimeout  = 60 * time.Second // read deadline, reset only by a pong
)

// Config configures an emulator. The zero value is usable: every zero field
// takes the default named beside it, except Rate (0 = no generated events)
// and Seed (0 = a random seed, reported by Banner and Seed()).
type Config struct {
	// Username and Password log in the admin agent (DemoAdminAgentID) at
	// POST /auth/login. Empty: DemoUsername / DemoPassword. The plain
	// agent logs in as DemoAgentUsername with the same password.
	Username, Password string
	// AccessKey is the access key accepted in ?accesskey= or the
	// accesskey cookie. Empty: DemoAccessKey.
	AccessKey string
	// SigningKey signs and checks JWTs (HS256). Empty: DemoSigningKey.
	SigningKey string
	// TokenTTL is how far ahead login puts a token's expire claim
	// (default 7 days).
	TokenTTL time.Duration
	// Rate is how many events are generated per second for the whole
	// emulator (each published under all of its topic strings). 0
	// generates none: events then come from Inject or the control API.
	Rate float64
	// Seed makes generated events repeat: the n-th event is the same for a
	// given Seed, times aside.
	Seed int64
	// Wrapped sends the legacy {"type","data"} frames instead of the bare
	// resource that production sends at HEAD.
	Wrapped bool
	// BufferSize is each connection's outgoing buffer (default 2000);
	// frames beyond it are dropped and counted.
	BufferSize int
	// PingInterval is how often the server pings (default 10 s; negative:
	// never).
	PingInterval time.Duration
	// PongTimeout is the read deadline, reset only by a pong (default
	// 60 s; negative: none).
	PongTimeout time.Duration
	// Scenario is an optional script of timed actions (see
	// ParseScenario).
	Scenario *Scenario
	// Limits bound what clients can make the emulator hold (sim/emu's
	// defaults when zero).
	Limits emu.Limits
	// Now is the clock for timestamps and token expiry; nil means
	// time.Now.
	Now func() time.Time
	// Log, when set, gets one line per login, connection, subscription
	// change, drop and control action (never a token). `evtap sim` points
	// it at stderr.
	Log io.Writer
}

// withDefaults fills the zero fields as documented on Config.
func (c Config) withDefaults() Config {
	emu.Default(&c.PingInterval, DefaultPingInterval)
	emu.Default(&c.PongTimeout, DefaultPongTimeout)
	emu.DefaultPositive(&c.TokenTTL, DefaultTokenTTL)
	emu.DefaultPositive(&c.BufferSize, DefaultBufferSize)
	emu.Default(&c.Username, DemoUsername)
	emu.Default(&c.Password, DemoPassword)
	emu.Default(&c.AccessKey, DemoAccessKey)
	emu.Default(&c.SigningKey, DemoSigningKey)
	if c.Rate < 0 {
		c.Rate = 0
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}
