package ringcentral

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/sim/emu"
)

func TestParseScenario(t *testing.T) {
	sc, err := ParseScenario([]byte(`seed: 42
start: first-subscription
steps:
  - at: 5s
    drop: all
  - at: 2s
    send: {event: sms, count: 3}
  - at: 8s
    forget: all
  - at: 9s
    close: {conn: c1, code: 4001, reason: bye}
  - at: 10s
    inject: {event: /restapi/v1.0/account/1/extension/2/presence, body: {telephonyStatus: Ringing}}
`))
	if err != nil {
		t.Fatal(err)
	}
	if *sc.Seed != 42 || sc.Start != "first-subscription" || len(sc.Steps) != 5 {
		t.Fatalf("scenario %+v", sc)
	}
	s0, s1, s3, s4 := sc.Steps[0], sc.Steps[1], sc.Steps[3], sc.Steps[4]
	if s0.At != 2*time.Second || s0.Action != "send" || s0.Arg != (SendStep{KindSMS, 3}) || s0.Line != 6 {
		t.Fatalf("steps are not in time order or send is wrong: %+v", s0)
	}
	if s1.Action != "drop" || s1.Target != "" {
		t.Fatalf("drop all: %+v", s1)
	}
	if s3.Arg != (emu.CloseArg{Code: 4001, Reason: "bye"}) || s3.Target != "c1" {
		t.Fatalf("close: %+v", s3)
	}
	if in := s4.Arg.(InjectStep); string(in.Body) != `{"telephonyStatus":"Ringing"}` {
		t.Fatalf("inject body %s", in.Body)
	}
}

func TestScenarioErrorsNameTheLine(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"bad duration", "steps:\n  - at: soon\n    drop: all\n", "line 2"},
		{"unknown action", "steps:\n  - at: 1s\n    drop: all\n  - at: 2s\n    explode: all\n", "line 5"},
		{"two actions", "steps:\n  - at: 1s\n    drop: all\n    forget: all\n", "line 4"},
		{"no at", "seed: 1\nsteps:\n  - drop: all\n", "line 3"},
		{"unknown kind", "steps:\n  - at: 1s\n    send: {event: fax}\n", "line 3"},
		{"unknown send field", "steps:\n  - at: 1s\n    send:\n      event: sms\n      cuont: 3\n", "line 5"},
		{"unknown top key", "seed: 1\nstepz: []\n", "line 2"},
		{"bad start", "start: later\nsteps:\n  - at: 1s\n    drop: all\n", "line 1"},
		{"bad close code", "steps:\n  - at: 1s\n    close: {code: 99}\n", "line 3"},
		{"not yaml", "steps: [\n", "line"},
		{"empty", "", "empty"},
		{"no steps", "seed: 3\n", "no steps"},
	}
	for _, tc := range cases {
		_, err := ParseScenario([]byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

func TestScenarioRunsFromFirstSubscription(t *testing.T) {
	sc, err := ParseScenario([]byte(`start: first-subscription
steps:
  - at: 0s
    send: {event: sms, count: 3}
  - at: 50ms
    drop: all
`))
	if err != nil {
		t.Fatal(err)
	}
	s, base := startSim(t, Config{Scenario: sc})
	c, _, _ := connect(t, base)
	c.readType(typeConnectionDetails)
	c.mustSubscribe(smsFilter, voicemailF)
	for i := 0; i < 3; i++ {
		if _, n := c.notification(); !strings.Contains(n.Event, "instant?type=SMS") {
			t.Fatalf("scenario sent %s, want SMS", n.Event)
		}
	}
	c.readClosed()
	if got := s.Counters().Generated; got != 3 {
		t.Fatalf("generated %d, want 3", got)
	}
}

func TestSameSeedGeneratesTheSameNotifications(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
	run := func(seed int64) []string {
		s, base := startSim(t, Config{Seed: seed, Now: clock.Now})
		c, _, _ := connect(t, base)
		c.readType(typeConnectionDetails)
		c.mustSubscribe(smsFilter, voicemailF, presenceFilter, "/restapi/v1.0/account/~/extension/~/telephony/sessions", "/restapi/v1.0/account/~/extension/~/message-store")
		s.Generate("", "", 12)
		var out []string
		for i := 0; i < 12; i++ {
			f, _ := c.notification()
			out = append(out, string(f.Body))
		}
		return out
	}
	a, b, other := run(7), run(7), run(8)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("notification %d differs for the same seed:\n%s\n%s", i, a[i], b[i])
		}
	}
	if strings.Join(a, "") == strings.Join(other, "") {
		t.Fatal("another seed produced the same notifications")
	}
}

func TestLoadScenarioNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("steps:\n  - at: 1s\n    drop: all\n  - at: nope\n    forget: all\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadScenario(bad); err == nil || !strings.HasPrefix(err.Error(), bad+": scenario: line 4:") {
		t.Fatalf("bad file: %v", err)
	}
	if _, err := LoadScenario(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Fatalf("missing file: %v", err)
	}
}
