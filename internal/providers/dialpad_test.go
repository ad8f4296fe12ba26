package providers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/evtap/evtap/internal/run"
	"github.com/evtap/evtap/protocol"
	dpsim "github.com/evtap/evtap/sim/dialpad"
)

// dialpadDial parses `evtap connect dialpad`'s flags.
func dialpadDial(t *testing.T, o Options, args ...string) (run.Session, error) {
	t.Helper()
	fs := pflag.NewFlagSet("dialpad", pflag.ContinueOnError)
	dial := dialpadConnectFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	e, _ := Builtin().Lookup("dialpad")
	return e.Live(dial, nil, o)
}

// Rule: every mistake in `evtap connect dialpad`'s flags is a usage
// error (exit 2) naming the flag, found before anything is sent.
func TestDialpadFlagMistakesAreUsageErrors(t *testing.T) {
	t.Setenv(DialpadKeyEnv, "")
	t.Setenv(DialpadSecretEnv, "")
	for _, c := range []struct {
		args []string
		o    Options
		want string
	}{
		{nil, Options{}, "no API key: set DIALPAD_API_KEY or pass --api-key"},
		{[]string{"--api-key", "k", "--sandbox", "--server", "http://x"}, Options{}, "--sandbox and --server: give one"},
		{[]string{"--api-key", "k", "--server", "ftp://x"}, Options{}, `--server "ftp://x": want an http:// or https:// URL`},
		{[]string{"--api-key", "k", "--websocket", "abc"}, Options{}, `--websocket "abc": want a websocket id`},
		{[]string{"--api-key", "k", "--subscribe", "sms"}, Options{}, `--subscribe "sms": sms needs direction=`},
		{[]string{"--api-key", "k", "--subscribe", "call states=ring"}, Options{}, `did you mean ringing?`},
		{[]string{"--api-key", "k"}, Options{Filters: []string{"webhook"}}, `--subscribe "webhook": unknown subscription type`},
		{[]string{"--api-key", "k", "--secret", "a\nb"}, Options{}, "single-line"},
		{[]string{"--api-key", "k", "--ca", "/no/such/ca.pem"}, Options{}, "--ca"},
	} {
		_, err := dialpadDial(t, c.o, c.args...)
		var ue run.UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want a usage error saying %q", c.args, err, c.want)
		}
	}
}

