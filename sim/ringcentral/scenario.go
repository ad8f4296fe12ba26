package ringcentral

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Scenario is a parsed script of timed actions, so a CI run can repeat a
// recovery bug exactly. The format is in docs/emulator.md:
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
type Scenario struct {
	Seed  *int64   // overrides Config.Seed when that is 0
	Rate  *float64 // overrides Config.Rate
	Start string   // listen, first-connection or first-subscription
	Steps []Step   // in time order
}

// Step is one action of a scenario, At after the scenario starts.
type Step struct {
	At     time.Duration
	Line   int    // in the scenario file
	Action string // send, inject, raw, drop, close, forget, pause, resume, rate, refuse-token, delay, reorder
	Target string // connection id (drop, close, raw) or session id (send, inject, forget); "" = all
	Kind   string // send: event kind ("" = any)
	Count  int    // send: how many
	Code   int    // close: close code
	Reason string // close: reason
	Event  string // inject: event path
	Body   json.RawMessage
	Raw    string        // raw: the frame text
	Rate   float64       // rate
	Delay  time.Duration // delay
	On     bool          // reorder
}

// Scenario start points.
const (
	startListen = iota
	startFirstConnection
	startFirstSubscription
)

var startNames = map[string]int{"": startListen, "listen": startListen,
	"first-connection": startFirstConnection, "first-subscription": startFirstSubscription}

// LoadScenario reads and parses a scenario file; errors name the file
// and line.
func LoadScenario(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	sc, err := ParseScenario(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return sc, nil
}

type scenarioFile struct {
	Seed  *int64      `yaml:"seed"`
	Rate  *float64    `yaml:"rate"`
	Start string      `yaml:"start"`
	Steps []yaml.Node `yaml:"steps"`
}

// ParseScenario reads a YAML scenario; errors name the line.
func ParseScenario(data []byte) (*Scenario, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil, errors.New("scenario: the file is empty (want seed, start and steps)")
	}
	var f scenarioFile
	if err := strictDecode(doc.Content[0], &f); err != nil {
		return nil, fmt.Errorf("scenario: line %d: %w", errLine(err, doc.Content[0]), err)
	}
	_, ok := startNames[f.Start]
	if !ok {
		return nil, fmt.Errorf("scenario: line %d: start must be listen, first-connection or first-subscription, not %q", line(doc.Content[0], "start"), f.Start)
	}
	if f.Rate != nil && *f.Rate < 0 {
		return nil, fmt.Errorf("scenario: line %d: rate must be 0 or more", line(doc.Content[0], "rate"))
	}
	if len(f.Steps) == 0 {
		return nil, fmt.Errorf("scenario: no steps (want steps: [- at: 2s ...])")
	}
	sc := &Scenario{Seed: f.Seed, Rate: f.Rate, Start: f.Start}
	for i := range f.Steps {
		st, err := parseStep(&f.Steps[i])
		if err != nil {
			return nil, fmt.Errorf("scenario: line %d: %w", errLine(err, &f.Steps[i]), err)
		}
		sc.Steps = append(sc.Steps, st)
	}
	sort.SliceStable(sc.Steps, func(i, j int) bool { return sc.Steps[i].At < sc.Steps[j].At })
	return sc, nil
}

// strictDecode decodes n into v and refuses unknown keys. The error
// says "line N: what" with N counted in the whole file.
func strictDecode(n *yaml.Node, v any) error {
	b, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return readableYAMLError(err, n.Line-1)
	}
	return nil
}

var (
	yamlLine     = regexp.MustCompile(`line (\d+): (.*)`)
	yamlNotFound = regexp.MustCompile(`field (\S+) not found in type .*`)
	yamlType     = regexp.MustCompile(`cannot unmarshal !!(\w+) ` + "`" + `([^` + "`" + `]*)` + "`" + ` into (\S+)`)
)

// readableYAMLError turns yaml's first complaint into "line N: what",
// shifted by off lines, without Go type names.
func readableYAMLError(err error, off int) error {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	n, _ := strconv.Atoi(m[1])
	msg := yamlNotFound.ReplaceAllString(m[2], "unknown key $1")
	msg = yamlType.ReplaceAllString(msg, "$2 is not a valid value here (want $3)")
	return &lineError{n + off, errors.New(msg)}
}

// lineError carries the line of the node at fault.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return e.err.Error() }

func atLine(n *yaml.Node, format string, a ...any) error {
	return &lineError{n.Line, fmt.Errorf(format, a...)}
}

func errLine(err error, fallback *yaml.Node) int {
	var le *lineError
	if errors.As(err, &le) {
		return le.line
	}
	return fallback.Line
}

// line finds the line of key in mapping m (0 if absent).
func line(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i].Line
		}
	}
	return m.Line
}

// actions are the step keys that name an action.
var actions = map[string]bool{"send": true, "inject": true, "raw": true, "drop": true, "close": true, "forget": true,
	"pause": true, "resume": true, "rate": true, "refuse-token": true, "delay": true, "reorder": true}

