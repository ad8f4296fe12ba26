package providers_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/internal/providers/providertest"
	"github.com/evtap/evtap/protocol"
)

func TestTheDemoRoutesEmulatorFaultsToTheEmulatorAndTheRestToTheSession(t *testing.T) {
	var log providertest.Log
	e := providertest.Entry(&log)
	s, err := e.Demo(providers.DemoOptions{}, providers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Controls.Has(protocol.CmdForget) || !s.Controls.Has(protocol.CmdDrop) {
		t.Fatalf("the demo offers %v, want the session's controls and the emulator's faults", s.Controls)
	}
	for _, k := range []protocol.CommandKind{protocol.CmdForget, protocol.CmdDrop} {
		if err := s.Do(protocol.Command{Kind: k}); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := log.Commands(), []string{"sim:forget", "session:drop"}; !slices.Equal(got, want) {
		t.Fatalf("commands went to %v, want %v", got, want)
	}
	if err := s.Close(); err != nil || log.Closed() != 1 {
		t.Fatalf("closing the demo session must stop its emulator (err %v, closed %d)", err, log.Closed())
	}
}

func TestADemoSessionIsTitledAndDescribedByItsEntry(t *testing.T) {
	e := providertest.Entry(nil)
	s, err := e.Demo(providers.DemoOptions{}, providers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Provider != providertest.Name || s.UI.ContextTitle != "Fake context" || !strings.HasPrefix(s.Title, "Fake emulator fake://127.0.0.1:") {
		t.Fatalf("provider %q, context title %q, title %q", s.Provider, s.UI.ContextTitle, s.Title)
	}
}

func TestFiltersAreRefusedByAProviderThatTakesNone(t *testing.T) {
	e := providertest.Entry(nil)
	e.UI.Filters = nil
	_, err := e.Demo(providers.DemoOptions{}, providers.Options{Filters: []string{"x"}})
	if err == nil || !strings.Contains(err.Error(), "fake takes no filters") {
		t.Fatalf("want a usage error naming the provider, got %v", err)
	}
}

func TestTheRegistryListsByNameAndFindsWhatClaimsAnArgument(t *testing.T) {
	other := providertest.Entry(nil)
	other.Name, other.UI.Name, other.Connect = "aardvark", "aardvark", nil
	r := providers.NewRegistry(providertest.Name, providertest.Entry(nil), other)
	if got := r.Names(func(*providers.Entry) bool { return true }); !slices.Equal(got, []string{"aardvark", "fake"}) {
		t.Fatalf("names %v", got)
	}
	if got := r.Names(providers.Connectable); !slices.Equal(got, []string{"fake"}) {
		t.Fatalf("connectable %v", got)
	}
	if e := r.Claim("fake://x"); e == nil || e.Name != "fake" {
		t.Fatalf("fake://x claimed by %v", e)
	}
	if e := r.Claim("ringcentral"); e != nil {
		t.Fatalf("a plain word was claimed by %s", e.Name)
	}
	if r.Default().Name != "fake" {
		t.Fatal("wrong default")
	}
	if d := r.Describe("unknown"); d.Name != "unknown" || d.Filters != nil || d.ContextTitle != "" {
		t.Fatalf("an unknown provider must get the generic description, got %+v", d)
	}
}

func TestAMalformedOrDuplicateEntryIsRefusedAtOnce(t *testing.T) {
	cases := map[string]func(*providers.Entry){
		"upper-case name": func(e *providers.Entry) { e.Name, e.UI.Name = "Fake", "Fake" },
		"no title":        func(e *providers.Entry) { e.Title = "" },
		"UI of another":   func(e *providers.Entry) { e.UI.Name = "other" },
		"half emulator":   func(e *providers.Entry) { e.Emulator.Client = nil },
	}
	for name, spoil := range cases {
		t.Run(name, func(t *testing.T) {
			e := providertest.Entry(nil)
			spoil(e)
			defer func() {
				if recover() == nil {
					t.Fatal("registered")
				}
			}()
			providers.NewRegistry("fake", e)
		})
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a duplicate was registered")
		}
	}()
	providers.NewRegistry("fake", providertest.Entry(nil), providertest.Entry(nil))
}

func TestEveryBuiltinProviderIsComplete(t *testing.T) {
	r := providers.Builtin()
	if r.Default() == nil || r.Default().Emulator == nil {
		t.Fatal("the default provider must have an emulator: `go run .` starts it")
	}
	for _, e := range r.All() {
		if e.Decoder == nil || e.Decoder() == nil {
			t.Errorf("%s: no decoder for replays and imports", e.Name)
		}
		if e.Connect == nil && e.Emulator == nil {
			t.Errorf("%s: neither connect nor an emulator", e.Name)
		}
	}
}

// The whole demo, in-process: the RingCentral emulator on loopback and a
// session connected to it, events flowing and emulator faults working.
func TestTheRingCentralDemoDeliversEventsAndForgetsOnRequest(t *testing.T) {
	e, ok := providers.Builtin().Lookup("ringcentral")
	if !ok {
		t.Fatal("no ringcentral entry")
	}
	s, err := e.Demo(providers.DemoOptions{Rate: 50, Seed: 1}, providers.Options{MaxRetries: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	updates := make(chan protocol.Update, 10000)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, func(u protocol.Update) { updates <- u }) }()
	wait := func(what string, ok func(protocol.Update) bool) {
		t.Helper()
		for {
			select {
			case u := <-updates:
				if ok(u) {
					return
				}
			case <-ctx.Done():
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	wait("an event", func(u protocol.Update) bool { return u.Kind == protocol.KindEvent })
	if err := s.Do(protocol.Command{Kind: protocol.CmdForget}); err != nil {
		t.Fatal(err)
	}
	wait("a failed recovery", func(u protocol.Update) bool {
		return u.Kind == protocol.KindState && u.State.Phase == protocol.PhaseRecoveryFailed
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("the session ended with %v", err)
	}
}

func TestRingCentralClaimsItsHARCapturesOnly(t *testing.T) {
	e, _ := providers.Builtin().Lookup("ringcentral")
	details := []byte(`[{"type":"ConnectionDetails","messageId":"1","status":200,"headers":{}},{"wsc":{"token":"x","sequence":1}}]`)
	cases := []struct {
		url   string
		first []byte
		want  bool
	}{
		{"wss://ws-api.ringcentral.com/ws?access_token=x", nil, true},
		{"ws://127.0.0.1:9/ws", details, true},
		{"ws://127.0.0.1:9/ws", []byte(`{"hello":1}`), false},
		{"wss://ringcentral.com.evil.example/ws", nil, false},
	}
	for _, c := range cases {
		if got := e.HAR(c.url, c.first); got != c.want {
			t.Errorf("HAR(%q, %.20q) = %v, want %v", c.url, c.first, got, c.want)
		}
	}
}

func TestRingCentralsUIChecksFiltersAndShortensThem(t *testing.T) {
	e, _ := providers.Builtin().Lookup("ringcentral")
	p := e.UI
	if p.Filters == nil || len(p.Filters.Presets) == 0 || p.ContextTitle != "Recovery (wsc)" || !p.OneSubscription {
		t.Fatalf("incomplete RingCentral UI description: %+v", p)
	}
	if err := p.Filters.Validate("/restapi/v1.0/account/~/extension/~/fax"); err == nil {
		t.Fatal("an unknown resource passed the editor's check")
	}
	for _, pr := range p.Filters.Presets {
		if err := p.Filters.Validate(pr.Value); err != nil {
			t.Errorf("preset %s is refused by the validator: %v", pr.Name, err)
		}
	}
	if got := p.ShortFilter("/restapi/v1.0/account/~/extension/~/voicemail"); got != "…/voicemail" {
		t.Fatalf("short filter %q", got)
	}
}
