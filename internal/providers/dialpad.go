package providers

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/evtap/evtap/internal/run"
	"github.com/evtap/evtap/protocol"
	dp "github.com/evtap/evtap/protocol/dialpad"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/replay"
	"github.com/evtap/evtap/session"
	dpsession "github.com/evtap/evtap/session/dialpad"
	dpsim "github.com/evtap/evtap/sim/dialpad"
	"github.com/evtap/evtap/sim/emu"
	"github.com/evtap/evtap/ui"
)

func init() { builtin.Register(dialpad()) }

// The environment a `connect dialpad` reads what its flags leave out
// from (a key on the command line shows in ps).
const (
	DialpadKeyEnv    = "DIALPAD_API_KEY"
	DialpadSecretEnv = "DIALPAD_WEBSOCKET_SECRET"
)

// The demo's choices: tokens short enough to watch several rotations,
// frames signed so that verification shows, and a subscription of each
// kind the emulator generates.
const (
	demoTokenLifetime = 30 * time.Second
	demoSecret        = "evtap-demo-websocket-secret"
)

var demoSubscriptions = []string{"call", "sms direction=all status", "agent_status"}

// dialpad is Dialpad's event WebSocket: a websocket entity and its event
// subscriptions over REST, and a receive-only socket whose URL expires
// an hour after it is issued.
func dialpad() *Entry {
	return &Entry{
		Name:    dp.ProviderName,
		Title:   "Dialpad",
		Summary: "Dialpad event WebSockets: REST-managed subscriptions, hourly URLs rotated without loss",
		Connect: &Connect{
			Long:  dialpadLong + "\n\n" + dp.SubscribeHelp(),
			Flags: dialpadConnectFlags,
		},
		Emulator: &Emulator{
			Long: `Run the Dialpad emulator on loopback: the websockets and event-subscription
REST resources under /api/v2, the receive-only socket at /events/<token>
with URL tokens that expire (shorter by --token-lifetime), generated call
legs, SMS and agent status, a ledger of every event and where it went, and
a control API. The banner says where everything is and which key works.`,
			Flags: dialpadSimFlags,
			Demo: func(o DemoOptions) Sim {
				return dpsim.New(dpsim.Config{Rate: o.Rate, Seed: o.Seed, TokenLifetime: demoTokenLifetime})
			},
			Client: func(base string, o Options) (run.Session, error) {
				lines := o.Filters
				if len(lines) == 0 {
					lines = demoSubscriptions
				}
				specs, err := dialpadSpecs("--filter", lines)
				if err != nil {
					return run.Session{}, err
				}
				return dialpadSession(dpsession.Config{Server: base, APIKey: dpsim.DemoAPIKey, Secret: demoSecret,
					Subscribe: specs, MaxRetries: o.MaxRetries}), nil
			},
		},
		// A replay verifies signed frames again when the secret is in the
		// environment (the recording holds a placeholder instead).
		Decoder:   func() protocol.Decoder { return dp.NewDecoder(dp.Config{Secret: os.Getenv(DialpadSecretEnv)}) },
		UI:        dialpadUI(),
		Redact:    func(o *record.Options) { o.Rules = o.Rules.Merge(dialpadRules) },
		Responder: func() replay.Responder { return dp.NewResponder() },
		HAR:       dialpadHAR,
	}
}

// dialpadRules are Dialpad's secrets beyond the recorder's own (the API
// key is an Authorization header or ?apikey=, which those cover): the URL
// token in the path of every websocket_url, and the websocket's secret,
// which the server echoes in signature.secret.
var dialpadRules = record.Rules{
	Fields:     map[string]string{"secret": "secret"},
	PathTokens: []record.PathToken{{Prefix: dp.EventsPrefix, Kind: "url_token"}},
}

const dialpadLong = `Connect to a Dialpad account's event WebSocket. evtap creates a websocket
entity (or reuses --websocket ID), creates the event subscriptions asked for
with --subscribe, attached to it, and opens its websocket_url. Before the URL's
token expires (an hour after it was issued), and whenever the server closes
the socket, evtap fetches a fresh URL (GET /api/v2/websockets/{id}) and opens
the new connection before closing the old one; events the two deliver twice
are marked D, and a time with no connection is shown as an outage in which
events may have been lost. On exit evtap deletes what it created, unless
--keep-created.

The API key (--api-key or $` + DialpadKeyEnv + `) is sent as a bearer header and
never shown. With a secret (--secret or $` + DialpadSecretEnv + `), events
come as HS256 JWTs: each is verified and marked ✓ or ✗ (bad signature, or
unsigned where a signature was expected); a websocket evtap creates is created
with it. f edits the subscriptions live, one --subscribe line each.`

