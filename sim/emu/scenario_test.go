package emu

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.yaml.in/yaml/v3"
)

// A provider's action for the tests: shout: {word: hi, times: 2}.
type shout struct {
	Word  string
	Times int
}

var testActions = map[string]ActionParser{
	"shout": func(st *Step, v *yaml.Node) error {
		var p struct {
			Word  string `yaml:"word"`
			Times int    `yaml:"times"`
		}
		if err := DecodeNode(v, &p); err != nil {
			return err
		}
		if p.Times < 1 {
			return NodeError(v, "times must be 1 or more")
		}
		st.Arg = shout{p.Word, p.Times}
		return nil
	},
}

func TestParseScenarioWithCoreAndProviderActions(t *testing.T) {
	sc, err := ParseScenario([]byte(`seed: 42
rate: 5
start: first-connection
steps:
  - at: 5s
    drop: all
  - at: 2s
    shout: {word: hi, times: 2}
  - at: 8s
    close: {conn: c1, code: 4001, reason: bye}
  - at: 9s
    rate: 50
  - at: 10s
    raw: 'not json'
    conn: c2
  - at: 11s
    delay: 100ms
  - at: 12s
    reorder: true
  - at: 13s
    pause: true
`), testActions)
	if err != nil {
		t.Fatal(err)
	}
	if *sc.Seed != 42 || *sc.Rate != 5 || sc.Start != StartFirstConnection || len(sc.Steps) != 8 {
		t.Fatalf("scenario %+v", sc)
	}
	s0, s1, s2 := sc.Steps[0], sc.Steps[1], sc.Steps[2]
	if s0.At != 2*time.Second || s0.Action != "shout" || s0.Arg != (shout{"hi", 2}) || s0.Line != 7 {
		t.Fatalf("steps are not in time order or shout is wrong: %+v", s0)
	}
	if s1.Action != "drop" || s1.Target != "" {
		t.Fatalf("drop all: %+v", s1)
	}
	if s2.Arg != (CloseArg{4001, "bye"}) || s2.Target != "c1" {
		t.Fatalf("close: %+v", s2)
	}
	if sc.Steps[3].Arg != 50.0 || sc.Steps[4].Arg != "not json" || sc.Steps[4].Target != "c2" ||
		sc.Steps[5].Arg != 100*time.Millisecond || sc.Steps[6].Arg != true {
		t.Fatalf("steps %+v", sc.Steps)
	}
	if sc2, err := ParseScenario([]byte("steps:\n  - {at: 0s, resume: yes}\n"), nil); err != nil || sc2.Start != StartListen {
		t.Fatalf("default start: %+v %v", sc2, err)
	}
}

func TestScenarioErrorsNameTheLine(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"bad duration", "steps:\n  - at: soon\n    drop: all\n", "line 2"},
		{"unknown action", "steps:\n  - at: 1s\n    drop: all\n  - at: 2s\n    explode: all\n", "line 5: unknown key \"explode\" (actions: close, delay, drop, pause, rate, raw, reorder, resume, shout)"},
		{"two actions", "steps:\n  - at: 1s\n    drop: all\n    shout: {word: x, times: 1}\n", "line 4"},
		{"no at", "seed: 1\nsteps:\n  - drop: all\n", "line 3"},
		{"provider's check", "steps:\n  - at: 1s\n    shout: {word: x, times: 0}\n", "line 3: times must be 1 or more"},
		{"unknown field", "steps:\n  - at: 1s\n    shout:\n      word: x\n      tiems: 3\n", "line 5: unknown key tiems"},
		{"unknown top key", "seed: 1\nstepz: []\n", "line 2"},
		{"bad start", "start: later\nsteps:\n  - at: 1s\n    drop: all\n", "line 1"},
		{"rate above the ceiling", "rate: 1e9\nsteps:\n  - at: 1s\n    drop: all\n", "line 1: rate 1e+09 is above the ceiling"},
		{"step rate above the ceiling", "steps:\n  - at: 1s\n    rate: 1e9\n", "line 3"},
		{"bad close code", "steps:\n  - at: 1s\n    close: {code: 1005}\n", "line 3"},
		{"not yaml", "steps: [\n", "line"},
		{"empty", "", "empty"},
		{"no steps", "seed: 3\n", "no steps"},
	}
	for _, tc := range cases {
		_, err := ParseScenario([]byte(tc.src), testActions)
		if err == nil || !strings.HasPrefix(err.Error(), "scenario: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

func TestLoadScenarioNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("steps:\n  - at: 1s\n    drop: all\n  - at: nope\n    pause: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadScenario(bad, nil); err == nil || !strings.HasPrefix(err.Error(), bad+": scenario: line 4:") {
		t.Fatalf("bad file: %v", err)
	}
	if _, err := LoadScenario(filepath.Join(dir, "missing.yaml"), nil); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestScenarioRunsCoreStepsAndHandsTheRestToTheProvider(t *testing.T) {
	sc, err := ParseScenario([]byte(`start: first-connection
steps:
  - at: 0s
    shout: {word: hi, times: 2}
  - at: 30ms
    close: {conn: all, code: 4003, reason: scripted}
`), testActions)
	if err != nil {
		t.Fatal(err)
	}
	var e *echo
	e, base := newEcho(t, Config{Scenario: sc, Do: func(st Step) {
		a := st.Arg.(shout)
		e.mu.Lock()
		defer e.mu.Unlock()
		for c := range e.conns {
			for i := 0; i < a.Times; i++ {
				c.Send([]byte(a.Word))
			}
		}
	}})
	time.Sleep(50 * time.Millisecond) // nothing happens before the first connection
	cl := dial(t, base)
	if a, b := cl.read(), cl.read(); a != "hi" || b != "hi" {
		t.Fatalf("got %q %q", a, b)
	}
	var ce *websocket.CloseError
	if err := cl.readClosed(); !errors.As(err, &ce) || ce.Code != 4003 {
		t.Fatalf("close: %v", err)
	}
}

// A scenario file given by mistake (/dev/zero) is refused, not read for
// ever.
func TestAnEndlessScenarioFileIsRefused(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	if _, err := LoadScenario("/dev/zero", nil); err == nil || !strings.Contains(err.Error(), "over 4 MiB") {
		t.Fatalf("got %v", err)
	}
}
