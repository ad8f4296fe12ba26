package emu

import (
	"encoding/json"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// coreActions are the actions every emulator runs itself. Their Arg:
// close CloseArg, rate float64, delay time.Duration, reorder bool,
// raw string; drop, pause and resume none.
var coreActions = map[string]ActionParser{
	"drop": Target("a connection id"),
	"close": func(st *Step, v *yaml.Node) error {
		var p struct {
			Conn   string `yaml:"conn"`
			Code   int    `yaml:"code"`
			Reason string `yaml:"reason"`
		}
		if err := DecodeNode(v, &p); err != nil {
			return err
		}
		if p.Code == 0 {
			p.Code = 1000
		}
		if err := CheckCloseCode(p.Code); err != nil {
			return NodeError(v, "%v", err)
		}
		st.Target, st.Arg = AllTarget(p.Conn), CloseArg{p.Code, p.Reason}
		return nil
	},
	"pause":  Flag,
	"resume": Flag,
	"rate": func(st *Step, v *yaml.Node) error {
		r, err := strconv.ParseFloat(v.Value, 64)
		if err == nil {
			err = CheckRate(r)
		}
		if err != nil {
			return NodeError(v, "rate takes a number of events per second from 0 to %d, not %q", MaxRate, v.Value)
		}
		st.Arg = r
		return nil
	},
	"delay": func(st *Step, v *yaml.Node) error {
		d, err := time.ParseDuration(v.Value)
		if err != nil || d < 0 {
			return NodeError(v, "delay takes a duration such as 250ms, not %q", v.Value)
		}
		st.Arg = d
		return nil
	},
	"reorder": Switch,
	"raw":     Scalar("the frame as a string"),
}

// The parsers below are the shapes actions share; the core's use them
// and so may a provider's. Their errors name the action (Step.Action).

// Flag parses an action whose value does not matter: any value means do
// it (pause: true). Arg stays nil.
func Flag(*Step, *yaml.Node) error { return nil }

// Switch parses an action that turns something on or off (reorder:
// true); Arg is the bool.
func Switch(st *Step, v *yaml.Node) error {
	on, err := strconv.ParseBool(v.Value)
	if err != nil {
		return NodeError(v, "%s takes true or false, not %q", st.Action, v.Value)
	}
	st.Arg = on
	return nil
}

// Target parses an action that acts on all of something or one of it
// (drop: all, drop: c3): the value becomes Step.Target (AllTarget). what
// names the one ("a connection id").
func Target(what string) ActionParser {
	return func(st *Step, v *yaml.Node) error {
		if v.Kind != yaml.ScalarNode {
			return NodeError(v, "%s takes all or %s", st.Action, what)
		}
		st.Target = AllTarget(v.Value)
		return nil
	}
}

// Scalar parses an action that takes one plain value, kept as a string
// in Arg; what says what the value is ("the frame as a string").
func Scalar(what string) ActionParser {
	return func(st *Step, v *yaml.Node) error {
		if v.Kind != yaml.ScalarNode {
			return NodeError(v, "%s takes %s", st.Action, what)
		}
		st.Arg = v.Value
		return nil
	}
}

// Count reads the count of an action's mapping ({count: 3}): 1 when
// absent, else a whole number from 1 to max. v is the mapping, so that
// the error names its line.
func Count(v *yaml.Node, count *int, max int) (int, error) {
	if count == nil {
		return 1, nil
	}
	if *count < 1 || *count > max {
		return 0, NodeError(v, "count must be from 1 to %d", max)
	}
	return *count, nil
}

// JSON writes what a step gave as its key's value in YAML (inject: {body:
// ...}) as JSON, as a provider's frames carry it.
func JSON(st *Step, v *yaml.Node, key string, val any) ([]byte, error) {
	b, err := json.Marshal(val)
	if err != nil {
		return nil, NodeError(v, "%s %s cannot be written as JSON: %v", st.Action, key, err)
	}
	return b, nil
}

// JSONObject is JSON for a value that must be a mapping; want says what
// it should be ("the event as a mapping").
func JSONObject(st *Step, v *yaml.Node, key, want string, val any) ([]byte, error) {
	if _, ok := val.(map[string]any); !ok {
		return nil, NodeError(v, "%s needs %s: %s", st.Action, key, want)
	}
	return JSON(st, v, key, val)
}
