package providers_test

import (
	"strings"
	"testing"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/protocol"
)

// Issue 13 items 1 and 9: the demo offers exactly the faults the
// RingCentral emulator lists, close among them (a close frame from the
// server, after which the client reconnects), routes them to the
// emulator, and refuses a rate above the emulator's ceiling.
func TestTheRingCentralDemoOffersAndRoutesTheEmulatorsFaults(t *testing.T) {
	e, ok := providers.Builtin().Lookup("ringcentral")
	if !ok {
		t.Fatal("no ringcentral entry")
	}
	s, err := e.Demo(providers.DemoOptions{}, providers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, k := range []protocol.CommandKind{protocol.CmdClose, protocol.CmdForget, protocol.CmdRefuseToken,
		protocol.CmdDelayFrames, protocol.CmdReorderFrames, protocol.CmdDrop} {
		if !s.Controls.Has(k) {
			t.Errorf("the demo does not offer %s", k)
		}
	}
	// The menu names each server close by its code, and the faults of
	// the PubNub transport are not offered over the WebSocket one.
	var names []string
	for _, f := range s.Faults {
		names = append(names, f.Name)
		if s.Controls.Has(protocol.CmdResetPoll) || f.Cmd.Kind == protocol.CmdFailRenew || f.Cmd.Kind == protocol.CmdResetPoll {
			t.Errorf("the WebSocket demo offers the PubNub fault %q", f.Name)
		}
	}
	if got := strings.Join(names, ","); !strings.Contains(got, "close 1000,close 1011,close 4000") || !strings.Contains(got, "forget session") {
		t.Errorf("menu entries %s", got)
	}
	// Nothing is connected: only the emulator can say so.
	if err := s.Do(protocol.Command{Kind: protocol.CmdClose, Code: 4000}); err == nil || !strings.Contains(err.Error(), "emulator has no connection") {
		t.Fatalf("close went elsewhere than the emulator: %v", err)
	}
	if _, err := e.Demo(providers.DemoOptions{Rate: 1e9}, providers.Options{}); err == nil || !strings.Contains(err.Error(), "above the ceiling") {
		t.Fatalf("rate 1e9: %v", err)
	}
}
