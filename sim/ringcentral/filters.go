package ringcentral

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	rc "github.com/evtap/evtap/protocol/ringcentral"
)

// Kind names a family of events the emulator can generate. The names are
// also what scenarios and the control API use ("send: {event: sms}").
type Kind string

// The event kinds, one per supported event filter.
const (
	KindSMS          Kind = "sms"
	KindVoicemail    Kind = "voicemail"
	KindMessageStore Kind = "message-store"
	KindPresence     Kind = "presence"
	KindTelephony    Kind = "telephony"
	// KindHostile is no event filter: it asks for an ordinary event of
	// one of the subscription's filters whose body carries terminal
	// escape sequences, bidi overrides, control characters, a 1 MiB
	// string or deep nesting — for testing what a client shows.
	KindHostile Kind = "hostile"
)

// Kinds lists every kind, in the order the docs present them.
var Kinds = []Kind{KindSMS, KindVoicemail, KindMessageStore, KindPresence, KindTelephony}

// ParseKind accepts a kind name (case-insensitive; "instant-sms",
// "vm", "telephony-sessions" are aliases).
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "sms", "instant-sms", "instant":
		return KindSMS, nil
	case "voicemail", "vm":
		return KindVoicemail, nil
	case "message-store", "messagestore", "message_store":
		return KindMessageStore, nil
	case "presence":
		return KindPresence, nil
	case "telephony", "telephony-sessions", "telephony/sessions":
		return KindTelephony, nil
	case "hostile":
		return KindHostile, nil
	}
	return "", fmt.Errorf("unknown event kind %q (known: sms, voicemail, message-store, presence, telephony, hostile)", s)
}

const apiPrefix = "/restapi/v1.0"

// filter is one accepted event filter: its kind, the concrete event
// path (with "~" expanded and the query kept) that notifications carry,
// and the query conditions the generated bodies honour.
type filter struct {
	kind     Kind
	event    string
	detailed bool // presence?detailedTelephonyState=true
	query    url.Values
}

// filterError explains why an event filter was refused; its text goes
// into the RC error body.
type filterError struct{ why string }

func (e *filterError) Error() string { return e.why }

// kindOf maps the resources protocol/ringcentral knows to kinds.
var kindOf = map[string]Kind{
	rc.ResourceInstantMessage:   KindSMS,
	rc.ResourceVoicemail:        KindVoicemail,
	rc.ResourceMessageStore:     KindMessageStore,
	rc.ResourcePresence:         KindPresence,
	rc.ResourceTelephonySession: KindTelephony,
}

// parseFilter checks one event filter with the same rules evtap's client
// applies (rc.ValidateFilter), plus what only a server knows: the
// account and extension must be this one ("~" or the demo ids). Like the
// platform, it also takes a filter without the /restapi/v1.0 prefix.
func parseFilter(raw string) (filter, error) {
	s := raw
	if strings.HasPrefix(s, "/account/") {
		s = apiPrefix + s
	}
	if err := rc.ValidateFilter(s); err != nil {
		return filter{}, &filterError{err.Error()}
	}
	p, err := rc.ParseEventPath(s)
	if err != nil {
		return filter{}, &filterError{err.Error()}
	}
	if p.Account != "~" && p.Account != DemoAccountID {
		return filter{}, &filterError{fmt.Sprintf("event filter %q: account %s is not this account (use ~ or %s)", raw, p.Account, DemoAccountID)}
	}
	if p.Extension != "~" && p.Extension != DemoExtensionID {
		return filter{}, &filterError{fmt.Sprintf("event filter %q: extension %s is not this extension (use ~ or %s)", raw, p.Extension, DemoExtensionID)}
	}
	k, ok := kindOf[p.Resource]
	if !ok {
		return filter{}, &filterError{fmt.Sprintf("event filter %q: the emulator cannot generate %s events", raw, p.Resource)}
	}
	return filter{
		kind:     k,
		event:    rc.ExpandFilter(s, DemoAccountID, DemoExtensionID),
		detailed: k == KindPresence && p.Query.Get("detailedTelephonyState") == "true",
		query:    p.Query,
	}, nil
}

// parseFilters checks a whole subscription request; every filter must
// pass. Duplicates (after expansion) are kept once.
func parseFilters(raw []string) ([]filter, []error) {
	var out []filter
	var errs []error
	seen := map[string]bool{}
	for _, r := range raw {
		f, err := parseFilter(r)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !seen[f.event] {
			seen[f.event] = true
			out = append(out, f)
		}
	}
	return out, errs
}

// kindsOf is the sorted set of kinds a subscription's filters allow.
func kindsOf(fs []filter) []Kind {
	set := map[Kind]bool{}
	for _, f := range fs {
		set[f.kind] = true
	}
	out := make([]Kind, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