// dialpadUI is what the TUI says of a Dialpad session.
func dialpadUI() ui.Provider {
	presets := make([]ui.Preset, len(dp.Presets))
	for i, p := range dp.Presets {
		presets[i] = ui.Preset{Name: p.Name, Description: p.Description, Value: p.Spec}
	}
	return ui.Provider{
		Name:               dp.ProviderName,
		ContextTitle:       "URL token",
		ContextEmpty:       "no URL yet: the websocket is being set up",
		SubscriptionsTitle: "Websocket & subscriptions",
		// The header's badge shows these in capitals: short words.
		Phases: map[protocol.Phase]string{
			protocol.PhaseToken:    "REST: websocket, URL",
			protocol.PhaseUpgraded: "socket open",
			protocol.PhaseLive:     "LIVE (receive-only)",
			protocol.PhaseRotating: "rotating to a fresh URL",
		},
		Gaps: "Dialpad numbers no events: losses show as outage windows",
		Filters: &ui.FilterSpec{
			Title:       "Event subscriptions",
			Help:        dp.EditorHelp,
			Validate:    func(line string) error { _, err := dp.ParseSpec(line); return err },
			Presets:     presets,
			DefaultText: "call (one call subscription), when evtap creates the websocket",
		},
	}
}

// dialpadHAR claims a socket on Dialpad's Cloud Run hosts, or one whose
// URL carries a Dialpad URL token (the emulator, a proxy).
func dialpadHAR(rawURL string, _ []byte) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	if strings.HasPrefix(u.Hostname(), "platform-websockets") && strings.HasSuffix(u.Hostname(), ".run.app") {
		return true
	}
	tok, err := dp.TokenFromURL(rawURL)
	if err != nil {
		return false
	}
	t, err := dp.DecodeToken(tok)
	return err == nil && t.Typ == dp.TokenType
}

// dialpadFlags are `evtap connect dialpad`'s.
type dialpadFlags struct {
	apiKey, server, websocket, secret, companyID, ca string
	subscribe                                        []string
	sandbox, keep, insecure                          bool
}

func dialpadConnectFlags(fs *pflag.FlagSet) Dial {
	f := &dialpadFlags{}
	fs.StringVar(&f.apiKey, "api-key", "", "API `KEY`, sent as a bearer header and never shown (default $"+DialpadKeyEnv+", which ps cannot see)")
	fs.StringVar(&f.server, "server", "", "REST base `URL` (default "+dpsession.DefaultServer+")")
	fs.BoolVar(&f.sandbox, "sandbox", false, "use the sandbox, "+dpsession.SandboxServer)
	fs.StringVar(&f.websocket, "websocket", "", "reuse this websocket `ID` instead of creating one (it and the subscriptions it had are kept)")
	fs.StringArrayVar(&f.subscribe, "subscribe", nil, "create this event subscription, e.g. 'call states=ringing,hangup target=user:123'; repeat for several (default: call, when evtap creates the websocket)")
	fs.StringVar(&f.secret, "secret", "", "the websocket's `SECRET`: verify signed frames with it; a websocket evtap creates gets it (default $"+DialpadSecretEnv+")")
	fs.BoolVar(&f.keep, "keep-created", false, "leave the websocket and subscriptions evtap created on the account at exit")
	fs.StringVar(&f.companyID, "company-id", "", "send DP-Company-ID with every REST call, for a key that acts for several companies")
	fs.BoolVarP(&f.insecure, "insecure", "k", false, "https:// and wss://: do not verify the server's certificate")
	fs.StringVar(&f.ca, "ca", "", "trust the CA certificates in this PEM `FILE` instead of the system's")
	return f.dial
}

// dial builds the session the parsed flags describe; every mistake is a
// usage error naming its flag.
func (f *dialpadFlags) dial(_ []string, o Options) (run.Session, error) {
	c, err := f.config(o)
	if err != nil {
		return run.Session{}, err
	}
	if _, err := c.Session.TLSConfig(); err != nil {
		return run.Session{}, run.Usagef("--ca: %v", err)
	}
	return dialpadSession(c), nil
}

