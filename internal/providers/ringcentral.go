package providers

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/evtap/evtap/internal/run"
	"github.com/evtap/evtap/protocol"
	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/replay"
	rcsession "github.com/evtap/evtap/session/ringcentral"
	"github.com/evtap/evtap/sim/emu"
	rcsim "github.com/evtap/evtap/sim/ringcentral"
	"github.com/evtap/evtap/ui"
)

func init() { builtin.Register(ringCentral()) }

// ringCentral is RingCentral's WebSocket subscriptions with wsc session
// recovery: a JWT and client credentials buy an access token, the
// access token a ws_access_token, and that the socket.
func ringCentral() *Entry {
	return &Entry{
		Name:    rc.ProviderName,
		Title:   "RingCentral",
		Summary: "RingCentral WebSocket subscriptions with wsc session recovery",
		Connect: &Connect{
			Long: `Connect to a RingCentral account: WebSocket subscriptions with wsc session
recovery. Create an app with the WebSocketsSubscription scope and a JWT
credential; the flags override the environment.

--transport pubnub uses the deprecated REST subscriptions delivered by
PubNub's long-poll instead (the "PubNub Subscriptions" scope): same
credentials and filters; renewals, catch-up after a dropped poll and
AES-encrypted notifications are shown step by step.`,
			Flags: ringCentralConnectFlags,
		},
		Emulator: &Emulator{
			Long: `Run the RingCentral emulator on loopback: the OAuth token and wstoken REST
endpoints, the WebSocket gateway with wsc session recovery, generated
notifications, and a control API for faults and counters. The banner says
where everything is and which credentials work.`,
			Flags: ringCentralSimFlags,
			Demo: func(o DemoOptions) Sim {
				return rcSim{rcsim.New(rcsim.Config{Rate: o.Rate, Seed: o.Seed})}
			},
			Client: func(base string, o Options) (run.Session, error) {
				return ringCentralSession(ringCentralCreds{
					server: base, clientID: rcsim.DemoClientID, clientSecret: rcsim.DemoClientSecret, jwt: rcsim.DemoJWT,
				}, o), nil
			},
		},
		Decoder: func() protocol.Decoder { return rc.NewDecoder() },
		UI:      ringCentralUI(),
		// The recorder's own rules know the OAuth fields; these are
		// RingCentral's (ws_access_token, the wsc token, PubNub keys).
		Redact: func(o *record.Options) {
			o.Rules = o.Rules.Merge(record.Rules{Fields: rc.SecretFields})
		},
		Responder: func() replay.Responder { return rc.NewResponder() },
		HAR:       ringCentralHAR,
	}
}

// ringCentralUI is what the TUI says of a RingCentral session.
func ringCentralUI() ui.Provider {
	presets := make([]ui.Preset, len(rc.CommonFilters))
	for i, p := range rc.CommonFilters {
		presets[i] = ui.Preset{Name: p.Name, Description: p.Description, Value: p.Filter}
	}
	return ui.Provider{
		Name:               rc.ProviderName,
		ContextTitle:       "Recovery (wsc)",
		ContextEmpty:       "no recovery token yet",
		SubscriptionsTitle: "Subscription",
		// A WebSocket session has one subscription; a new POST replaces it.
		OneSubscription: true,
		ShortFilter:     shortFilter,
		Phases: map[protocol.Phase]string{
			protocol.PhaseUpgraded:       "upgraded, waiting for ConnectionDetails",
			protocol.PhaseConnected:      "ConnectionDetails received",
			protocol.PhaseRecovering:     "recovering (wsc presented)",
			protocol.PhaseRecovered:      "recovered: Successful",
			protocol.PhaseRecoveryFailed: "recovery Failed, resubscribing",
		},
		Filters: &ui.FilterSpec{
			Title:    "Event filters",
			Help:     "one per line, e.g. /restapi/v1.0/account/~/extension/~/voicemail",
			Validate: rc.ValidateFilter,
			Presets:  presets,
			Default:  rcsession.DefaultFilters,
		},
	}
}

// shortFilter drops the account/extension prefix every filter shares,
// so the part that differs is what fits on screen.
func shortFilter(f string) string {
	const p = "/restapi/v1.0/account/"
	if !strings.HasPrefix(f, p) {
		return f
	}
	parts := strings.SplitN(f[len(p):], "/", 4)
	if len(parts) == 4 && parts[1] == "extension" {
		return "…/" + parts[3]
	}
	return f
}

// ringCentralHAR claims a socket on a RingCentral host, or one whose
// first frame is a ConnectionDetails (the emulator, a proxy).
func ringCentralHAR(rawURL string, first []byte) bool {
	if u, err := url.Parse(rawURL); err == nil && (u.Hostname() == "ringcentral.com" || strings.HasSuffix(u.Hostname(), ".ringcentral.com")) {
		return true
	}
	if first == nil {
		return false
	}
	f, err := rc.Decode(first)
	return err == nil && f.Meta.Type == rc.TypeConnectionDetails
}

