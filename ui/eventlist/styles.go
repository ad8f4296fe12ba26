package eventlist

import (
	"charm.land/lipgloss/v2"

	"github.com/evtap/evtap/themes"
)

// Styles are the looks the root hands down (from its theme); this package
// never picks a colour itself. The zero value draws plain text.
type Styles struct {
	Time, Label, Seq, Summary lipgloss.Style // event row cells
	Selected                  lipgloss.Style // the selected row
	Match                     lipgloss.Style // a search match
	Replayed, Duplicate       lipgloss.Style // the replay and duplicate markers
	State, Recovery, Gap      lipgloss.Style // inline rows
	Error, Marker, Muted      lipgloss.Style // inline rows; muted for heartbeats, control frames and footers
	Notice                    lipgloss.Style // "N new", filter errors

	// Detail: JSON highlighting.
	JSONKey, JSONString, JSONNumber, JSONLiteral, JSONPunct lipgloss.Style
}

// StylesFrom builds the Styles from a theme's roles. Selection and
// search matches use text attributes as well, so they stay visible in
// the mono theme (NO_COLOR).
func StylesFrom(t themes.Theme) Styles {
	fg := func(r themes.Role) lipgloss.Style {
		s := lipgloss.NewStyle()
		if c := t.Color(r); c != nil {
			s = s.Foreground(c)
		}
		return s
	}
	return Styles{
		Time: fg(themes.Muted), Label: fg(themes.Incoming).Bold(true), Seq: fg(themes.Muted), Summary: fg(themes.Plain),
		Selected: lipgloss.NewStyle().Reverse(true),
		Match:    fg(themes.Warning).Underline(true).Bold(true),
		Replayed: fg(themes.Warning).Bold(true), Duplicate: fg(themes.Alert).Bold(true),
		State: fg(themes.Muted), Recovery: fg(themes.Warning), Gap: fg(themes.Alert).Bold(true),
		Error: fg(themes.Alert), Marker: fg(themes.Marker).Bold(true), Muted: fg(themes.Muted),
		Notice:  fg(themes.Warning).Bold(true),
		JSONKey: fg(themes.Incoming), JSONString: fg(themes.Live), JSONNumber: fg(themes.Marker),
		JSONLiteral: fg(themes.Warning), JSONPunct: fg(themes.Muted),
	}
}
