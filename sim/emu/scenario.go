package emu

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Scenario start points: when a scenario's clock starts. A provider
// marks the ones only it can see (Mark(StartFirstSubscription)).
const (
	StartListen            = "listen"
	StartFirstConnection   = "first-connection"
	StartFirstSubscription = "first-subscription"
)

// StartPoints lists the start points a scenario may name.
var StartPoints = []string{StartListen, StartFirstConnection, StartFirstSubscription}

// Scenario is a parsed script of timed actions, so that a CI run can
// repeat a bug exactly:
//
//	seed: 42                    # for the provider's generator
//	rate: 0                     # overrides Config.Rate
//	start: first-subscription   # listen (default), first-connection
//	steps:
//	  - at: 2s
//	    send: {event: sms, count: 3}   # a provider's action
//	  - at: 5s
//	    drop: all                      # a core action
type Scenario struct {
	Seed  *int64   // for the provider: used when its own seed is 0
	Rate  *float64 // overrides Config.Rate
	Start string   // one of StartPoints
	Steps []Step   // in time order; ties keep file order
}

// Step is one action of a scenario, At after the scenario starts.
type Step struct {
	At     time.Duration
	Line   int    // in the scenario file
	Action string // the step's action key
	Target string // what the step names with conn: or session: (or its parser sets); "" = all
	Arg    any    // the action's argument, as its parser left it
}

// CloseArg is the argument of the core's close action.
type CloseArg struct {
	Code   int
	Reason string
}

// ActionParser checks the value of one action key and keeps what the
// action needs in st.Arg (and st.Target, if the value names one). Its
// errors should come from NodeError or DecodeNode, so they name a line.
type ActionParser func(st *Step, v *yaml.Node) error

// maxScenario bounds a scenario file.
const maxScenario = 4 << 20

// LoadScenario reads and parses a scenario file with the core's actions
// and the provider's; errors name the file and line.
func LoadScenario(path string, actions map[string]ActionParser) (*Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	defer f.Close()
	// a scenario is a few lines; /dev/zero given by mistake must not be
	// read for ever
	data, err := io.ReadAll(io.LimitReader(f, maxScenario+1))
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	if len(data) > maxScenario {
		return nil, fmt.Errorf("scenario: %s is over %d MiB", path, maxScenario>>20)
	}
	sc, err := ParseScenario(data, actions)
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

// ParseScenario reads a YAML scenario whose steps use the core's actions
// (drop, close, pause, resume, rate, raw, delay, reorder) and the
// provider's. Errors start with "scenario: line N:". A provider action
// named like a core one panics: that is a programming error.
func ParseScenario(data []byte, actions map[string]ActionParser) (*Scenario, error) {
	all := map[string]ActionParser{}
	for k, v := range coreActions {
		all[k] = v
	}
	for k, v := range actions {
		if all[k] != nil {
			panic("emu: scenario action " + k + " is one of the core's")
		}
		all[k] = v
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil, errors.New("scenario: the file is empty (want seed, start and steps)")
	}
	top := doc.Content[0]
	var f scenarioFile
	if err := DecodeNode(top, &f); err != nil {
		return nil, fmt.Errorf("scenario: line %d: %w", errLine(err, top), err)
	}
	if f.Start == "" {
		f.Start = StartListen
	}
	if !validStart(f.Start) {
		return nil, fmt.Errorf("scenario: line %d: start must be %s, not %q", keyLine(top, "start"), strings.Join(StartPoints, ", "), f.Start)
	}
	if f.Rate != nil {
		if err := CheckRate(*f.Rate); err != nil {
			return nil, fmt.Errorf("scenario: line %d: %v", keyLine(top, "rate"), err)
		}
	}
	if len(f.Steps) == 0 {
		return nil, fmt.Errorf("scenario: no steps (want steps: [- at: 2s ...])")
	}
	sc := &Scenario{Seed: f.Seed, Rate: f.Rate, Start: f.Start}
	names := make([]string, 0, len(all))
	for k := range all {
		names = append(names, k)
	}
	sort.Strings(names)
	for i := range f.Steps {
		st, err := parseStep(&f.Steps[i], all, names)
		if err != nil {
			return nil, fmt.Errorf("scenario: line %d: %w", errLine(err, &f.Steps[i]), err)
		}
		sc.Steps = append(sc.Steps, st)
	}
	sort.SliceStable(sc.Steps, func(i, j int) bool { return sc.Steps[i].At < sc.Steps[j].At })
	return sc, nil
}

func validStart(s string) bool {
	for _, p := range StartPoints {
		if s == p {
			return true
		}
	}
	return false
}

func parseStep(n *yaml.Node, actions map[string]ActionParser, names []string) (Step, error) {
	st := Step{Line: n.Line}
	if n.Kind != yaml.MappingNode {
		return st, NodeError(n, "a step must be a mapping such as {at: 2s, drop: all}")
	}
	var atSeen bool
	var actNode *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Value == "at":
			d, err := time.ParseDuration(v.Value)
			if err != nil || d < 0 {
				return st, NodeError(v, "at must be a duration such as 2s or 1m30s, not %q", v.Value)
			}
			st.At, atSeen = d, true
		case k.Value == "conn" || k.Value == "session":
			st.Target = AllTarget(v.Value)
		case actions[k.Value] != nil:
			if st.Action != "" {
				return st, NodeError(k, "one action per step: both %s and %s", st.Action, k.Value)
			}
			st.Action, actNode = k.Value, v
		default:
			return st, NodeError(k, "unknown key %q (actions: %s)", k.Value, strings.Join(names, ", "))
		}
	}
	if !atSeen {
		return st, NodeError(n, "step has no at: (when to act, e.g. at: 2s)")
	}
	if st.Action == "" {
		return st, NodeError(n, "step has no action (%s)", strings.Join(names, ", "))
	}
	return st, actions[st.Action](&st, actNode)
}