// ringCentralCreds are the credentials of `evtap connect ringcentral`.
type ringCentralCreds struct {
	server, clientID, clientSecret, jwt string
}

func ringCentralConnectFlags(fs *pflag.FlagSet) Dial {
	c := addRingCentralCredFlags(fs)
	pubnub := addPubNubFlags(fs, true)
	return func(_ []string, o Options) (run.Session, error) {
		if err := pubnub.check(); err != nil {
			return run.Session{}, err
		}
		if err := c.resolve(); err != nil {
			return run.Session{}, err
		}
		if pubnub.transport == "pubnub" {
			return pubNubSession(*c, pubnub.origin, o), nil
		}
		return ringCentralSession(*c, o), nil
	}
}

// addRingCentralCredFlags registers the credentials every RingCentral
// transport takes.
func addRingCentralCredFlags(fs *pflag.FlagSet) *ringCentralCreds {
	c := &ringCentralCreds{}
	fs.StringVar(&c.server, "server", "", "platform `URL` (default $RINGCENTRAL_SERVER_URL, else "+rcsession.DefaultServer+")")
	fs.StringVar(&c.clientID, "client-id", "", "app client id (default $RINGCENTRAL_CLIENT_ID)")
	fs.StringVar(&c.clientSecret, "client-secret", "", "app client secret (default $RINGCENTRAL_CLIENT_SECRET)")
	fs.StringVar(&c.jwt, "jwt", "", "JWT credential (default $RINGCENTRAL_JWT)")
	return c
}

// resolve fills what the flags left empty from the environment and
// checks that a connection is possible at all.
func (c *ringCentralCreds) resolve() error {
	fill := func(v *string, env, def string) {
		if *v == "" {
			*v = os.Getenv(env)
		}
		if *v == "" {
			*v = def
		}
	}
	fill(&c.server, "RINGCENTRAL_SERVER_URL", rcsession.DefaultServer)
	fill(&c.clientID, "RINGCENTRAL_CLIENT_ID", "")
	fill(&c.clientSecret, "RINGCENTRAL_CLIENT_SECRET", "")
	fill(&c.jwt, "RINGCENTRAL_JWT", "")
	switch {
	case c.clientID == "":
		return run.Usagef("no client id: set RINGCENTRAL_CLIENT_ID or pass --client-id")
	case c.jwt == "":
		return run.Usagef("no JWT credential: set RINGCENTRAL_JWT or pass --jwt")
	}
	return checkServerURL(c.server)
}

// checkServerURL refuses a platform URL no request could reach, before
// any connection is tried: not a URL, not http(s), no host.
func checkServerURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return run.Usagef("--server %q is not a URL: %v", s, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return run.Usagef("--server %q: want an http:// or https:// URL such as %s", s, rcsession.DefaultServer)
	case u.Host == "" || u.Hostname() == "":
		return run.Usagef("--server %q has no host", s)
	case u.User != nil:
		return run.Usagef("--server: give credentials with --client-id, --client-secret and --jwt, not in the URL")
	}
	return nil
}

func ringCentralSession(c ringCentralCreds, o Options) run.Session {
	s := rcsession.New(rcsession.Config{
		Server:       c.server,
		ClientID:     c.clientID,
		ClientSecret: c.clientSecret,
		JWT:          c.jwt,
		Filters:      o.Filters,
		MaxRetries:   o.MaxRetries,
	})
	return run.Session{
		Endpoint: c.server,
		Secrets:  []string{c.clientSecret, c.jwt},
		Run:      s.Run,
		Do:       s.Do,
		Controls: s.Controls(),
	}
}

