package ui

import "github.com/evtap/evtap/protocol"

// Provider is what the UI shows and offers that differs between
// providers, supplied by the provider registry. The UI knows no provider
// by name: everything it says about one comes from here, and everything
// it offers is limited to the Controls of its Source.
type Provider struct {
	// Name is the provider's name, as in Event.Provider ("raw" for a
	// plain WebSocket).
	Name string
	// ContextTitle is the title of the context pane: "Recovery (wsc)",
	// "URL token", "Long-poll", "Keepalive".
	ContextTitle string
	// ContextEmpty is what the context pane says before the provider
	// has reported any context ("no recovery token yet").
	ContextEmpty string
	// SubscriptionsTitle is the title of the subscriptions pane:
	// "Subscription", "Topics", "Subscriptions".
	SubscriptionsTitle string
	// Phases words a phase the provider's way ("ConnectionDetails
	// received" for connected); phases it leaves out take the UI's
	// generic words.
	Phases map[protocol.Phase]string
	// Gaps says how gaps can be known on this stream, shown when none
	// was seen ("gaps cannot be known on a raw stream"); empty says
	// nothing.
	Gaps string
	// Filters describes the live editor (f); nil when the source's
	// subscriptions cannot be edited.
	Filters *FilterSpec
	// Redact replaces the secrets a frame's text holds (issued tokens,
	// keys, a token in a URL path) with placeholders, by the provider's
	// own rules, before the list or the detail view shows it; nil shows
	// frames as they came (--no-redact, or a recording already
	// redacted). It is called only from the UI's goroutine.
	Redact func(string) string
	// OneSubscription says the provider keeps one subscription per
	// session, each new one replacing the last (the pane then shows only
	// the newest); false lists several at once, by ID.
	OneSubscription bool
	// ShortFilter shortens a filter for the subscriptions pane (dropping
	// a prefix every filter shares); nil shows filters whole.
	ShortFilter func(string) string
}

// FilterSpec is the filter (or topic, or subscription) editor of a
// provider: each line is one filter, checked locally before anything is
// sent.
type FilterSpec struct {
	Title    string             // "Event filters", "Topics"
	Help     string             // one line under the title: the syntax in brief
	Validate func(string) error // why a line would be refused, before it is sent
	Presets  []Preset           // offered with alt+1…9
	// Default are the filters a session subscribes to when none are
	// given, for --filter's help; nil when the provider names none.
	Default []string
	// DefaultText says in words what is subscribed when no filter is
	// given and the default depends on the account (topics that follow
	// the credential's rights), for --filter's help when Default is nil.
	DefaultText string
}

// Preset is a common filter offered in the editor.
type Preset struct {
	Name, Description, Value string
}
