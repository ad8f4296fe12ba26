package providers

import (
	"io"
	"maps"
	"slices"
	"time"

	"github.com/spf13/pflag"

	"github.com/evtap/evtap/internal/run"
	"github.com/evtap/evtap/protocol"
	pn "github.com/evtap/evtap/protocol/pubnub"
	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/record"
	pnsession "github.com/evtap/evtap/session/pubnub"
	"github.com/evtap/evtap/sim/emu"
	rcsim "github.com/evtap/evtap/sim/ringcentral"
	"github.com/evtap/evtap/ui"
)

func init() { builtin.Register(ringCentralPubNub()) }

// ringCentralPubNub is RingCentral's older transport: REST subscriptions
// (deliveryMode PubNub) whose notifications come by PubNub's HTTP
// long-poll, optionally AES-encrypted, renewed before they expire. A
// live session is `evtap connect ringcentral --transport pubnub` (same
// credentials and filters as the WebSocket transport), or, for the list
// of `evtap connect --help` to show it, `evtap connect
// ringcentral-pubnub`. Its recordings and the demo are filed under this
// entry, so that `evtap replay` decodes them with the PubNub decoder and
// shows the long-poll.
func ringCentralPubNub() *Entry {
	return &Entry{
		Name:    pn.ProviderName,
		Title:   "RingCentral over PubNub",
		Summary: "RingCentral REST subscriptions delivered by PubNub's long-poll (deprecated): renewals, catch-up, AES",
		Connect: &Connect{
			Long: `Connect to a RingCentral account through the deprecated PubNub delivery:
REST subscriptions whose notifications PubNub's long-poll brings, AES-
encrypted, renewed before they expire — the same as 'evtap connect
ringcentral --transport pubnub'. The app needs the "PubNub Subscriptions"
scope; credentials and filters are the WebSocket transport's, and the
flags override the environment.`,
			Flags: func(fs *pflag.FlagSet) Dial {
				c := addRingCentralCredFlags(fs)
				pubnub := addPubNubFlags(fs, false)
				return func(_ []string, o Options) (run.Session, error) {
					if err := pubnub.check(); err != nil {
						return run.Session{}, err
					}
					if err := c.resolve(); err != nil {
						return run.Session{}, err
					}
					return pubNubSession(*c, pubnub.origin, o), nil
				}
			},
		},
		// The RingCentral emulator serves both transports: `evtap sim
		// ringcentral-pubnub` is `evtap sim ringcentral`, and the demo
		// long-polls it with the PubNub faults in its menu.
		Emulator: &Emulator{
			Long: `Run the RingCentral emulator on loopback (the same as 'evtap sim
ringcentral'): OAuth, REST subscriptions with PubNub delivery (create,
renew, delete), PubNub's v2 long-poll on the same address (catch-up of
100 messages, AES-128-ECB), the WebSocket gateway too, and a control API
for faults. The banner gives the PubNub origin and subscribe key.`,
			Flags: func(fs *pflag.FlagSet) func(io.Writer) (Sim, error) {
				build := ringCentralSimFlags(fs)
				return func(log io.Writer) (Sim, error) {
					s, err := build(log)
					if err != nil {
						return nil, err
					}
					return rcPushSim{s.(rcSim).Server}, nil
				}
			},
			// The demo grants short lifetimes, so a renewal (due 120 s
			// before expiry) comes every half minute instead of every
			// 13 minutes: the renew history, a key rotated at a renewal
			// and a renew refused can be watched without waiting.
			Demo: func(o DemoOptions) Sim {
				return rcPushSim{rcsim.New(rcsim.Config{Rate: o.Rate, Seed: o.Seed,
					PubNub: rcsim.PubNubConfig{Lifetime: demoPubNubLifetime}})}
			},
			Client: func(base string, o Options) (run.Session, error) {
				return pubNubSession(ringCentralCreds{
					server: base, clientID: rcsim.DemoClientID, clientSecret: rcsim.DemoClientSecret, jwt: rcsim.DemoJWT,
				}, base, o), nil
			},
		},
		Decoder: func() protocol.Decoder { return pn.NewDecoder() },
		UI:      ringCentralPubNubUI(),
		Redact:  ringCentralPubNubRedact,
	}
}

// ringCentralPubNubRedact adds RingCentral's secret fields and PubNub's
// (the subscribe key, and the URL paths that carry it) to the
// recorder's rules.
func ringCentralPubNubRedact(o *record.Options) {
	r := record.Rules{Fields: map[string]string{}}
	maps.Copy(r.Fields, rc.SecretFields)
	maps.Copy(r.Fields, pn.SecretFields)
	for _, p := range pn.SecretPaths {
		r.PathTokens = append(r.PathTokens, record.PathToken{Prefix: p.Prefix, Kind: p.Kind})
	}
	o.Rules = o.Rules.Merge(r)
}

