package eventlist

import "charm.land/bubbles/v2/key"

// KeyMap is the List's bindings, for the root's help view.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Search, Next, Prev, Filter, ClearFilter key.Binding
	Heartbeats, Control, States, OnlyGaps   key.Binding
	Wire                                    key.Binding
}

// DefaultKeyMap is the List's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:          key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("k/↑", "up")),
		Down:        key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("j/↓", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Top:         key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "oldest")),
		Bottom:      key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "follow newest")),
		Search:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Next:        key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next/prev match")),
		Prev:        key.NewBinding(key.WithKeys("N")),
		Filter:      key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "jq filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search/filter")),
		Heartbeats:  key.NewBinding(key.WithKeys("H"), key.WithHelp("H", "heartbeats")),
		Control:     key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "control frames")),
		States:      key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "state rows")),
		Wire:        key.NewBinding(key.WithKeys("W"), key.WithHelp("W", "sent frames, REST calls")),
		OnlyGaps:    key.NewBinding(key.WithKeys("!"), key.WithHelp("!", "only gaps+recoveries")),
	}
}

// ShortHelp is the bindings for the one-line help.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Down, k.Bottom, k.Search, k.Next, k.Filter}
}

// FullHelp is the bindings for the full help, in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Search, k.Next, k.Filter, k.ClearFilter},
		{k.Heartbeats, k.Control, k.States, k.Wire, k.OnlyGaps},
	}
}
