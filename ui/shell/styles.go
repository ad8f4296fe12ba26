package shell

import "charm.land/lipgloss/v2"

// styles are built from text attributes only: no colour lives here.
type styles struct {
	plain, title, muted, alert, selected, key, badge lipgloss.Style
}

func newStyles() styles {
	s := lipgloss.NewStyle()
	return styles{
		plain:    s,
		title:    s.Bold(true),
		muted:    s.Faint(true),
		alert:    s.Bold(true).Underline(true),
		selected: s.Reverse(true),
		key:      s.Bold(true),
		badge:    s.Reverse(true).Bold(true),
	}
}
