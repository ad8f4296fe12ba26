// Package eventlist holds the parts of the evtap screen that show what a
// session received: the Store of recent rows, the scrolling List with
// search (/), jq filters (:) and noise toggles, the Detail view of one row
// and the Stats pane. The root model (package ui/shell) owns the layout
// and feeds every Update to Store.Add and Stats.Add, then lets the List
// and Detail handle keys while they have focus.
//
// The jq filter sees, for an event row, the notification exactly as the
// provider sent it (Event.Body), so `select(.body.direction=="Inbound")`
// reads the provider's own field names. Rows
// that are not events (state changes, gaps, markers, errors,
// subscription answers) are not filtered by jq: they tell the story
// around the events and are governed by the noise toggles instead.
package eventlist