// Rule: the key and the secret come from the environment when not given,
// and are the session's literal secrets; --sandbox picks the sandbox.
func TestDialpadFlagsMakeTheSession(t *testing.T) {
	t.Setenv(DialpadKeyEnv, "env-key-123456")
	t.Setenv(DialpadSecretEnv, "env-secret-7890")
	fs := pflag.NewFlagSet("dialpad", pflag.ContinueOnError)
	dial := dialpadConnectFlags(fs)
	if err := fs.Parse([]string{"--sandbox", "--subscribe", "call states=hangup", "--keep-created"}); err != nil {
		t.Fatal(err)
	}
	s, err := dial(nil, Options{Filters: []string{"agent_status"}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Endpoint != "https://sandbox.dialpad.com" || strings.Join(s.Secrets, ",") != "env-key-123456,env-secret-7890" {
		t.Errorf("session %+v", s)
	}
	if s.Controls[protocol.CmdSend] || !s.Controls[protocol.CmdDrop] {
		t.Errorf("a receive-only socket offers send, or no drop: %v", s.Controls)
	}
	c, err := (&dialpadFlags{apiKey: "k"}).config(Options{})
	if err != nil || len(c.Subscribe) != 1 || c.Subscribe[0].String() != "call" || c.Server != "https://dialpad.com" || c.Secret != "env-secret-7890" {
		t.Errorf("defaults %+v, %v", c, err)
	}
	c, _ = (&dialpadFlags{apiKey: "k", websocket: "42"}).config(Options{})
	if len(c.Subscribe) != 0 {
		t.Errorf("a reused websocket got default subscriptions: %v", c.Subscribe)
	}
}

// Rule: the UI validates editor lines with the --subscribe syntax and
// offers presets that pass it.
func TestDialpadUI(t *testing.T) {
	e, _ := Builtin().Lookup("dialpad")
	u := e.UI
	if u.ContextTitle != "URL token" || u.Filters == nil || u.OneSubscription || u.Gaps == "" {
		t.Fatalf("ui %+v", u)
	}
	if err := u.Filters.Validate("sms"); err == nil || !strings.Contains(err.Error(), "direction") {
		t.Errorf("validate sms: %v", err)
	}
	for _, p := range u.Filters.Presets {
		if err := u.Filters.Validate(p.Value); err != nil {
			t.Errorf("preset %q: %v", p.Name, err)
		}
	}
}

// Rule: a HAR socket is Dialpad's when it is on Dialpad's Cloud Run host
// or carries a Dialpad URL token; nothing else.
func TestDialpadClaimsItsHARCapturesOnly(t *testing.T) {
	e, _ := Builtin().Lookup("dialpad")
	for url, want := range map[string]bool{
		"wss://platform-websockets-6kqb5ajsla-uc.a.run.app/events/x": true,
		"ws://127.0.0.1:9/events/eyJhbGciOiJIUzI1NiIsInR5cCI6InZuZC5kaWFscGFkLndlYnNvY2tldCtqd3QifQ.eyJzdWIiOiJlbmRwb2ludDoxMDAwOioiLCJleHAiOjEzNTcwMDIwMDAsImlzcyI6Imh0dHBzOi8vdGVzdGJlZC5leGFtcGxlLmNvbSIsImlhdCI6MTM1Njk5ODQwMH0.weTDqJj39rODXRkMOC8eci_zjyNlbj8EBS1gzmBy9D4": true,
		"ws://127.0.0.1:9/events/not-a-jwt": false,
		"wss://ws.ringcentral.com/ws":       false,
		"wss://other.a.run.app/events/x":    false,
	} {
		if got := e.HAR(url, nil); got != want {
			t.Errorf("HAR(%q) = %v, want %v", url, got, want)
		}
	}
}

// sink keeps a session's Updates.
type sink struct {
	mu  sync.Mutex
	ups []protocol.Update
}

func (s *sink) emit(u protocol.Update) {
	s.mu.Lock()
	s.ups = append(s.ups, u)
	s.mu.Unlock()
}

func (s *sink) wait(t *testing.T, what string, ok func([]protocol.Update) bool) []protocol.Update {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s.mu.Lock()
		ups := append([]protocol.Update(nil), s.ups...)
		s.mu.Unlock()
		if ok(ups) {
			return ups
		}
		if time.Now().After(deadline) {
			var b strings.Builder
			for _, u := range ups {
				if u.State == nil && u.Gap == nil && u.Kind != protocol.KindError {
					continue
				}
				switch {
				case u.State != nil:
					fmt.Fprintf(&b, "c%d state %s %s\n", u.Conn, u.State.Phase, u.State.Cause)
				case u.Gap != nil:
					fmt.Fprintf(&b, "c%d gap %+v\n", u.Conn, *u.Gap)
				case u.Frame != nil:
					fmt.Fprintf(&b, "c%d %s %s %.80s\n", u.Conn, u.Kind, u.Frame.Op, u.Frame.Data)
				default:
					fmt.Fprintf(&b, "c%d %s\n", u.Conn, u.Kind)
				}
			}
			t.Fatalf("timed out waiting for %s\n%s", what, b.String())
		}
		time.Sleep(20 * time.Millisecond) // polling; the deadline bounds it
	}
}

// Rule: the demo creates a signed websocket with a subscription of each
// kind, its events verify, and the emulator's own faults are offered and
// routed to it: a rotated secret makes frames fail verification; an
// expired URL token is an outage after which a fresh URL is fetched.
func TestTheDialpadDemoVerifiesAndTakesTheEmulatorsFaults(t *testing.T) {
	e, _ := Builtin().Lookup("dialpad")
	s, err := e.Demo(DemoOptions{Rate: 20, Seed: 7}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	names := map[string]bool{}
	for _, f := range s.Faults {
		names[f.Name] = true
	}
	for _, n := range []string{dpsim.FaultExpire, dpsim.FaultRotateSecret, dpsim.FaultInjectCall} {
		if !names[n] {
			t.Errorf("the demo does not offer %q (offers %v)", n, names)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &sink{}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, out.emit) }()
	verified := func(from int) func([]protocol.Update) bool {
		return func(ups []protocol.Update) bool {
			for _, u := range ups[min(from, len(ups)):] {
				if u.Kind == protocol.KindEvent && u.Event.Seal != nil && u.Event.Seal.OK {
					return true
				}
			}
			return false
		}
	}
	ups := out.wait(t, "a verified event", verified(0))
	subs := map[string]bool{}
	for _, u := range ups {
		if u.Kind == protocol.KindSubscription {
			subs[strings.Fields(u.Subscription.ID)[0]] = true
		}
	}
	for _, k := range []string{"websocket", "call", "sms", "agent_status"} {
		if !subs[k] {
			t.Errorf("no %s in the subscriptions pane", k)
		}
	}

	if err := s.Do(protocol.Command{Kind: protocol.CmdFault, Text: dpsim.FaultRotateSecret}); err != nil {
		t.Fatal(err)
	}
	mark := len(ups)
	out.wait(t, "a frame failing verification", func(ups []protocol.Update) bool {
		for _, u := range ups[mark:] {
			if u.Kind == protocol.KindEvent && u.Event.Seal != nil && strings.HasPrefix(u.Event.Seal.Problem, "bad signature") {
				return true
			}
		}
		return false
	})

	if err := s.Do(protocol.Command{Kind: protocol.CmdFault, Text: dpsim.FaultExpire}); err != nil {
		t.Fatal(err)
	}
	ups = out.wait(t, "an outage and a new connection", func(ups []protocol.Update) bool {
		gap, live := false, false
		for _, u := range ups {
			gap = gap || u.Kind == protocol.KindGap
			live = live || u.Conn >= 2 && u.State != nil && u.State.Phase == protocol.PhaseLive
		}
		return gap && live
	})
	// The fresh URL's answer named the new secret: frames verify again.
	out.wait(t, "verified with the rotated secret", verified(len(ups)))
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
