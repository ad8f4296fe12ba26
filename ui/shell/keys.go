package shell

import (
	"charm.land/bubbles/v2/key"

	"github.com/evtap/evtap/protocol"
)

// keyMap declares every binding once; the help screen is generated from
// it, so it can never disagree with the code.
type keyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom                   key.Binding
	Detail, Back, Search, Next, Prev                          key.Binding
	Drop, Forget, Filters, Send, Faults, Marker, Record       key.Binding
	Reveal, Help, Quit                                        key.Binding
	Pause, Faster, Slower, Step, SeekStart, SeekEnd, SeekNext key.Binding
	SeekTenth                                                 key.Binding
}

func newKeyMap() keyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return keyMap{
		Detail:    b("enter", "show the selected event's JSON", "enter"),
		Back:      b("esc", "close / cancel", "esc"),
		Drop:      b("d", "drop the connection (no close handshake)", "d"),
		Forget:    b("x", "drop and make the server forget the session", "x"),
		Filters:   b("f", "edit the subscription's filters", "f"),
		Send:      b("s", "send a frame by hand (ctrl+s sends, ↑/↓ history)", "s"),
		Faults:    b("!", "fault menu", "!"),
		Marker:    b("m", "add a labelled marker", "m"),
		Record:    b("R", "start/stop recording to a file", "R"),
		Reveal:    b("t", "show/mask tokens", "t"),
		Help:      b("?", "all keys", "?"),
		Quit:      b("q", "quit", "q", "ctrl+c"),
		Pause:     b("space", "replay: pause/resume", "space"),
		Faster:    b("+", "replay: faster", "+", "="),
		Slower:    b("-", "replay: slower", "-"),
		Step:      b("n", "replay: step one Update while paused", "n"),
		SeekStart: b("0", "replay: jump to start", "0"),
		SeekEnd:   b("$", "replay: jump to end", "$"),
		SeekNext:  b("]", "replay: next state change, gap or marker", "]"),
		SeekTenth: b("1…9", "replay: jump to 10%…90%", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
	}
}

// action is a key the root offers only when the source can do it.
type action struct {
	b       key.Binding
	word    string // what the footer calls it
	offered bool
}

// actions are the live keys, in the footer's order, each offered only
// when the source accepts what it does: `x forget` under a real server,
// whose session cannot be forgotten on request, is not offered at all.
func (m Model) actions() (before, after []action) {
	k, c := m.keys, m.src.Controls()
	before = []action{
		{k.Drop, "drop", c.Has(protocol.CmdDrop)},
		{k.Forget, "forget", c.Has(protocol.CmdForget)},
		{k.Filters, "filters", m.canEditFilters()},
		{k.Send, "send", c.Has(protocol.CmdSend)},
		{k.Faults, "faults", len(m.faults.items) > 0},
	}
	after = []action{
		{k.Marker, "mark", c.Has(protocol.CmdMarker)},
		{k.Record, "record", c.Has(protocol.CmdRecord)},
	}
	return before, after
}

// offered keeps the actions offered.
func offered(as []action) []action {
	var out []action
	for _, a := range as {
		if a.offered {
			out = append(out, a)
		}
	}
	return out
}

// keyGroup is one titled block of the help screen.
type keyGroup struct {
	title    string
	bindings []key.Binding
}

// groups lists the bindings the source supports, for the help screen:
// the list's own (moving, search, jq filter, toggles), then the root's.
func (m Model) groups() []keyGroup {
	k, l, d := m.keys, m.list.KeyMap(), m.detail.KeyMap()
	g := []keyGroup{
		{"Move", []key.Binding{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom}},
		{"Find and show", []key.Binding{l.Search, l.Next, l.Filter, l.ClearFilter, l.Heartbeats, l.Control, l.States, l.Wire, l.OnlyGaps}},
		{"Look", []key.Binding{k.Detail, d.Copy, k.Back, k.Reveal, k.Help, k.Quit}},
	}
	before, after := m.actions()
	var live []key.Binding
	for _, a := range offered(append(before, after...)) {
		live = append(live, a.b)
	}
	if len(live) > 0 {
		g = append(g, keyGroup{"Session", live})
	}
	if m.src.Controls().Has(protocol.CmdPause) {
		g = append(g, keyGroup{"Replay", []key.Binding{k.Pause, k.Faster, k.Slower, k.Step, k.SeekStart, k.SeekTenth, k.SeekEnd, k.SeekNext}})
	}
	return g
}
