package events

import "charm.land/lipgloss/v2"

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
