package shell

import (
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
)

// fault is one entry of the fault menu: what it does, in one line, and
// the command it sends.
type fault struct {
	name, explain string
	cmd           protocol.Command
}

// faultMenu lists the faults the source can cause, numbered.
type faultMenu struct {
	items          []fault
	heartbeatsOff  bool
	delayOn, swaps bool
}

func newFaultMenu(c protocol.Controls) faultMenu {
	all := []fault{
		{"drop", "cut the connection with no close handshake, as a network failure would", protocol.Command{Kind: protocol.CmdDrop}},
		{"close 1000", "close cleanly (normal closure) and watch the client reconnect", protocol.Command{Kind: protocol.CmdClose, Code: 1000, Text: "evtap: normal closure"}},
		{"close 1011", "close with 1011 (server error)", protocol.Command{Kind: protocol.CmdClose, Code: 1011, Text: "evtap: internal error"}},
		{"close 4000", "close with an application code", protocol.Command{Kind: protocol.CmdClose, Code: 4000, Text: "evtap: application close"}},
		{"stop heartbeats", "stop sending keepalives (toggle): see what the server's idle timeout does", protocol.Command{Kind: protocol.CmdStopHeartbeats}},
		{"stall reading 10s", "stop reading for 10 s: backpressure, missed pongs", protocol.Command{Kind: protocol.CmdStallRead, Duration: 10 * time.Second}},
		{"forget session", "drop, and make the emulator forget the session: recovery will fail", protocol.Command{Kind: protocol.CmdForget}},
		{"refuse next token", "the emulator refuses the next token request (HTTP 503)", protocol.Command{Kind: protocol.CmdRefuseToken}},
		{"delay frames", "the emulator delays every frame by 500 ms (toggle)", protocol.Command{Kind: protocol.CmdDelayFrames}},
		{"reorder frames", "the emulator swaps adjacent notifications (toggle)", protocol.Command{Kind: protocol.CmdReorderFrames}},
	}
	var m faultMenu
	for _, f := range all {
		if c.Has(f.cmd.Kind) {
			m.items = append(m.items, f)
		}
	}
	return m
}

// pick returns the command for entry n (1-based), flipping toggles.
func (m *faultMenu) pick(n int) (protocol.Command, bool) {
	if n < 1 || n > len(m.items) {
		return protocol.Command{}, false
	}
	cmd := m.items[n-1].cmd
	switch cmd.Kind {
	case protocol.CmdStopHeartbeats:
		m.heartbeatsOff = !m.heartbeatsOff
		cmd.On = m.heartbeatsOff
	case protocol.CmdDelayFrames:
		m.delayOn = !m.delayOn
		if m.delayOn {
			cmd.Duration = 500 * time.Millisecond
		}
	case protocol.CmdReorderFrames:
		m.swaps = !m.swaps
		cmd.On = m.swaps
	}
	return cmd, true
}

func (m faultMenu) view(st styles) string {
	var b strings.Builder
	b.WriteString(st.title.Render("Faults") + st.muted.Render("  press a number · esc cancel · what happens is written into the event list") + "\n")
	if len(m.items) == 0 {
		b.WriteString("this source accepts no faults\n")
	}
	for i, f := range m.items {
		state := ""
		switch {
		case f.cmd.Kind == protocol.CmdStopHeartbeats && m.heartbeatsOff,
			f.cmd.Kind == protocol.CmdDelayFrames && m.delayOn,
			f.cmd.Kind == protocol.CmdReorderFrames && m.swaps:
			state = " [on]"
		}
		b.WriteString(st.key.Render(itoa((i+1)%10)) + " " + f.name + state + st.muted.Render(" — "+f.explain) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
