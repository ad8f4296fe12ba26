package providers

import (
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/evtap/evtap/internal/run"
	"github.com/evtap/evtap/protocol"
	vb "github.com/evtap/evtap/protocol/voipbin"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/replay"
	"github.com/evtap/evtap/session"
	vbsession "github.com/evtap/evtap/session/voipbin"
	"github.com/evtap/evtap/sim/emu"
	vbsim "github.com/evtap/evtap/sim/voipbin"
	"github.com/evtap/evtap/ui"
)

func init() { builtin.Register(voipBin()) }

// voipBin is VoIPBin's topic WebSocket: a JWT, an access key or a login
// opens /v1.0/ws, and topics (prefixes of the topic strings each event is
// published under) choose the events.
func voipBin() *Entry {
	return &Entry{
		Name:    vb.ProviderName,
		Title:   "VoIPBin",
		Summary: "VoIPBin topic WebSocket: topics checked before sending, duplicates and outages shown",
		Connect: &Connect{
			Long: `Connect to a VoIPBin account's event WebSocket (/v1.0/ws) and subscribe
topics. Give one credential: a JWT (--token), an access key (--accesskey),
or a username and password for POST /auth/login. Topics are checked with
VoIPBin's own rules before anything is sent, since the server answers a
bad one by dropping the connection; without --topic, evtap subscribes what
the credential allows. The flags override the environment.`,
			Flags: voipBinConnectFlags,
		},
		Emulator: &Emulator{
			Long: `Run the VoIPBin emulator on loopback: POST /auth/login, the topic WebSocket
at /v1.0/ws with VoIPBin's permission rules (a bad topic drops the
connection without a close frame), every event published under both
topic strings, server pings, generated calls, agents, queue calls,
conferences, SMS, recordings and transcriptions, and a control API for
faults and injected events. The banner says where everything is and which
credentials work.`,
			Flags: voipBinSimFlags,
			Demo: func(o DemoOptions) Sim {
				return vbSim{vbsim.New(vbsim.Config{Rate: o.Rate, Seed: o.Seed})}
			},
			Client: func(base string, o Options) (run.Session, error) {
				c := voipBinCreds{server: base, username: vbsim.DemoUsername, password: vbsim.DemoPassword}
				if len(o.Filters) == 0 {
					c.topics = voipBinDemoTopics(vbsim.DemoCustomerID)
				}
				return voipBinSession(c, o)
			},
		},
		Decoder: func() protocol.Decoder { return vb.NewDecoder() },
		UI:      voipBinUI(nil, vb.Credential{}),
		// The recorder's defaults know a token and a password; an access
		// key travels as ?accesskey= or in a Cookie.
		Redact: func(o *record.Options) {
			o.Rules = o.Rules.Merge(record.Rules{Fields: vb.SecretFields})
		},
		Responder: func() replay.Responder { return vb.NewResponder() },
		HAR:       voipBinHAR,
	}
}

// voipBinUI is what the TUI says of a VoIPBin session. validate checks a
// topic for the session's credential as it is known now (complete after a
// login); presets are offered once the customer or agent is known.
func voipBinUI(validate func(string) error, cred vb.Credential) ui.Provider {
	if validate == nil {
		validate = func(t string) error { return vb.ValidateTopic(t, cred) }
	}
	return ui.Provider{
		Name:               vb.ProviderName,
		ContextTitle:       "Keepalive",
		ContextEmpty:       "nothing yet: the credential and the server's pings appear once connected",
		SubscriptionsTitle: "Topics",
		ShortFilter:        shortTopic,
		Phases: map[protocol.Phase]string{
			protocol.PhaseUpgraded:    "upgraded (VoIPBin sends nothing first)",
			protocol.PhaseSubscribing: "subscribed, waiting (VoIPBin never acknowledges)",
		},
		Gaps: "VoIPBin has no resume token: a drop shows as a window in which events may have been lost",
		Filters: &ui.FilterSpec{
			Title:    "Topics",
			Help:     "customer_id:<uuid>[:<resource>[:<event type or id>]] or agent_id:<own id>…, one per line; 4-part event-type prefixes get each event once",
			Validate: validate,
			Presets:  voipBinPresets(cred),
			// protocol/voipbin.DefaultTopics.
			DefaultText: "every common resource the credential may subscribe, once each (an agent: its own calls and recordings)",
		},
	}
}