// ringCentralSimFlags are `evtap sim ringcentral`'s. Defaults follow the
// provider documents (recovery window 180 s, buffer 100, idle 30 min,
// absolute 24 h); on the command line 0 switches a limit off.
func ringCentralSimFlags(fs *pflag.FlagSet) func(io.Writer) (Sim, error) {
	var (
		rate                                       float64
		seed                                       int64
		recovery, idle, absolute, ping, wsTokenTTL time.Duration
		buffer                                     int
		strict                                     bool
		scenario, clientID, clientSecret, jwt      string
		pubnubHold, pubnubLifetime                 time.Duration
		pubnubEncryption                           string
	)
	fs.Float64Var(&rate, "rate", 2, fmt.Sprintf("notifications generated per second for each live subscription (at most %d)", emu.MaxRate))
	fs.Int64Var(&seed, "seed", 0, "seed for generated events, so runs repeat exactly (0: random)")
	fs.DurationVar(&recovery, "recovery-timeout", 180*time.Second, "how long a lost session can be recovered with its wsc token (0: never)")
	fs.IntVar(&buffer, "buffer-size", 100, "notifications kept for a lost session and replayed on recovery (0: none)")
	fs.DurationVar(&idle, "idle-timeout", 30*time.Minute, "close a connection silent this long with Error WSG-902 (0: never)")
	fs.DurationVar(&absolute, "absolute-timeout", 24*time.Hour, "close every connection this old with Error WSG-903 (0: never)")
	fs.DurationVar(&ping, "ping-interval", 30*time.Second, "how often to send WebSocket pings (0: never)")
	fs.DurationVar(&wsTokenTTL, "ws-token-ttl", 10*time.Minute, "lifetime of a ws_access_token")
	fs.BoolVar(&strict, "strict-tokens", false, "accept each ws_access_token once, as the documents say (the official JS SDK reuses it)")
	fs.StringVar(&scenario, "scenario", "", "YAML `FILE` of scripted steps (send, drop, forget at given times)")
	fs.StringVar(&clientID, "client-id", "", "client id to accept (default: the demo one, printed at start)")
	fs.StringVar(&clientSecret, "client-secret", "", "client secret to accept (default: the demo one)")
	fs.StringVar(&jwt, "jwt", "", "JWT credential to accept (default: the demo one)")
	fs.DurationVar(&pubnubHold, "pubnub-hold", rcsim.DefaultPubNubHold, "how long an empty PubNub long-poll is held before it answers (at most 309s)")
	fs.DurationVar(&pubnubLifetime, "pubnub-lifetime", rcsim.PushDefaultLifetime, "lifetime granted to a PubNub subscription that asks for none (121s-900s)")
	fs.StringVar(&pubnubEncryption, "pubnub-encryption", rcsim.EncryptSensitive, "when PubNub notifications are encrypted: sensitive (presence filters, or on request), always, request")
	return func(log io.Writer) (Sim, error) {
		switch {
		case rate < 0:
			return nil, run.Usagef("--rate must be 0 or more, got %g", rate)
		case emu.CheckRate(rate) != nil:
			return nil, run.Usagef("--rate: %v", emu.CheckRate(rate))
		case buffer < 0:
			return nil, run.Usagef("--buffer-size must be 0 or more, got %d", buffer)
		case recovery < 0, idle < 0, absolute < 0, ping < 0, wsTokenTTL <= 0:
			return nil, run.Usagef("durations must be positive")
		case pubnubHold <= 0 || pubnubHold > rcsim.MaxPubNubHold:
			return nil, run.Usagef("--pubnub-hold must be above 0 and at most %s (clients give up at 310s), got %s", rcsim.MaxPubNubHold, pubnubHold)
		case pubnubLifetime < rcsim.PushMinLifetime || pubnubLifetime > rcsim.PushMaxLifetime:
			return nil, run.Usagef("--pubnub-lifetime must be from %s to %s (the SDKs refuse 120s or less), got %s", rcsim.PushMinLifetime, rcsim.PushMaxLifetime, pubnubLifetime)
		case rcsim.CheckEncryption(pubnubEncryption) != nil:
			return nil, run.Usagef("--pubnub-encryption: %v", rcsim.CheckEncryption(pubnubEncryption))
		}
		// In Config a negative value switches a limit off (0 there means
		// "the default").
		off := func(d time.Duration) time.Duration {
			if d == 0 {
				return -1
			}
			return d
		}
		if buffer == 0 {
			buffer = -1
		}
		cfg := rcsim.Config{
			ClientID: clientID, ClientSecret: clientSecret, JWT: jwt,
			Rate: rate, Seed: seed,
			RecoveryTimeout: off(recovery), BufferSize: buffer,
			IdleTimeout: off(idle), AbsoluteTimeout: off(absolute), PingInterval: off(ping),
			WSTokenTTL: wsTokenTTL, StrictTokens: strict,
			PubNub: rcsim.PubNubConfig{Hold: pubnubHold, Lifetime: pubnubLifetime, Encryption: pubnubEncryption},
			Log:    log, // the operator log: connections, recoveries, faults; never tokens
		}
		if scenario != "" {
			sc, err := rcsim.LoadScenario(scenario)
			if err != nil {
				return nil, run.UsageError{Err: err}
			}
			cfg.Scenario = sc
		}
		return rcSim{rcsim.New(cfg)}, nil
	}
}

// rcSim is the RingCentral emulator as the demo and `evtap sim` drive it.
type rcSim struct{ *rcsim.Server }

// Faults are what only the emulator can do over the WebSocket transport:
// the faults of its PubNub transport are left out of this menu.
func (s rcSim) Faults() []emu.Fault {
	var out []emu.Fault
	for _, f := range s.Server.Faults() {
		if !slices.Contains(rcsim.PushFaultKinds, f.Kind) {
			out = append(out, f)
		}
	}
	return out
}

// Do carries out one of Faults.
func (s rcSim) Do(cmd protocol.Command) error { return s.Fault(cmd) }
