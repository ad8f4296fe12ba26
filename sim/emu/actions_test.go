package emu

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// sharedActions is a provider's set built from the shared parsers: each
// error must name the action it is about and the line it is on.
var sharedActions = map[string]ActionParser{
	"forget":  Target("a session id"),
	"wrapped": Switch,
	"secret":  Scalar("the new secret"),
	"kick":    Flag,
	"send": func(st *Step, v *yaml.Node) error {
		var p struct {
			Count *int `yaml:"count"`
			Event any  `yaml:"event"`
		}
		if err := DecodeNode(v, &p); err != nil {
			return err
		}
		n, err := Count(v, p.Count, 10)
		if err != nil {
			return err
		}
		ev, err := JSONObject(st, v, "event", "the event as a mapping", p.Event)
		if err != nil {
			return err
		}
		st.Arg = []any{n, string(ev)}
		return nil
	},
}

func TestSharedActionParsersRead(t *testing.T) {
	sc, err := ParseScenario([]byte(`steps:
  - {at: 1s, forget: all}
  - {at: 1s, forget: s7}
  - {at: 1s, wrapped: true}
  - {at: 1s, secret: ""}
  - {at: 1s, kick: whatever}
  - {at: 1s, send: {event: {a: 1}}}
  - {at: 1s, send: {count: 10, event: {b: [1, 2]}}}
`), sharedActions)
	if err != nil {
		t.Fatal(err)
	}
	got := []any{}
	for _, st := range sc.Steps {
		got = append(got, st.Target, st.Arg)
	}
	want := []any{"", nil, "s7", nil, "", true, "", "", "", nil,
		"", []any{1, `{"a":1}`}, "", []any{10, `{"b":[1,2]}`}}
	for i := range want {
		if w, ok := want[i].([]any); ok {
			g, _ := got[i].([]any)
			if len(g) != 2 || g[0] != w[0] || g[1] != w[1] {
				t.Errorf("step %d: arg %v, want %v", i/2, got[i], w)
			}
			continue
		}
		if got[i] != want[i] {
			t.Errorf("step %d: %v, want %v", i/2, got[i], want[i])
		}
	}
}

func TestSharedActionParsersNameTheActionAndLine(t *testing.T) {
	for _, c := range []struct{ step, want string }{
		{`{at: 1s, forget: [a]}`, "line 2: forget takes all or a session id"},
		{`{at: 1s, wrapped: maybe}`, `line 2: wrapped takes true or false, not "maybe"`},
		{`{at: 1s, secret: {a: 1}}`, "line 2: secret takes the new secret"},
		{`{at: 1s, send: {count: 0, event: {}}}`, "line 2: count must be from 1 to 10"},
		{`{at: 1s, send: {count: 11, event: {}}}`, "line 2: count must be from 1 to 10"},
		{`{at: 1s, send: {event: 3}}`, "line 2: send needs event: the event as a mapping"},
		{`{at: 1s, send: {event: {x: .inf}}}`, "line 2: send event cannot be written as JSON"},
	} {
		_, err := ParseScenario([]byte("steps:\n  - "+c.step+"\n"), sharedActions)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one with %q", c.step, err, c.want)
		}
	}
}