// voipBinPresets are common topic sets for the credential's customer (or
// agent): the 4-part event-type prefixes VoIPBin's own client uses, and
// the broader ones with what they cost.
func voipBinPresets(c vb.Credential) []ui.Preset {
	var ps []ui.Preset
	if cid := c.CustomerID; cid != "" && c.Kind != vb.CredentialDirect {
		base := vb.ScopeCustomer + ":" + cid
		ps = append(ps,
			ui.Preset{Name: "every event, once", Description: "<resource>:<resource>_ for every common resource: a raw prefix of the new-format topic strings only", Value: lines(vb.DefaultTopics(vb.AccessKeyCredential(cid)))},
			ui.Preset{Name: "voipbin-mcp", Description: "the five event-type prefixes VoIPBin's own client subscribes: calls created, progressing, hung up; transcripts; interim speech", Value: lines(vb.MCPTopics(cid))},
			ui.Preset{Name: "calls, once each", Description: "one 4-part prefix per call event type: each event once, its type known", Value: lines(vb.EventTypePrefixes(vb.ScopeCustomer, cid, "call"))},
			ui.Preset{Name: "call hangups", Description: "hangups only, with hangup_by and hangup_reason", Value: base + ":call:call_hangup"},
			ui.Preset{Name: "agents", Description: "agents changing status", Value: base + ":agent:agent_status_updated"},
			ui.Preset{Name: "queue calls", Description: "every queuecall event (3-part: each arrives twice)", Value: base + ":queuecall"},
			ui.Preset{Name: "SMS", Description: "messages, once each", Value: lines(vb.EventTypePrefixes(vb.ScopeCustomer, cid, "message"))},
			ui.Preset{Name: "everything", Description: "every event of the customer, each twice (both topic strings match)", Value: base},
		)
	}
	if aid := c.AgentID; aid != "" {
		ps = append(ps, ui.Preset{Name: "my calls", Description: "calls of this agent (agent_id topics need no admin permission)", Value: lines(vb.EventTypePrefixes(vb.ScopeAgent, aid, "call"))})
	}
	return ps
}

// lines is a preset of several topics, one per line of the editor.
func lines(ts []string) string { return strings.Join(ts, "\n") }

// shortTopic drops the scope id every topic of a session shares.
func shortTopic(t string) string {
	scope, rest, ok := strings.Cut(t, ":")
	if !ok {
		return t
	}
	if _, tail, ok := strings.Cut(rest, ":"); ok {
		return scope + ":…:" + tail
	}
	return t
}

// voipBinHAR claims a socket on a VoIPBin host, or at VoIPBin's socket
// path with its credential in the query (the emulator, a proxy).
func voipBinHAR(rawURL string, _ []byte) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	if h := u.Hostname(); h == "voipbin.net" || strings.HasSuffix(h, ".voipbin.net") {
		return true
	}
	q := u.Query()
	return strings.HasSuffix(u.Path, vb.PathSocket) && (q.Has("token") || q.Has("accesskey"))
}

// voipBinCreds are `evtap connect voipbin`'s flags.
type voipBinCreds struct {
	server, token, accessKey, username, password string
	topics                                       []string
}

func voipBinConnectFlags(fs *pflag.FlagSet) Dial {
	var c voipBinCreds
	fs.StringVar(&c.server, "server", "", "REST base `URL` (default $VOIPBIN_SERVER_URL, else "+vb.DefaultServer+"); the socket is its /v1.0/ws")
	fs.StringVar(&c.token, "token", "", "a `JWT`, sent as ?token= (default $VOIPBIN_TOKEN)")
	fs.StringVar(&c.accessKey, "accesskey", "", "an access `KEY` vb_…, sent as ?accesskey= (default $VOIPBIN_ACCESSKEY)")
	fs.StringVar(&c.username, "username", "", "log in as `NAME` with POST /auth/login (default $VOIPBIN_USERNAME)")
	fs.StringVar(&c.password, "password", "", "the login's `PASSWORD` (default $VOIPBIN_PASSWORD)")
	fs.StringArrayVar(&c.topics, "topic", nil, "a `TOPIC` to subscribe, e.g. customer_id:<uuid>:call:call_hangup (repeatable; default: what the credential allows)")
	return func(_ []string, o Options) (run.Session, error) {
		c.resolve()
		return voipBinSession(c, o)
	}
}

// resolve fills what the flags left empty from the environment. Only
// when no credential flag was given is one taken from the environment,
// so a flag never mixes with another kind of credential left there.
func (c *voipBinCreds) resolve() {
	if c.server == "" {
		c.server = os.Getenv("VOIPBIN_SERVER_URL")
	}
	if c.token == "" && c.accessKey == "" && c.username == "" && c.password == "" {
		c.token, c.accessKey = os.Getenv("VOIPBIN_TOKEN"), os.Getenv("VOIPBIN_ACCESSKEY")
		c.username, c.password = os.Getenv("VOIPBIN_USERNAME"), os.Getenv("VOIPBIN_PASSWORD")
	}
	if c.username != "" && c.password == "" {
		c.password = os.Getenv("VOIPBIN_PASSWORD")
	}
}

func voipBinSession(c voipBinCreds, o Options) (run.Session, error) {
	topics := append(append([]string(nil), c.topics...), o.Filters...)
	p, err := vbsession.NewProvider(vbsession.Config{
		Server: c.server, Token: c.token, AccessKey: c.accessKey, Username: c.username, Password: c.password,
		Topics: topics, MaxRetries: o.MaxRetries,
	})
	if err != nil {
		return run.Session{}, run.UsageError{Err: err}
	}
	s := session.New(p, p.Options())
	endpoint := c.server
	if endpoint == "" {
		endpoint = vb.DefaultServer
	}
	return run.Session{
		Endpoint: endpoint,
		Secrets:  []string{c.token, c.accessKey, c.password},
		UI:       voipBinUI(func(t string) error { return vb.ValidateTopic(t, p.Credential()) }, presetScope(p.Credential(), topics)),
		Run:      s.Run,
		Do:       s.Do,
		Controls: s.Controls(),
	}, nil
}

