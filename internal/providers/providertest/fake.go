// Package providertest is a provider that exists only in tests: an
// Entry with its own flags, words and filter rules, a session that
// publishes what it is told to, and an emulator that records the faults
// it is sent. It proves that the commands and the UI take everything
// from the registry.
package providertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/internal/run"
	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/sim/emu"
	"github.com/evtap/evtap/ui"
)

// Name is the fake provider's name.
const Name = "fake"

// Scheme is the URL scheme the fake provider claims: `evtap connect
// fake://anything` needs no provider name.
const Scheme = "fake://"

// Entry returns a fresh fake provider. Its sessions publish dialing and
// live, then one event per greeting (--greeting, repeatable), then wait;
// every command they are sent is recorded in Log.
func Entry(log *Log) *providers.Entry {
	return &providers.Entry{
		Name:    Name,
		Title:   "Fake",
		Summary: "a provider that exists only in tests",
		Connect: &providers.Connect{
			Args: "URL", NArgs: 1,
			Long:   "Connect to a fake URL.",
			Claims: func(arg string) bool { return strings.HasPrefix(arg, Scheme) },
			Flags: func(fs *pflag.FlagSet) providers.Dial {
				var greetings []string
				fs.StringArrayVar(&greetings, "greeting", nil, "an event to publish once live")
				return func(args []string, o providers.Options) (run.Session, error) {
					if !strings.HasPrefix(args[0], Scheme) {
						return run.Session{}, run.Usagef("want a %sURL, got %q", Scheme, args[0])
					}
					return Session(args[0], greetings, log), nil
				}
			},
		},
		Emulator: &providers.Emulator{
			Long: "Pretend to serve fake events.",
			Flags: func(fs *pflag.FlagSet) func(io.Writer) (providers.Sim, error) {
				return func(io.Writer) (providers.Sim, error) { return &Sim{log: log}, nil }
			},
			Demo: func(providers.DemoOptions) providers.Sim { return &Sim{log: log} },
			Client: func(url string, o providers.Options) (run.Session, error) {
				return Session(url, []string{"hello from the emulator"}, log), nil
			},
		},
		Decoder: func() protocol.Decoder {
			return protocol.DecoderFunc(func(dst []protocol.Update, _ *protocol.Update, _ []byte) ([]protocol.Update, any) { return dst, nil })
		},
		UI: UI(),
	}
}

// UI is the fake provider's description: words no real provider uses.
func UI() ui.Provider {
	return ui.Provider{
		Name:               Name,
		ContextTitle:       "Fake context",
		ContextEmpty:       "no fake context yet",
		SubscriptionsTitle: "Fake topics",
		Phases: map[protocol.Phase]string{
			protocol.PhaseConnected: "fake handshake done",
			protocol.PhaseLive:      "FAKE-LIVE",
		},
		Gaps: "gaps cannot be known on a fake stream",
		Filters: &ui.FilterSpec{
			Title: "Fake topics",
			Help:  "one topic per line, each starting with topic:",
			Validate: func(s string) error {
				if !strings.HasPrefix(s, "topic:") {
					return fmt.Errorf("%q is not a topic: start it with topic:", s)
				}
				return nil
			},
			Presets: []ui.Preset{{Name: "all", Description: "every fake topic", Value: "topic:*"}},
		},
	}
}

// Log records what the fake provider was asked to do.
type Log struct {
	mu     sync.Mutex
	cmds   []string
	closed int
}

func (l *Log) add(who string, c protocol.Command) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cmds = append(l.cmds, who+":"+string(c.Kind))
}

// Commands lists the commands received, as "session:drop" or
// "sim:forget", in order.
func (l *Log) Commands() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.cmds...)
}

// Closed is how many emulators were closed.
func (l *Log) Closed() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// Session is a fake live session at url.
func Session(url string, greetings []string, log *Log) run.Session {
	cmds := make(chan protocol.Command, 16)
	return run.Session{
		Endpoint:  url,
		SendStdin: true,
		Run: func(ctx context.Context, emit func(protocol.Update)) error {
			start := time.Now()
			pub := func(u protocol.Update) {
				u.Time, u.Offset, u.Conn = time.Now(), protocol.Offset(time.Since(start)), 1
				emit(u)
			}
			pub(protocol.Update{Kind: protocol.KindState, State: &protocol.State{Phase: protocol.PhaseDialing, URL: url}})
			pub(protocol.Update{Kind: protocol.KindState, State: &protocol.State{Phase: protocol.PhaseLive}})
			for i, g := range greetings {
				body, _ := json.Marshal(map[string]string{"greeting": g})
				pub(protocol.Update{Kind: protocol.KindEvent, Event: &protocol.Event{
					Provider: Name, ID: fmt.Sprint("g", i+1), Label: "greeting", Summary: g, Body: body}})
			}
			for {
				select {
				case <-ctx.Done():
					return nil
				case c := <-cmds:
					if c.Kind == protocol.CmdSend {
						pub(protocol.Update{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpText, Data: c.Text, Size: len(c.Text)}})
					}
				}
			}
		},
		Do: func(c protocol.Command) error {
			if log != nil {
				log.add("session", c)
			}
			select {
			case cmds <- c:
				return nil
			default:
				return errors.New("too many commands")
			}
		},
		Controls: protocol.Controls{protocol.CmdDrop: true, protocol.CmdSend: true, protocol.CmdSetFilters: true},
	}
}

// Sim is the fake emulator.
type Sim struct {
	log *Log
	url string
}

// Start pretends to listen.
func (s *Sim) Start(addr string) (string, error) {
	s.url = Scheme + addr
	return s.url, nil
}

// Banner says where the fake emulator is.
func (s *Sim) Banner() string { return "fake emulator at " + s.url + "\n" }

// Faults are what only the fake emulator does.
func (s *Sim) Faults() []emu.Fault {
	return []emu.Fault{
		{Kind: protocol.CmdForget, Name: "forget session", Description: "the fake emulator forgets the session"},
		{Kind: protocol.CmdFault, Name: "expire now", Description: "the fake emulator expires what it issued"},
	}
}

// Do records the fault.
func (s *Sim) Do(c protocol.Command) error {
	if s.log != nil {
		s.log.add("sim", c)
	}
	return nil
}

// Close records the close.
func (s *Sim) Close() error {
	if s.log != nil {
		s.log.mu.Lock()
		s.log.closed++
		s.log.mu.Unlock()
	}
	return nil
}
