package shell

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/ui"
)

// t0 is the fixed start of every scripted session, so goldens repeat.
var t0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func init() { time.Local = time.UTC }

func fixedNow() time.Time { return t0.Add(10 * time.Second) }

// fakeSource replays a script of Updates and records the commands sent.
type fakeSource struct {
	mu       sync.Mutex
	feed     *Feed
	controls protocol.Controls
	faults   []ui.Fault // the emulator's, offered when controls accept them
	cmds     []protocol.Command
}

func newFakeSource(us ...protocol.Update) *fakeSource {
	f := &fakeSource{feed: NewFeed(1000), controls: protocol.Controls{
		protocol.CmdDrop: true, protocol.CmdForget: true, protocol.CmdSetFilters: true,
		protocol.CmdClose: true, protocol.CmdMarker: true,
	}, faults: emulatorFaults()}
	for _, u := range us {
		f.feed.Push(u)
	}
	return f
}

func (f *fakeSource) Next(ctx context.Context) ([]protocol.Update, int, bool) {
	return f.feed.Next(ctx)
}
func (f *fakeSource) Controls() protocol.Controls { return f.controls }

// Do records c; a frame sent by hand comes back as a sent Update, as a
// session publishes it.
func (f *fakeSource) Do(c protocol.Command) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cmds = append(f.cmds, c)
	if c.Kind == protocol.CmdSend {
		f.feed.Push(protocol.Update{Time: at(9), Kind: protocol.KindSent, Conn: 1,
			Frame: &protocol.Frame{Op: protocol.OpText, Data: c.Text, Size: len(c.Text)}})
	}
	return nil
}
func (f *fakeSource) sent() []protocol.Command {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]protocol.Command(nil), f.cmds...)
}

func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

func state(sec float64, s protocol.State) protocol.Update {
	return protocol.Update{Time: at(sec), Kind: protocol.KindState, Conn: 1, State: &s}
}

func event(sec float64, seq uint64, label, summary string) protocol.Update {
	body, _ := json.Marshal(map[string]any{"uuid": "u-" + label, "event": "/restapi/v1.0/account/1/extension/2/x", "body": map[string]any{"text": summary}})
	return protocol.Update{Time: at(sec), Kind: protocol.KindEvent, Conn: 1, Event: &protocol.Event{
		Provider: "ringcentral", Label: label, Summary: summary, Seq: seq, Body: body,
	}}
}

// liveSession is a healthy session: connected, subscribed, a few events.
func liveSession() []protocol.Update {
	rec := &protocol.Recovery{Token: "RTFhRG5nfExxxxxxxxxxxcHE3bXkyRURQVQ", Sequence: 1, TimeoutSec: 180, BufferSize: 100}
	return []protocol.Update{
		state(0, protocol.State{Phase: protocol.PhaseToken}),
		state(0.1, protocol.State{Phase: protocol.PhaseDialing, URL: "ws://127.0.0.1:9/ws?access_token=***"}),
		state(0.2, protocol.State{Phase: protocol.PhaseConnected, Recovery: rec, Info: map[string]string{"idle_timeout": "1800s"}}),
		{Time: at(0.3), Kind: protocol.KindSubscription, Subscription: &protocol.Subscription{
			ID: "2db5fcc4-sub", Status: "Active", Filters: []string{"/restapi/v1.0/account/1/extension/2/message-store/instant?type=SMS"},
		}},
		state(0.3, protocol.State{Phase: protocol.PhaseLive}),
		event(1, 2, "SMS in", `+15551230001 → +15551230002 "Hello"`),
		event(2, 3, "voicemail", "+15551230003 → +15551230002 0:42"),
		{Time: at(3), Kind: protocol.KindGap, Gap: &protocol.Gap{From: 4, To: 5, Missed: 2, Reason: "sequence jumped"}},
		event(4, 6, "presence", "Ringing"),
	}
}

