package voipbin

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/evtap/evtap/sim/emu"
)

// Scenario is a parsed script of timed actions (see emu.Scenario and
// docs/emulator-voipbin.md): the core's actions (drop, close, pause,
// resume, rate, raw, delay, reorder) and VoIPBin's:
//
//	seed: 42
//	start: first-subscription   # or listen (default), first-connection
//	steps:
//	  - at: 1s
//	    send: {story: queue}                 # or {count: 20}
//	  - at: 3s
//	    inject: {type: call_hangup, data: {id: 0b5a1f0e-7c3d-4e2a-9f1b-000000000001, status: hangup}}
//	  - at: 4s
//	    wrapped: true
//	  - at: 5s
//	    refuse-login: true
//	  - at: 6s
//	    drop: all
type Scenario = emu.Scenario

// Arguments of VoIPBin's scenario actions, as Step.Arg holds them.
type (
	// SendStep runs a whole story of Story, or else generates Count
	// events.
	SendStep struct {
		Story string
		Count int
	}
	// InjectStep publishes the event as given.
	InjectStep = Injection
)

// actions are VoIPBin's scenario actions.
var actions = map[string]emu.ActionParser{
	"send": func(st *emu.Step, v *yaml.Node) error {
		var p struct {
			Story string `yaml:"story"`
			Count *int   `yaml:"count"`
		}
		if err := emu.DecodeNode(v, &p); err != nil {
			return err
		}
		if p.Story != "" && !slices.Contains(StoryKinds, p.Story) {
			return emu.NodeError(v, "unknown story %q (stories: %s)", p.Story, strings.Join(StoryKinds, ", "))
		}
		count, err := emu.Count(v, p.Count, maxSendCount)
		if err != nil {
			return err
		}
		st.Arg = SendStep{Story: p.Story, Count: count}
		return nil
	},
	"inject": func(st *emu.Step, v *yaml.Node) error {
		var p struct {
			Type string `yaml:"type"`
			Data any    `yaml:"data"`
		}
		if err := emu.DecodeNode(v, &p); err != nil {
			return err
		}
		if p.Type == "" {
			return emu.NodeError(v, "inject needs type: an event type such as call_hangup")
		}
		data, err := emu.JSONObject(st, v, "data", "the resource, as a mapping", p.Data)
		if err != nil {
			return err
		}
		st.Arg = InjectStep{Type: p.Type, Data: data}
		return nil
	},
	"wrapped":      emu.Switch,
	"refuse-login": emu.Flag,
}

// LoadScenario reads and parses a scenario file; errors name the file
// and line.
func LoadScenario(path string) (*Scenario, error) { return emu.LoadScenario(path, actions) }

// ParseScenario reads a YAML scenario; errors name the line.
func ParseScenario(data []byte) (*Scenario, error) { return emu.ParseScenario(data, actions) }

// do performs one of VoIPBin's steps.
func (s *Server) do(st emu.Step) {
	switch st.Action {
	case "send":
		a := st.Arg.(SendStep)
		if a.Story != "" {
			_, _ = s.RunStory(a.Story)
		} else {
			s.Generate(a.Count)
		}
	case "inject":
		_ = s.Inject(st.Arg.(InjectStep))
	case "wrapped":
		s.SetWrapped(st.Arg.(bool))
	case "refuse-login":
		s.RefuseNextLogin()
	}
}
