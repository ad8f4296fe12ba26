package shell

import (
	"charm.land/lipgloss/v2"

	"github.com/evtap/evtap/themes"
)

// styles are built from a theme's roles; no colour is named here. Every
// style also carries a text attribute, so the mono theme (and NO_COLOR)
// still tells a gap from an event.
type styles struct {
	plain, event, title, muted, alert, marker, selected, key, badge lipgloss.Style
}

func newStyles(th themes.Theme) styles {
	role := func(s lipgloss.Style, r themes.Role) lipgloss.Style {
		if c := th.Color(r); c != nil {
			return s.Foreground(c)
		}
		return s
	}
	s := lipgloss.NewStyle()
	muted := s.Faint(true)
	if th.Color(themes.Muted) != nil {
		muted = role(s, themes.Muted)
	}
	return styles{
		plain:    role(s, themes.Plain),
		event:    role(s, themes.Incoming),
		title:    role(s.Bold(true), themes.Title),
		muted:    muted,
		alert:    role(s.Bold(true).Underline(true), themes.Alert),
		marker:   role(s.Bold(true), themes.Marker),
		selected: s.Reverse(true),
		key:      role(s.Bold(true), themes.Key),
		badge:    role(s.Reverse(true).Bold(true), themes.Badge),
	}
}
