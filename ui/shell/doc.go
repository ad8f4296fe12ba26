// Package shell is evtap's TUI: a root model that routes to one component
// per pane — connection, the provider's context (a recovery token, a URL
// token's expiry), subscriptions, event list, detail,
// filter editor, help — fed by a ui.Source. It draws with text attributes
// only (bold, reverse, faint), so it reads the same in every terminal and
// under NO_COLOR.
//
// Updates arrive through a command that asks the Source for the next burst
// and re-arms itself, so one render happens per burst, not per event, and
// key presses are never queued behind events.
package shell