// AllTarget reads a target: "all" or "*" mean every one ("").
func AllTarget(s string) string {
	if s == "all" || s == "*" {
		return ""
	}
	return s
}

// DecodeNode decodes a YAML mapping into v and refuses keys v does not
// have. Its error names the line, counted in the whole file.
func DecodeNode(n *yaml.Node, v any) error {
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

// NodeError is an error about node n; the scenario's error names n's
// line.
func NodeError(n *yaml.Node, format string, a ...any) error {
	return &lineError{n.Line, fmt.Errorf(format, a...)}
}

func errLine(err error, fallback *yaml.Node) int {
	var le *lineError
	if errors.As(err, &le) {
		return le.line
	}
	return fallback.Line
}

// keyLine finds the line of key in mapping m (m's own line if absent).
func keyLine(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i].Line
		}
	}
	return m.Line
}

// Mark records that a scenario start point happened; later marks of the
// same point do nothing.
func (s *Server) Mark(point string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.started[point]
	if ch == nil {
		return
	}
	select {
	case <-ch:
	default:
		close(ch)
	}
}

// runScenario waits for the scenario's start point, then acts each step
// at its time.
func (s *Server) runScenario(sc *Scenario) {
	defer s.bg.Done()
	s.mu.Lock()
	start := s.started[sc.Start]
	s.mu.Unlock()
	if start == nil {
		start = s.started[StartListen]
	}
	select {
	case <-start:
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
		s.Logf("scenario line %d (at %s): %s", st.Line, st.At, st.Action)
		s.do(st)
	}
	s.Logf("scenario finished")
}

// do performs one step. A step that finds nothing to act on does
// nothing: the scenario goes on, as the client under test would.
func (s *Server) do(st Step) {
	switch st.Action {
	case "drop":
		s.Drop(st.Target)
	case "close":
		a := st.Arg.(CloseArg)
		s.CloseConn(st.Target, a.Code, a.Reason)
	case "pause":
		s.Pause()
	case "resume":
		s.Resume()
	case "rate":
		_ = s.SetRate(st.Arg.(float64))
	case "raw":
		s.InjectRaw(st.Target, []byte(st.Arg.(string)))
	case "delay":
		s.SetFrameDelay(st.Arg.(time.Duration))
	case "reorder":
		s.SetReorder(st.Arg.(bool))
	default:
		if s.cfg.Do != nil {
			s.cfg.Do(st)
		}
	}
}