// ringCentralPubNubUI is what the TUI says of a session over PubNub.
func ringCentralPubNubUI() ui.Provider {
	p := ringCentralUI()
	p.Name = pn.ProviderName
	p.ContextTitle = "Long-poll"
	p.ContextEmpty = "no subscription yet"
	p.SubscriptionsTitle = "Subscription (REST, PubNub delivery)"
	p.Gaps = "PubNub cannot count losses: gaps show past its queue (20 min, 100 messages) and on re-creation"
	p.Phases = map[protocol.Phase]string{
		protocol.PhaseToken:       "getting an access token",
		protocol.PhaseSubscribing: "subscription request (REST)",
		protocol.PhaseDialing:     "handshake: the first poll, no timetoken",
		protocol.PhaseRecovering:  "resuming from the last timetoken (catch-up)",
		protocol.PhaseRecovered:   "resumed from the last timetoken",
		protocol.PhaseLive:        "long-polling",
		protocol.PhaseRotating:    "moving the poll to the subscription's channel",
		protocol.PhaseRejected:    "REJECTED: polling stopped",
	}
	return p
}

// resumeFault is offered in the fault menu of every PubNub session: the
// only way back after PubNub refused the poll, as with its own clients.
var resumeFault = ui.Fault{
	Name:    "resume polling",
	Explain: "poll again now: after PubNub refused the subscribe (403/400) nothing is retried until this; during a backoff it skips the wait",
	Cmd:     protocol.Command{Kind: protocol.CmdResume},
}

// demoPubNubLifetime is what the demo's emulator grants a subscription
// that asks for no lifetime: renewals 30 s apart.
const demoPubNubLifetime = 150 * time.Second

// rcPushSim is the RingCentral emulator as a PubNub demo drives it: its
// menu holds the PubNub transport's faults (drop the poll, expire the
// subscription, fail a renew, rotate the key…), none of the socket's.
type rcPushSim struct{ *rcsim.Server }

// Faults are the emulator's PubNub faults.
func (s rcPushSim) Faults() []emu.Fault {
	var out []emu.Fault
	for _, f := range s.Server.Faults() {
		if slices.Contains(rcsim.PushFaultKinds, f.Kind) {
			out = append(out, f)
		}
	}
	return out
}

// Do carries out one of Faults.
func (s rcPushSim) Do(cmd protocol.Command) error { return s.Fault(cmd) }

// pubNubFlags are what `evtap connect ringcentral` adds for the PubNub
// transport.
type pubNubFlags struct {
	transport, origin string
}

// addPubNubFlags registers --pubnub-origin and, when choose is set (the
// ringcentral entry, whose default is the WebSocket), --transport.
func addPubNubFlags(fs *pflag.FlagSet, choose bool) *pubNubFlags {
	f := &pubNubFlags{transport: "pubnub"}
	how := "PubNub `URL` to long-poll: scheme and host (default " + pn.DefaultOrigin + ", the one the SDKs use)"
	if choose {
		fs.StringVar(&f.transport, "transport", "websocket", "how notifications travel: websocket (wsc session recovery) or pubnub (REST subscriptions over PubNub's long-poll, deprecated)")
		how = "PubNub `URL` to long-poll with --transport pubnub: scheme and host (default " + pn.DefaultOrigin + ", the one the SDKs use)"
	}
	fs.StringVar(&f.origin, "pubnub-origin", "", how)
	return f
}

// check reports a usage mistake in the flags.
func (f *pubNubFlags) check() error {
	switch f.transport {
	case "websocket", "pubnub":
	default:
		return run.Usagef("--transport must be websocket or pubnub, got %q", f.transport)
	}
	if f.origin != "" {
		if f.transport != "pubnub" {
			return run.Usagef("--pubnub-origin needs --transport pubnub")
		}
		if err := pn.CheckOrigin(f.origin); err != nil {
			return run.Usagef("--pubnub-origin: %v", err)
		}
	}
	return nil
}

// pubNubSession is a live session over PubNub with c's credentials.
func pubNubSession(c ringCentralCreds, origin string, o Options) run.Session {
	s := pnsession.New(pnsession.Config{
		Server: c.server, ClientID: c.clientID, ClientSecret: c.clientSecret, JWT: c.jwt,
		Filters: o.Filters, Origin: origin, MaxRetries: o.MaxRetries,
	})
	return run.Session{
		Provider: pn.ProviderName,
		Title:    "RingCentral over PubNub " + c.server,
		UI:       ringCentralPubNubUI(),
		Redact:   ringCentralPubNubRedact,
		Endpoint: c.server,
		Secrets:  []string{c.clientSecret, c.jwt},
		Run:      s.Run,
		Do:       s.Do,
		Controls: pollControls(s.Controls()),
		Faults:   []ui.Fault{resumeFault},
	}
}

// pollControls are the engine's controls that mean something on a
// long-poll: nothing can be sent on one, it has no pings, pongs or
// keepalive frames to stop, and a stalled reader only makes one poll
// late (the emulator's reset and outage faults are the real tests).
func pollControls(c protocol.Controls) protocol.Controls {
	return controlsWithout(c, protocol.CmdSend, protocol.CmdStopHeartbeats, protocol.CmdStopPongs, protocol.CmdStallRead)
}