// presetScope is whose presets the editor offers: the credential's
// customer and agent, or, when the credential does not say (an access
// key, a login not yet made), the ones the given topics name.
func presetScope(c vb.Credential, topics []string) vb.Credential {
	for _, t := range topics {
		tp, err := vb.ParseTopic(t)
		switch {
		case err != nil:
		case tp.Scope == vb.ScopeCustomer && c.CustomerID == "":
			c.CustomerID = tp.ID
		case tp.Scope == vb.ScopeAgent && c.AgentID == "":
			c.AgentID = tp.ID
		}
	}
	return c
}

// voipBinDemoTopics are what the demo subscribes: one 3-part prefix, so
// that the duplicates VoIPBin's two topic strings cause are seen and
// explained, and every other common resource once each.
func voipBinDemoTopics(customerID string) []string {
	topics := []string{vb.ScopeCustomer + ":" + customerID + ":call"}
	for _, r := range []string{"activeflow", "agent", "queuecall", "conference", "message", "recording", "transcribe", "transcript"} {
		topics = append(topics, vb.ResourceTopic(vb.ScopeCustomer, customerID, r))
	}
	return topics
}

// voipBinSimFlags are `evtap sim voipbin`'s. Defaults follow the notes
// (pings every 10 s, a 60 s pong timeout, a 2000-frame buffer); on the
// command line 0 switches a timer off.
func voipBinSimFlags(fs *pflag.FlagSet) func(io.Writer) (Sim, error) {
	var (
		rate                     float64
		seed                     int64
		wrapped                  bool
		buffer                   int
		ping, pong, tokenTTL     time.Duration
		scenario                 string
		user, password, key, sig string
	)
	fs.Float64Var(&rate, "rate", vbsim.DefaultRate, "events generated per second, each published under all its topic strings (0: none)")
	fs.Int64Var(&seed, "seed", 0, "seed for generated events, so runs repeat exactly (0: random)")
	fs.BoolVar(&wrapped, "wrapped", false, `send the legacy {"type","data"} frames instead of the bare resource production sends`)
	fs.IntVar(&buffer, "buffer-size", vbsim.DefaultBufferSize, "frames buffered per connection; the excess is dropped and counted")
	fs.DurationVar(&ping, "ping-interval", vbsim.DefaultPingInterval, "how often the server pings (0: never)")
	fs.DurationVar(&pong, "pong-timeout", vbsim.DefaultPongTimeout, "drop a client that sends no pong for this long (0: never)")
	fs.DurationVar(&tokenTTL, "token-ttl", vbsim.DefaultTokenTTL, "how far ahead login puts a token's expire claim")
	fs.StringVar(&scenario, "scenario", "", "YAML `FILE` of scripted steps (inject, drop, close at given times)")
	fs.StringVar(&user, "username", "", "the admin's login (default: the demo one, printed at start)")
	fs.StringVar(&password, "password", "", "the logins' password (default: the demo one)")
	fs.StringVar(&key, "accesskey", "", "the access key to accept (default: the demo one)")
	fs.StringVar(&sig, "signing-key", "", "the HMAC key JWTs are signed and checked with (default: the demo one)")
	return func(log io.Writer) (Sim, error) {
		switch {
		case emu.CheckRate(rate) != nil:
			return nil, run.Usagef("--rate: %v", emu.CheckRate(rate))
		case buffer < 1:
			return nil, run.Usagef("--buffer-size must be at least 1, got %d", buffer)
		case ping < 0, pong < 0:
			return nil, run.Usagef("--ping-interval and --pong-timeout must be 0 or more")
		case tokenTTL <= 0:
			return nil, run.Usagef("--token-ttl must be positive, got %s", tokenTTL)
		}
		off := func(d time.Duration) time.Duration { // in Config 0 means the default
			if d == 0 {
				return -1
			}
			return d
		}
		cfg := vbsim.Config{Username: user, Password: password, AccessKey: key, SigningKey: sig, TokenTTL: tokenTTL,
			Rate: rate, Seed: seed, Wrapped: wrapped, BufferSize: buffer, PingInterval: off(ping), PongTimeout: off(pong),
			Log: log} // the operator log: logins, connections, drops; never tokens
		if scenario != "" {
			sc, err := vbsim.LoadScenario(scenario)
			if err != nil {
				return nil, run.UsageError{Err: err}
			}
			cfg.Scenario = sc
		}
		return vbSim{vbsim.New(cfg)}, nil
	}
}

// vbSim is the VoIPBin emulator as the demo and `evtap sim` drive it.
type vbSim struct{ *vbsim.Server }

// Do carries out one of Faults.
func (s vbSim) Do(cmd protocol.Command) error { return s.Fault(cmd) }
