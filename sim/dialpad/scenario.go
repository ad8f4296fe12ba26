package dialpad

import (
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/evtap/evtap/sim/emu"
)

// Scenario is a parsed script of timed actions (see emu.Scenario and
// docs/emulator-dialpad.md): the core's actions (drop, close, pause,
// resume, rate, raw, delay, reorder) and Dialpad's:
//
//	seed: 42
//	start: first-connection   # or listen (default), first-subscription
//	steps:
//	  - at: 2s
//	    send: {kind: inbound, count: 2}
//	  - at: 3s
//	    inject: {type: call, event: {call_id: 1, state: barge}}
//	  - at: 5s
//	    secret: new-secret        # every websocket's
//	  - at: 8s
//	    expire: all               # or a connection id
//	  - at: 9s
//	    refuse-next: 1
type Scenario = emu.Scenario

// Arguments of Dialpad's scenario actions, as Step.Arg holds them.
type (
	// SendStep makes Count stories of Kind.
	SendStep struct {
		Kind  string
		Count int
	}
	// InjectStep routes Event as an event of subscription type Type.
	InjectStep struct {
		Type  string
		Event []byte
	}
)

// actions are Dialpad's scenario actions.
var actions = map[string]emu.ActionParser{
	"send": func(st *emu.Step, v *yaml.Node) error {
		var p struct {
			Kind  string `yaml:"kind"`
			Count *int   `yaml:"count"`
		}
		if err := emu.DecodeNode(v, &p); err != nil {
			return err
		}
		kind := p.Kind
		if kind == "" {
			kind = StoryCall
		}
		if !oneOf(kind, StoryKinds) {
			return emu.NodeError(v, "send kind must be one of %v, not %q", StoryKinds, kind)
		}
		count, err := emu.Count(v, p.Count, maxSend)
		if err != nil {
			return err
		}
		st.Arg = SendStep{Kind: kind, Count: count}
		return nil
	},
	"inject": func(st *emu.Step, v *yaml.Node) error {
		var p struct {
			Type  string `yaml:"type"`
			Event any    `yaml:"event"`
		}
		if err := emu.DecodeNode(v, &p); err != nil {
			return err
		}
		if kindByName(p.Type) == nil {
			return emu.NodeError(v, "inject needs type: one of %v", Kinds)
		}
		event, err := emu.JSONObject(st, v, "event", "the event as a mapping", p.Event)
		if err != nil {
			return err
		}
		st.Arg = InjectStep{Type: p.Type, Event: event}
		return nil
	},
	"expire": emu.Target("a connection id"),
	"secret": emu.Scalar(`the new secret ("" sends unsigned frames)`),
	"refuse-next": func(st *emu.Step, v *yaml.Node) error {
		n, err := strconv.Atoi(v.Value)
		if err != nil || n < 0 || n > 1000 {
			return emu.NodeError(v, "refuse-next takes how many upgrades to refuse, 0 to 1000, not %q", v.Value)
		}
		st.Arg = n
		return nil
	},
}

// LoadScenario reads and parses a scenario file; errors name the file
// and line.
func LoadScenario(path string) (*Scenario, error) { return emu.LoadScenario(path, actions) }

// ParseScenario reads a YAML scenario; errors name the line.
func ParseScenario(data []byte) (*Scenario, error) { return emu.ParseScenario(data, actions) }

// do performs one of Dialpad's steps. A step with nothing to act on does
// nothing: the scenario goes on, as the client under test would.
func (s *Server) do(st emu.Step) {
	switch st.Action {
	case "send":
		a := st.Arg.(SendStep)
		_, _ = s.Send(a.Kind, a.Count)
	case "inject":
		a := st.Arg.(InjectStep)
		_, _ = s.Inject(a.Type, a.Event)
	case "expire":
		s.Expire(st.Target)
	case "secret":
		_, _ = s.SetSecret(0, st.Arg.(string))
	case "refuse-next":
		s.RefuseNext(st.Arg.(int))
	}
}