func (f *dialpadFlags) config(o Options) (dpsession.Config, error) {
	c := dpsession.Config{APIKey: f.apiKey, Secret: f.secret, Websocket: f.websocket, Keep: f.keep, CompanyID: f.companyID,
		MaxRetries: o.MaxRetries, Session: session.Options{Insecure: f.insecure, CAFile: f.ca}}
	if c.APIKey == "" {
		c.APIKey = os.Getenv(DialpadKeyEnv)
	}
	if c.Secret == "" {
		c.Secret = os.Getenv(DialpadSecretEnv)
	}
	switch {
	case c.APIKey == "":
		return c, run.Usagef("no API key: set %s or pass --api-key", DialpadKeyEnv)
	case f.sandbox && f.server != "":
		return c, run.Usagef("--sandbox and --server: give one")
	case f.sandbox:
		c.Server = dpsession.SandboxServer
	case f.server != "":
		u, err := url.Parse(f.server)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, run.Usagef("--server %q: want an http:// or https:// URL", f.server)
		}
		c.Server = strings.TrimRight(f.server, "/")
	default:
		c.Server = dpsession.DefaultServer
	}
	if c.Websocket != "" && !dp.ValidID(c.Websocket) {
		return c, run.Usagef("--websocket %q: want a websocket id (a positive integer)", c.Websocket)
	}
	if strings.ContainsAny(c.Secret, "\r\n") {
		return c, run.Usagef("--secret: the secret is single-line only")
	}
	specs, err := dialpadSpecs("--subscribe", append(append([]string(nil), f.subscribe...), o.Filters...))
	if err != nil {
		return c, err
	}
	if len(specs) == 0 && c.Websocket == "" {
		specs, _ = dialpadSpecs("", []string{"call"})
	}
	c.Subscribe = specs
	return c, nil
}

// dialpadSpecs parses subscription lines; flag names them in a mistake.
func dialpadSpecs(flag string, lines []string) ([]dp.Spec, error) {
	var out []dp.Spec
	for _, l := range lines {
		s, err := dp.ParseSpec(l)
		if err != nil {
			return nil, run.Usagef("%s %q: %v", flag, l, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func dialpadSession(c dpsession.Config) run.Session {
	s := dpsession.New(c)
	server := c.Server
	if server == "" {
		server = dpsession.DefaultServer
	}
	return run.Session{
		Endpoint: server,
		Secrets:  []string{c.APIKey, c.Secret},
		Run:      s.Run,
		Do:       s.Do,
		// The socket is receive-only: Dialpad reads nothing a client
		// sends, so there is no composer.
		Controls: controlsWithout(s.Controls(), protocol.CmdSend),
	}
}

// dialpadSimFlags are `evtap sim dialpad`'s. Defaults follow the provider
// documents (an hour-long token, cut at exp without a close frame, the
// spec's rate limits).
func dialpadSimFlags(fs *pflag.FlagSet) func(io.Writer) (Sim, error) {
	var (
		cfg      dpsim.Config
		scenario string
	)
	fs.Float64Var(&cfg.Rate, "rate", dpsim.DefaultRate, fmt.Sprintf("events generated per second, company-wide (at most %d)", emu.MaxRate))
	fs.Int64Var(&cfg.Seed, "seed", 0, "seed for generated events, so runs repeat exactly (0: random)")
	fs.DurationVar(&cfg.TokenLifetime, "token-lifetime", dpsim.DefaultTokenLifetime, "exp − iat of every URL token (whole seconds)")
	fs.StringVar(&cfg.CloseAt, "close-at", dpsim.AtTokenExpiry, "when a connection's time is up: "+dpsim.AtTokenExpiry+" (its token's exp) or "+dpsim.AfterLifetime+" (token-lifetime after it opened)")
	fs.StringVar(&cfg.ExpiryClose, "expiry-close", dpsim.CloseAbrupt, "how it ends then: "+dpsim.CloseAbrupt+" (no close frame, 1006) or "+dpsim.CloseClean+" (a close frame)")
	fs.IntVar(&cfg.RefuseStatus, "refuse-status", dpsim.DefaultRefuseStatus, "HTTP status that refuses a bad or expired URL token at the handshake")
	fs.IntVar(&cfg.CreateRateLimit, "create-rate-limit", dpsim.DefaultCreateRateLimit, "POST /websockets allowed per minute (-1: no limit)")
	fs.IntVar(&cfg.RateLimit, "rate-limit", dpsim.DefaultRateLimit, "every other operation allowed per minute (-1: no limit)")
	fs.StringVar(&cfg.APIKey, "api-key", "", "API key to accept (default: the demo one, printed at start)")
	fs.StringVar(&scenario, "scenario", "", "YAML `FILE` of scripted steps")
	return func(log io.Writer) (Sim, error) {
		if cfg.Rate < 0 {
			return nil, run.Usagef("--rate must be 0 or more, got %g", cfg.Rate)
		}
		if err := emu.CheckRate(cfg.Rate); err != nil {
			return nil, run.Usagef("--rate: %v", err)
		}
		if cfg.TokenLifetime < time.Second {
			return nil, run.Usagef("--token-lifetime must be at least 1s (JWT times are whole seconds), got %s", cfg.TokenLifetime)
		}
		if scenario != "" {
			sc, err := dpsim.LoadScenario(scenario)
			if err != nil {
				return nil, run.UsageError{Err: err}
			}
			cfg.Scenario = sc
		}
		cfg.Log = log
		if err := cfg.Validate(); err != nil {
			return nil, run.UsageError{Err: err}
		}
		return dpsim.New(cfg), nil
	}
}
