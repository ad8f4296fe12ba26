package ringcentral

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/evtap/evtap/sim/emu"
)

// Scenario is a parsed script of timed actions (see emu.Scenario and
// docs/emulator.md): the core's actions (drop, close, pause, resume,
// rate, raw, delay, reorder) and RingCentral's:
//
//	seed: 42
//	start: first-subscription   # or listen (default), first-connection
//	steps:
//	  - at: 2s
//	    send: {event: sms, count: 3}
//	  - at: 5s
//	    drop: all
//	  - at: 8s
//	    forget: all
type Scenario = emu.Scenario

// Arguments of RingCentral's scenario actions, as Step.Arg holds them.
type (
	// SendStep generates Count notifications of Kind ("" = any).
	SendStep struct {
		Kind  Kind
		Count int
	}
	// InjectStep delivers the notification as given.
	InjectStep = Injection
)

// actions are RingCentral's scenario actions: send, inject, forget and
// refuse-token. Their target is a session id (session: or the action's
// own field); forget takes all or a session id.
var actions = map[string]emu.ActionParser{
	"send": func(st *emu.Step, v *yaml.Node) error {
		var p struct {
			Event   string `yaml:"event"`
			Count   *int   `yaml:"count"`
			Session string `yaml:"session"`
		}
		if err := emu.DecodeNode(v, &p); err != nil {
			return err
		}
		a, err := sendStep(v, p.Event, p.Count)
		if err != nil {
			return err
		}
		if p.Session != "" {
			st.Target = emu.AllTarget(p.Session)
		}
		st.Arg = a
		return nil
	},
	"inject": func(st *emu.Step, v *yaml.Node) error {
		var p struct {
			Event   string `yaml:"event"`
			Session string `yaml:"session"`
			Body    any    `yaml:"body"`
		}
		if err := emu.DecodeNode(v, &p); err != nil {
			return err
		}
		if !strings.HasPrefix(p.Event, "/") {
			return emu.NodeError(v, "inject needs event: the concrete event path, e.g. %s/account/%s/extension/%s/presence", apiPrefix, DemoAccountID, DemoExtensionID)
		}
		body, err := emu.JSON(st, v, "body", p.Body)
		if err != nil {
			return err
		}
		if p.Session != "" {
			st.Target = emu.AllTarget(p.Session)
		}
		st.Arg = InjectStep{Event: p.Event, Body: body}
		return nil
	},
	"forget":       emu.Target("a session id"),
	"refuse-token": emu.Flag,
}

// sendStep reads what send and pubnub-send share: the event kind ("" =
// any) and the count.
func sendStep(v *yaml.Node, event string, count *int) (SendStep, error) {
	var a SendStep
	if event != "" {
		k, err := ParseKind(event)
		if err != nil {
			return a, emu.NodeError(v, "%v", err)
		}
		a.Kind = k
	}
	n, err := emu.Count(v, count, maxSendCount)
	a.Count = n
	return a, err
}

// LoadScenario reads and parses a scenario file; errors name the file
// and line.
func LoadScenario(path string) (*Scenario, error) { return emu.LoadScenario(path, actions) }

// ParseScenario reads a YAML scenario; errors name the line.
func ParseScenario(data []byte) (*Scenario, error) { return emu.ParseScenario(data, actions) }

// do performs one of RingCentral's steps. Errors (a session that is
// gone) are not fatal: the scenario goes on, as the session under test
// would.
func (s *Server) do(st emu.Step) {
	switch st.Action {
	case "send":
		a := st.Arg.(SendStep)
		_, _ = s.Generate(st.Target, string(a.Kind), a.Count)
	case "inject":
		_, _ = s.Inject(st.Target, st.Arg.(InjectStep))
	case "forget":
		s.Forget(st.Target)
	case "refuse-token":
		s.RefuseNextToken()
	default:
		s.doPush(st)
	}
}
