package emu

import (
	"fmt"
	"time"

	"github.com/evtap/evtap/protocol"
)

// Fault is one fault an emulator can cause when asked: the command that
// asks for it and what it does, in a line for the fault menu.
type Fault struct {
	Kind protocol.CommandKind
	// Name is a few words for the fault menu. For Kind CmdFault it is
	// also the fault's identity: the command's Text names it.
	Name        string
	Description string
	// Toggle marks a fault that stays in force until it is asked for
	// again with On cleared (delay, reorder, encryption off).
	Toggle bool
	// Variants are ready-made forms of the fault for the menu, each with
	// its own name and the command's arguments (a close with 1000, 1011
	// or 4000; a refusal with 403 or 400). Their Kind is the fault's.
	// None offers the fault once, with no arguments.
	Variants []Variant
}

// Variant is one ready-made form of a Fault: a name for the menu and the
// arguments its command carries (Code, Text, Value, Duration, On).
type Variant struct {
	Name string
	Cmd  protocol.Command
	// Description, when set, says what this form does instead of the
	// fault's (a 403 refusal and "answer again" are not the same act).
	Description string
}

// same reports whether f is the fault cmd asks for.
func (f Fault) same(cmd protocol.Command) bool {
	if f.Kind != cmd.Kind {
		return false
	}
	return f.Kind != protocol.CmdFault || f.Name == cmd.Text
}

type faultEntry struct {
	Fault
	do func(protocol.Command) error
}

// Faulter is what an emulator offers the demo: the faults it accepts,
// and a way to cause them. The demo lists exactly these in the TUI's
// fault menu and routes each command of these kinds here rather than to
// the client's session. *Server implements it.
type Faulter interface {
	Faults() []Fault
	Fault(cmd protocol.Command) error
}

// AddFault offers a fault of the provider's (RingCentral: forget the
// session, refuse the next token). A kind offered twice replaces the
// earlier one (for CmdFault: a name offered twice), so a provider can
// change what a core fault does.
func (s *Server) AddFault(f Fault, do func(protocol.Command) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.faults {
		if s.faults[i].same(protocol.Command{Kind: f.Kind, Text: f.Name}) {
			s.faults[i] = faultEntry{f, do}
			return
		}
	}
	s.faults = append(s.faults, faultEntry{f, do})
}

// Faults lists the faults the emulator accepts, in the order they were
// offered: the core's first (close, delay, reorder), then the
// provider's.
func (s *Server) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, len(s.faults))
	for i, f := range s.faults {
		out[i] = f.Fault
	}
	return out
}

// Fault causes the fault cmd asks for; a kind not offered is an error.
func (s *Server) Fault(cmd protocol.Command) error {
	s.mu.Lock()
	var do func(protocol.Command) error
	for _, f := range s.faults {
		if f.same(cmd) {
			do = f.do
		}
	}
	s.mu.Unlock()
	if do == nil {
		if cmd.Kind == protocol.CmdFault {
			return fmt.Errorf("the emulator does not offer the fault %q", cmd.Text)
		}
		return fmt.Errorf("the emulator does not offer the fault %q", cmd.Kind)
	}
	return do(cmd)
}

// coreFaults offers what any emulator can do to its connections.
func (s *Server) coreFaults() {
	s.AddFault(Fault{Kind: protocol.CmdClose, Name: "close", Description: "the emulator closes the connection with this code (a close frame from the server); the client should reconnect",
		Variants: []Variant{
			{Name: "close 1000", Cmd: protocol.Command{Code: 1000, Text: "evtap: normal closure"}},
			{Name: "close 1011", Cmd: protocol.Command{Code: 1011, Text: "evtap: internal error"}},
			{Name: "close 4000", Cmd: protocol.Command{Code: 4000, Text: "evtap: application close"}},
		}},
		func(cmd protocol.Command) error {
			code := cmd.Code
			if code == 0 {
				code = 1000
			}
			if err := CheckCloseCode(code); err != nil {
				return err
			}
			if s.CloseConn("", code, cmd.Text) == 0 {
				return fmt.Errorf("close: the emulator has no connection open")
			}
			return nil
		})
	s.AddFault(Fault{Kind: protocol.CmdDelayFrames, Name: "delay frames", Description: "the emulator delays every frame it writes by the given time (0: no delay)", Toggle: true,
		Variants: []Variant{{Name: "delay frames 500ms", Cmd: protocol.Command{Duration: 500 * time.Millisecond}}}},
		func(cmd protocol.Command) error { s.SetFrameDelay(cmd.Duration); return nil })
	s.AddFault(Fault{Kind: protocol.CmdReorderFrames, Name: "reorder frames", Description: "the emulator swaps adjacent events before writing them (while on)", Toggle: true},
		func(cmd protocol.Command) error { s.SetReorder(cmd.On); return nil })
}
