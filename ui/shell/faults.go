package shell

import (
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/ui"
)

// genericFaults are what a live session itself can do to its connection;
// each is offered when the source's Controls accept its kind. An
// emulator's faults (a server close, a forgotten session) come from the
// source with their own words (Options.Faults).
var genericFaults = []ui.Fault{
	{Name: "drop", Explain: "cut the connection with no close handshake, as a network failure would", Cmd: protocol.Command{Kind: protocol.CmdDrop}},
	{Name: "stop heartbeats", Explain: "stop sending keepalives (toggle): see what the server's idle timeout does", Cmd: protocol.Command{Kind: protocol.CmdStopHeartbeats}, Toggle: true},
	{Name: "stop answering pings", Explain: "leave the server's pings unanswered (toggle): watch its pong timeout drop the connection", Cmd: protocol.Command{Kind: protocol.CmdStopPongs}, Toggle: true},
	{Name: "stall reading 10s", Explain: "stop reading for 10 s: backpressure, missed pongs", Cmd: protocol.Command{Kind: protocol.CmdStallRead, Duration: 10 * time.Second}},
}

// faultKeys are the keys that pick entries 1, 2, …: the number row, then
// letters, so an emulator with many faults can offer them all.
const faultKeys = "1234567890abcdefghijklmnopqrstuvwxyz"

// faultMenu lists the faults the source can cause, each with its key.
type faultMenu struct {
	items  []ui.Fault
	on     map[int]bool // toggles in force, by item index
	offset int          // first item shown when they do not all fit
}

func newFaultMenu(c protocol.Controls, offered []ui.Fault) faultMenu {
	m := faultMenu{on: map[int]bool{}}
	for _, f := range genericFaults {
		if c.Has(f.Cmd.Kind) {
			m.items = append(m.items, f)
		}
	}
	for _, f := range offered {
		if c.Has(f.Cmd.Kind) {
			m.items = append(m.items, f)
		}
	}
	if len(m.items) > len(faultKeys) {
		m.items = m.items[:len(faultKeys)]
	}
	return m
}

// index is the item a key picks, or -1.
func (m *faultMenu) index(key string) int {
	if len(key) != 1 {
		return -1
	}
	i := strings.Index(faultKeys, key)
	if i < 0 || i >= len(m.items) {
		return -1
	}
	return i
}

// pick returns the command for the item key names, flipping toggles.
func (m *faultMenu) pick(key string) (protocol.Command, bool) {
	i := m.index(key)
	if i < 0 {
		return protocol.Command{}, false
	}
	f := m.items[i]
	cmd := f.Cmd
	if f.Toggle {
		m.on[i] = !m.on[i]
		cmd.On = m.on[i]
		if !cmd.On {
			cmd.Duration = 0
		}
	}
	return cmd, true
}

// scroll moves the window of items shown by d.
func (m *faultMenu) scroll(d int) {
	m.offset = max(0, min(m.offset+d, len(m.items)-1))
}

// view draws the menu in at most height lines.
func (m faultMenu) view(st styles, height int) string {
	var b strings.Builder
	b.WriteString(st.title.Render("Faults") + st.muted.Render("  press its key · ↑/↓ scroll · esc cancel · what happens is written into the event list") + "\n")
	if len(m.items) == 0 {
		b.WriteString("this source accepts no faults\n")
	}
	rows := max(height-1, 1)
	from := min(m.offset, max(len(m.items)-rows, 0))
	if len(m.items) <= rows {
		from = 0
	}
	shown := 0
	for i := from; i < len(m.items) && shown < rows; i++ {
		if shown == rows-1 && i < len(m.items)-1 {
			b.WriteString(st.muted.Render("… "+itoa(len(m.items)-i)+" more (↓)") + "\n")
			break
		}
		f := m.items[i]
		state := ""
		if m.on[i] {
			state = " [on]"
		}
		b.WriteString(st.key.Render(faultKeys[i:i+1]) + " " + sanitize(f.Name, 40) + state + st.muted.Render(" — "+sanitize(f.Explain, 300)) + "\n")
		shown++
	}
	return strings.TrimRight(b.String(), "\n")
}