func parseStep(n *yaml.Node) (Step, error) {
	st := Step{Line: n.Line}
	if n.Kind != yaml.MappingNode {
		return st, atLine(n, "a step must be a mapping such as {at: 2s, drop: all}")
	}
	var atSeen bool
	var actNode *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Value == "at":
			d, err := time.ParseDuration(v.Value)
			if err != nil || d < 0 {
				return st, atLine(v, "at must be a duration such as 2s or 1m30s, not %q", v.Value)
			}
			st.At, atSeen = d, true
		case k.Value == "conn" || k.Value == "session":
			st.Target = allTarget(v.Value)
		case actions[k.Value]:
			if st.Action != "" {
				return st, atLine(k, "one action per step: both %s and %s", st.Action, k.Value)
			}
			st.Action, actNode = k.Value, v
		default:
			return st, atLine(k, "unknown key %q (actions: send, inject, raw, drop, close, forget, pause, resume, rate, refuse-token, delay, reorder)", k.Value)
		}
	}
	if !atSeen {
		return st, atLine(n, "step has no at: (when to act, e.g. at: 2s)")
	}
	if st.Action == "" {
		return st, atLine(n, "step has no action (send, drop, forget, ...)")
	}
	return st, st.parseAction(actNode)
}

func allTarget(s string) string {
	if s == "all" || s == "*" {
		return ""
	}
	return s
}

// parseAction reads the value of the step's action key.
func (st *Step) parseAction(v *yaml.Node) error {
	switch st.Action {
	case "drop", "forget":
		if v.Kind != yaml.ScalarNode {
			return atLine(v, "%s takes all or an id", st.Action)
		}
		st.Target = allTarget(v.Value)
	case "pause", "resume", "refuse-token":
		// any value ("true", "all") means do it
	case "reorder":
		on, err := strconv.ParseBool(v.Value)
		if err != nil {
			return atLine(v, "reorder takes true or false, not %q", v.Value)
		}
		st.On = on
	case "rate":
		r, err := strconv.ParseFloat(v.Value, 64)
		if err != nil || r < 0 {
			return atLine(v, "rate takes a number of notifications per second >= 0, not %q", v.Value)
		}
		st.Rate = r
	case "delay":
		d, err := time.ParseDuration(v.Value)
		if err != nil || d < 0 {
			return atLine(v, "delay takes a duration such as 250ms, not %q", v.Value)
		}
		st.Delay = d
	case "raw":
		if v.Kind != yaml.ScalarNode {
			return atLine(v, "raw takes the frame as a string")
		}
		st.Raw = v.Value
	case "send":
		var p struct {
			Event   string `yaml:"event"`
			Count   *int   `yaml:"count"`
			Session string `yaml:"session"`
		}
		if err := strictDecode(v, &p); err != nil {
			return err
		}
		if p.Event != "" {
			k, err := ParseKind(p.Event)
			if err != nil {
				return atLine(v, "%v", err)
			}
			st.Kind = string(k)
		}
		st.Count = 1
		if p.Count != nil {
			if *p.Count < 1 {
				return atLine(v, "count must be 1 or more")
			}
			st.Count = *p.Count
		}
		if p.Session != "" {
			st.Target = allTarget(p.Session)
		}
	case "close":
		var p struct {
			Conn   string `yaml:"conn"`
			Code   int    `yaml:"code"`
			Reason string `yaml:"reason"`
		}
		if err := strictDecode(v, &p); err != nil {
			return err
		}
		if p.Code == 0 {
			p.Code = 1000
		}
		if p.Code < 1000 || p.Code > 4999 {
			return atLine(v, "close code must be between 1000 and 4999, not %d", p.Code)
		}
		st.Target, st.Code, st.Reason = allTarget(p.Conn), p.Code, p.Reason
	case "inject":
		var p struct {
			Event   string `yaml:"event"`
			Session string `yaml:"session"`
			Body    any    `yaml:"body"`
		}
		if err := strictDecode(v, &p); err != nil {
			return err
		}
		if !strings.HasPrefix(p.Event, "/") {
			return atLine(v, "inject needs event: the concrete event path, e.g. %s/account/%s/extension/%s/presence", apiPrefix, DemoAccountID, DemoExtensionID)
		}
		body, err := json.Marshal(p.Body)
		if err != nil {
			return atLine(v, "inject body cannot be written as JSON: %v", err)
		}
		st.Event, st.Body, st.Target = p.Event, body, allTarget(p.Session)
	}
	return nil
}

// markStarted records that a scenario start point happened.
func (s *Server) markStarted(i int) {
	s.startOnce[i].Do(func() { close(s.started[i]) })
}

// runScenario waits for the scenario's start point, then acts each step
// at its time.
func (s *Server) runScenario(sc *Scenario) {
	defer s.bg.Done()
	select {
	case <-s.started[startNames[sc.Start]]:
	case <-s.stop:
		return
	}
	t0 := time.Now()
	for _, st := range sc.Steps {
		select {
		case <-time.After(time.Until(t0.Add(st.At))):
		case <-s.stop:
			return
		}
		s.logf("scenario line %d (at %s): %s", st.Line, st.At, st.Action)
		s.do(st)
	}
	s.logf("scenario finished")
}

// do performs one step. Errors (a session that is gone) are not fatal:
// the scenario goes on, as the session under test would.
func (s *Server) do(st Step) {
	switch st.Action {
	case "send":
		_, _ = s.Generate(st.Target, st.Kind, st.Count)
	case "inject":
		_, _ = s.Inject(st.Target, Injection{Event: st.Event, Body: st.Body})
	case "raw":
		s.InjectRaw(st.Target, []byte(st.Raw))
	case "drop":
		s.Drop(st.Target)
	case "close":
		s.CloseConn(st.Target, st.Code, st.Reason)
	case "forget":
		s.Forget(st.Target)
	case "pause":
		s.Pause()
	case "resume":
		s.Resume()
	case "rate":
		s.SetRate(st.Rate)
	case "refuse-token":
		s.RefuseNextToken()
	case "delay":
		s.SetFrameDelay(st.Delay)
	case "reorder":
		s.SetReorder(st.On)
	}
}
