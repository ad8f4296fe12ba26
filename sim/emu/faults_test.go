package emu

import (
	"errors"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

func TestFaultsListTheCoresThenTheProviders(t *testing.T) {
	e, _ := newEcho(t, Config{})
	forgot := false
	e.AddFault(Fault{Kind: protocol.CmdForget, Name: "forget", Description: "forget"}, func(protocol.Command) error { forgot = true; return nil })
	var kinds []protocol.CommandKind
	for _, f := range e.Faults() {
		if f.Description == "" {
			t.Errorf("%s has no description", f.Kind)
		}
		kinds = append(kinds, f.Kind)
	}
	want := []protocol.CommandKind{protocol.CmdClose, protocol.CmdDelayFrames, protocol.CmdReorderFrames, protocol.CmdForget}
	if len(kinds) != len(want) {
		t.Fatalf("faults %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("faults %v, want %v", kinds, want)
		}
	}
	if err := e.Fault(protocol.Command{Kind: protocol.CmdForget}); err != nil || !forgot {
		t.Fatalf("forget: %v", err)
	}
	if err := e.Fault(protocol.Command{Kind: protocol.CmdStallRead}); err == nil {
		t.Fatal("a fault nobody offered was accepted")
	}
	var _ Faulter = e.Server
}

// Issue 13 item 9: the fault menu's "close 1000/1011/4000" must close
// from the server side, so the client sees a close frame and reconnects.
func TestCloseFaultClosesFromTheServerWithTheCode(t *testing.T) {
	e, base := newEcho(t, Config{})
	if err := e.Fault(protocol.Command{Kind: protocol.CmdClose, Code: 1011, Text: "evtap: internal error"}); err == nil {
		t.Fatal("a close with no connection open reported success")
	}
	cl := dial(t, base)
	e.only(t)
	if err := e.Fault(protocol.Command{Kind: protocol.CmdClose, Code: 1011, Text: "evtap: internal error"}); err != nil {
		t.Fatal(err)
	}
	var ce *websocket.CloseError
	if err := cl.readClosed(); !errors.As(err, &ce) || ce.Code != 1011 || ce.Text != "evtap: internal error" {
		t.Fatalf("client saw %v, want a close frame 1011 from the server", err)
	}
	if err := e.Fault(protocol.Command{Kind: protocol.CmdClose, Code: 1005}); err == nil {
		t.Fatal("a reserved close code was accepted")
	}
	if err := e.Fault(protocol.Command{Kind: protocol.CmdDelayFrames, Duration: time.Second}); err != nil || e.Counters().FrameDelay != time.Second {
		t.Fatalf("delay: %v", err)
	}
	if err := e.Fault(protocol.Command{Kind: protocol.CmdReorderFrames, On: true}); err != nil || !e.Counters().Reorder {
		t.Fatalf("reorder: %v", err)
	}
}