// wscProvider describes a provider with recovery tokens and one
// subscription per session, in the words the RingCentral entry of the
// registry uses; its validator is a small stand-in for the real one.
// emulatorFaults is what a RingCentral-like emulator offers beside the
// session's own controls, as the registry describes it.
func emulatorFaults() []ui.Fault {
	return []ui.Fault{
		{Name: "close 1000", Explain: "the server closes with 1000 (normal closure)", Cmd: protocol.Command{Kind: protocol.CmdClose, Code: 1000}},
		{Name: "close 1011", Explain: "the server closes with 1011 (server error)", Cmd: protocol.Command{Kind: protocol.CmdClose, Code: 1011}},
		{Name: "close 4000", Explain: "the server closes with 4000", Cmd: protocol.Command{Kind: protocol.CmdClose, Code: 4000}},
		{Name: "forget session", Explain: "the emulator forgets the session: recovery fails", Cmd: protocol.Command{Kind: protocol.CmdForget}},
		{Name: "refuse next token", Explain: "the emulator refuses the next token request", Cmd: protocol.Command{Kind: protocol.CmdRefuseToken}},
		{Name: "delay frames", Explain: "the emulator delays every frame by 500 ms", Cmd: protocol.Command{Kind: protocol.CmdDelayFrames, Duration: 500 * time.Millisecond}, Toggle: true},
		{Name: "reorder frames", Explain: "the emulator swaps adjacent notifications", Cmd: protocol.Command{Kind: protocol.CmdReorderFrames}, Toggle: true},
		{Name: "expire subscription", Explain: "the emulator expires the subscription now", Cmd: protocol.Command{Kind: protocol.CmdFault, Text: "expire"}},
		{Name: "renew 404", Explain: "the next renew answers 404", Cmd: protocol.Command{Kind: protocol.CmdFault, Text: "renew_404"}},
		{Name: "encryption off", Explain: "the emulator stops encrypting", Cmd: protocol.Command{Kind: protocol.CmdFault, Text: "plain"}, Toggle: true},
	}
}

func wscProvider() ui.Provider {
	resources := []string{"message-store/instant?type=SMS", "voicemail", "presence", "telephony/sessions"}
	return ui.Provider{
		Name:               "ringcentral",
		ContextTitle:       "Recovery (wsc)",
		ContextEmpty:       "no recovery token yet",
		SubscriptionsTitle: "Subscription",
		OneSubscription:    true,
		Phases: map[protocol.Phase]string{
			protocol.PhaseUpgraded:       "upgraded, waiting for ConnectionDetails",
			protocol.PhaseConnected:      "ConnectionDetails received",
			protocol.PhaseRecovering:     "recovering (wsc presented)",
			protocol.PhaseRecovered:      "recovered: Successful",
			protocol.PhaseRecoveryFailed: "recovery Failed, resubscribing",
		},
		Filters: &ui.FilterSpec{
			Title: "Event filters",
			Help:  "one per line, e.g. /restapi/v1.0/account/~/extension/~/voicemail",
			Validate: func(f string) error {
				const p = "/restapi/v1.0/account/~/extension/~/"
				r := strings.TrimPrefix(f, p)
				for _, ok := range resources {
					if r == ok {
						return nil
					}
				}
				return fmt.Errorf("unknown resource %q", r)
			},
			Presets: []ui.Preset{
				{Name: "sms", Description: "Instant SMS", Value: "/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS"},
				{Name: "voicemail", Description: "Voicemail", Value: "/restapi/v1.0/account/~/extension/~/voicemail"},
			},
		},
		ShortFilter: func(f string) string {
			if i := strings.Index(f, "/extension/"); i >= 0 {
				if j := strings.Index(f[i+len("/extension/"):], "/"); j >= 0 {
					return "…" + f[i+len("/extension/")+j:]
				}
			}
			return f
		},
	}
}

// otherProvider has words, titles and filter rules no real provider
// uses: what the screen shows under it can only have come from here.
func otherProvider() ui.Provider {
	return ui.Provider{
		Name:               "zebra",
		ContextTitle:       "Stripes",
		ContextEmpty:       "no stripes counted yet",
		SubscriptionsTitle: "Herds",
		Phases: map[protocol.Phase]string{
			protocol.PhaseConnected: "zebra says hello",
			protocol.PhaseLive:      "GALLOPING",
		},
		Gaps: "gaps cannot be known on a zebra stream",
		Filters: &ui.FilterSpec{
			Title: "Herd names",
			Help:  "one herd per line, lower case",
			Validate: func(s string) error {
				if strings.ToLower(s) != s {
					return fmt.Errorf("herd %q must be lower case", s)
				}
				return nil
			},
			Presets: []ui.Preset{{Name: "plains", Description: "the plains herd", Value: "plains"}},
		},
	}
}
