package ui

import "github.com/evtap/evtap/protocol"

// Fault is one entry of the fault menu that a source offers beside the
// generic ones its Controls imply: an emulator's own faults (close from
// the server side, forget the session, expire a subscription), described
// by the emulator itself so the UI needs to know none of them.
type Fault struct {
	Name    string           // a few words for the menu: "close 1011", "expire subscription"
	Explain string           // one line: what happens, and what to watch
	Cmd     protocol.Command // what picking it sends
	// Toggle marks a fault that stays in force until picked again: the
	// menu shows [on] and sends Cmd with On set, then a second time with
	// On cleared (and Duration zeroed).
	Toggle bool
}
