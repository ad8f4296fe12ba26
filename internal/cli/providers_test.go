package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/internal/providers/providertest"
)

// withFake is the builtin providers plus the fake one.
func withFake(log *providertest.Log) *providers.Registry {
	r := providers.NewRegistry(providers.DefaultName, providertest.Entry(log))
	for _, e := range providers.Builtin().All() {
		r.Register(e)
	}
	return r
}

// evtap runs one command line against reg, headless, until it ends or
// the deadline passes.
func evtap(t *testing.T, reg *providers.Registry, d time.Duration, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var out, errw syncBuffer
	code = Run(ctx, reg, args, nil, &out, &errw)
	return code, out.String(), errw.String()
}

func TestAURLAProviderClaimsNeedsNoProviderName(t *testing.T) {
	code, out, errw := evtap(t, withFake(nil), 5*time.Second, "connect", "--headless", "fake://somewhere", "--greeting", "hi", "--count", "1")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errw)
	}
	evs := events(updates(t, out))
	if len(evs) != 1 || evs[0].Event.Summary != "hi" {
		t.Fatalf("want the fake provider's one greeting, got %+v", evs)
	}
}

func TestConnectAndSimHelpListTheRegistrysProviders(t *testing.T) {
	for _, cmd := range []string{"connect", "sim", "demo"} {
		code, out, _ := evtap(t, withFake(nil), 5*time.Second, cmd, "--help")
		if code != ExitOK || !strings.Contains(out, "fake ") || !strings.Contains(out, "a provider that exists only in tests") || !strings.Contains(out, "ringcentral") {
			t.Errorf("%s --help (exit %d) does not list every provider with its summary:\n%s", cmd, code, out)
		}
	}
}

func TestAnUnknownProviderIsAUsageErrorNamingTheKnownOnes(t *testing.T) {
	reg := withFake(nil)
	for cmd, has := range map[string]func(*providers.Entry) bool{
		"connect": providers.Connectable, "sim": providers.Emulated, "demo": providers.Emulated,
	} {
		known := strings.Join(reg.Names(has), ", ")
		code, _, errw := evtap(t, reg, 5*time.Second, cmd, "pagerduty")
		if code != ExitUsage || !strings.Contains(errw, `unknown provider "pagerduty" (known: `+known+`)`) || !strings.Contains(known, "fake") {
			t.Errorf("%s pagerduty: exit %d, stderr %q, want the known %s", cmd, code, errw, known)
		}
	}
}

func TestTheDemoTakesAProviderAndTheDefaultIsTheRegistrys(t *testing.T) {
	code, out, errw := evtap(t, withFake(nil), 5*time.Second, "demo", "fake", "--headless", "--count", "1")
	if code != ExitOK || !strings.Contains(out, "hello from the emulator") {
		t.Fatalf("demo fake: exit %d, stderr %s, stdout %s", code, errw, out)
	}
	reg := providers.NewRegistry(providertest.Name, providertest.Entry(nil))
	code, out, errw = evtap(t, reg, 5*time.Second, "--headless", "--count", "1")
	if code != ExitOK || !strings.Contains(out, "hello from the emulator") {
		t.Fatalf("evtap with fake as the default: exit %d, stderr %s", code, errw)
	}
}

// A provider flag with the name of a shared flag would silently shadow
// it under `connect NAME` or `sim NAME`.
func TestNoProviderFlagShadowsASharedFlag(t *testing.T) {
	var lf liveFlags
	shared := pflag.NewFlagSet("shared", pflag.ContinueOnError)
	lf.register(shared, "")
	for _, e := range providers.Builtin().All() {
		if e.Connect == nil {
			continue
		}
		fs := pflag.NewFlagSet(e.Name, pflag.ContinueOnError)
		e.Connect.Flags(fs)
		fs.VisitAll(func(f *pflag.Flag) {
			if shared.Lookup(f.Name) != nil {
				t.Errorf("%s: --%s is also a shared flag of every live session", e.Name, f.Name)
			}
		})
	}
	for _, e := range providers.Builtin().All() {
		if e.Emulator == nil {
			continue
		}
		fs := pflag.NewFlagSet(e.Name, pflag.ContinueOnError)
		e.Emulator.Flags(fs)
		if fs.Lookup("listen") != nil {
			t.Errorf("%s: its emulator defines --listen, which every `evtap sim` has", e.Name)
		}
	}
}

func TestHeadlessStdinLinesAreSentToASessionThatAsks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errw syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, withFake(nil), []string{"connect", "fake://x", "--headless"}, strings.NewReader("first line\nsecond line\n"), &out, &errw)
	}()
	waitFor(t, "both lines sent", 10*time.Second, func() bool {
		return strings.Contains(out.String(), `"data":"first line"`) && strings.Contains(out.String(), `"data":"second line"`)
	})
	cancel()
	if code := <-done; code != ExitOK {
		t.Fatalf("exit %d: %s", code, errw.String())
	}
	if i, j := strings.Index(out.String(), "first line"), strings.Index(out.String(), "second line"); i > j {
		t.Fatal("lines were sent out of order")
	}
}

// Issue 13 item 11: for every provider in the registry, a --filter its
// own validator refuses, an empty one and a huge one are usage errors
// (exit 2) with the reason, found before anything connects: stdout holds
// not even a first state. A provider with no filters refuses any.
func TestEveryProvidersFiltersAreCheckedBeforeAnyConnection(t *testing.T) {
	reg := withFake(nil)
	huge := strings.Repeat("a", 100<<10)
	for _, e := range reg.All() {
		var commands [][]string
		if e.Emulator != nil {
			commands = append(commands, []string{"demo", e.Name})
		}
		if e.Connect != nil {
			c := []string{"connect", e.Name}
			for range e.Connect.NArgs {
				c = append(c, "ws://127.0.0.1:9/")
			}
			commands = append(commands, c)
		}
		for _, cmd := range commands {
			for _, flt := range []string{"garbage", "", "  ", huge} {
				args := append(append([]string(nil), cmd...), "--headless", "--duration", "10s", "--filter", flt)
				code, out, errw := evtap(t, reg, 15*time.Second, args...)
				name := strings.Join(cmd, " ") + fmt.Sprintf(" --filter %.20q", flt)
				if code != ExitUsage {
					t.Errorf("%s: exit %d, want 2 (stderr %q)", name, code, errw)
					continue
				}
				if out != "" {
					t.Errorf("%s: something ran before the filter was refused:\n%.300s", name, out)
				}
				want := "--filter: "
				switch spec := e.UI.Filters; {
				case spec == nil:
					want += e.Name + " takes no filters"
				case strings.TrimSpace(flt) == "":
					want += "empty"
				case len(flt) > maxFilter:
					want += "102400 bytes long"
				case spec.Validate != nil && spec.Validate(flt) != nil:
					want += spec.Validate(flt).Error()
				}
				if !strings.Contains(errw, want) {
					t.Errorf("%s: stderr %q does not say %q", name, errw, want)
				}
			}
		}
	}
}
