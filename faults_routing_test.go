package main

import (
	"testing"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/sim/emu"
)

type fakeFaulter struct{ got []protocol.CommandKind }

func (f *fakeFaulter) Faults() []emu.Fault {
	return []emu.Fault{{Kind: protocol.CmdClose, Description: "server close"}, {Kind: protocol.CmdForget, Description: "forget"}}
}

func (f *fakeFaulter) Fault(cmd protocol.Command) error { f.got = append(f.got, cmd.Kind); return nil }

// Issue 13 item 9: in the demo, "close 1000/1011/4000" are the
// emulator's (a close from the server side, after which the client
// reconnects); what the emulator does not offer still reaches the
// session.
func TestDemoRoutesTheEmulatorsFaultsToIt(t *testing.T) {
	var session []protocol.CommandKind
	f := &fakeFaulter{}
	controls, do := withEmulatorFaults(protocol.Controls{protocol.CmdDrop: true, protocol.CmdClose: true},
		func(cmd protocol.Command) error { session = append(session, cmd.Kind); return nil }, f)
	for _, k := range []protocol.CommandKind{protocol.CmdDrop, protocol.CmdClose, protocol.CmdForget} {
		if !controls.Has(k) {
			t.Errorf("controls lack %s", k)
		}
		_ = do(protocol.Command{Kind: k})
	}
	if len(f.got) != 2 || f.got[0] != protocol.CmdClose || f.got[1] != protocol.CmdForget {
		t.Errorf("emulator got %v, want close and forget", f.got)
	}
	if len(session) != 1 || session[0] != protocol.CmdDrop {
		t.Errorf("session got %v, want drop", session)
	}
}
