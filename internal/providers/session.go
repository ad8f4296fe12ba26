package providers

import (
	"errors"
	"slices"
	"strings"

	"github.com/evtap/evtap/internal/run"
	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/sim/emu"
	"github.com/evtap/evtap/ui"
)

// Live builds the session `evtap connect` runs, from the provider's
// parsed flags (dial, as Connect.Flags returned it) and the shared
// options, and fills in what the entry knows about every session of its
// provider.
func (e *Entry) Live(dial Dial, args []string, o Options) (run.Session, error) {
	if err := e.checkFilters(o.Filters); err != nil {
		return run.Session{}, err
	}
	s, err := dial(args, o)
	if err != nil {
		return run.Session{}, err
	}
	return e.complete(s), nil
}

// Demo starts the provider's emulator in-process on loopback and builds
// a session connected to it. The faults only the emulator can cause
// (Sim.Faults) are offered beside the session's own controls and routed
// to the emulator; the rest go to the session, exactly as with a real
// server. The session's Close stops the emulator.
func (e *Entry) Demo(d DemoOptions, o Options) (run.Session, error) {
	if e.Emulator == nil {
		return run.Session{}, run.Usagef("%s has no emulator", e.Name)
	}
	if err := e.checkFilters(o.Filters); err != nil {
		return run.Session{}, err
	}
	if d.Rate < 0 {
		return run.Session{}, run.Usagef("--rate must be 0 or more, got %g", d.Rate)
	}
	if err := emu.CheckRate(d.Rate); err != nil {
		return run.Session{}, run.Usagef("--rate: %v", err)
	}
	sim := e.Emulator.Demo(d)
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		sim.Close()
		return run.Session{}, err
	}
	s, err := e.Emulator.Client(url, o)
	if err != nil {
		sim.Close()
		return run.Session{}, err
	}
	s = e.complete(s)
	s.Title = e.Title + " emulator " + url

	faults := sim.Faults()
	controls := protocol.Controls{}
	for k, v := range s.Controls {
		controls[k] = v
	}
	for _, f := range faults {
		controls[f.Kind] = true
	}
	do := s.Do
	s.Controls = controls
	s.Faults = append(s.Faults, menuFaults(faults)...) // the session's own (resume polling) first
	s.Do = func(cmd protocol.Command) error {
		for _, f := range faults {
			if f.Kind == cmd.Kind {
				return sim.Do(cmd)
			}
		}
		return do(cmd)
	}
	closeSession := s.Close
	s.Close = func() error {
		var err error
		if closeSession != nil {
			err = closeSession()
		}
		return errors.Join(err, sim.Close())
	}
	return s, nil
}

// complete fills in what the entry says about every session of its
// provider, where the session left it out.
func (e *Entry) complete(s run.Session) run.Session {
	if s.Provider == "" {
		s.Provider = e.Name
	}
	if s.UI.Name == "" {
		s.UI = e.UI
	}
	if s.Redact == nil {
		s.Redact = e.Redact
	}
	if s.Title == "" {
		s.Title = e.Title + " " + s.Endpoint
	}
	return s
}

// checkFilters refuses --filter for a provider whose subscriptions take
// none.
func (e *Entry) checkFilters(filters []string) error {
	if len(filters) > 0 && e.UI.Filters == nil {
		return run.Usagef("--filter: %s takes no filters", e.Name)
	}
	return nil
}

// menuFaults turns the emulator's faults into fault-menu entries: one
// per ready-made variant (a close with each of three codes), or one for
// the fault itself.
func menuFaults(fs []emu.Fault) []ui.Fault {
	var out []ui.Fault
	for _, f := range fs {
		name := f.Name
		if name == "" {
			name = strings.ReplaceAll(string(f.Kind), "_", " ")
		}
		variants := f.Variants
		if len(variants) == 0 {
			variants = []emu.Variant{{Name: name}}
		}
		for _, v := range variants {
			cmd := v.Cmd
			cmd.Kind = f.Kind
			if f.Kind == protocol.CmdFault {
				cmd.Text = f.Name // the emulator knows its own faults by name
			}
			explain := f.Description
			if v.Description != "" {
				explain = v.Description
			}
			out = append(out, ui.Fault{Name: v.Name, Explain: explain, Cmd: cmd, Toggle: f.Toggle})
		}
	}
	return out
}

// controlsWithout is c less the commands a provider's source cannot
// act on, so the footer, the help and the fault menu do not offer them.
func controlsWithout(c protocol.Controls, drop ...protocol.CommandKind) protocol.Controls {
	out := protocol.Controls{}
	for k, v := range c {
		if !slices.Contains(drop, k) {
			out[k] = v
		}
	}
	return out
}
