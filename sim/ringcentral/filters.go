package ringcentral

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
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

// The resources the emulator generates, as they appear after
// /extension/{id}/ (ringcentral.md §6).
const (
	resourceInstantMessage   = "message-store/instant"
	resourceVoicemail        = "voicemail"
	resourceMessageStore     = "message-store"
	resourcePresence         = "presence"
	resourceTelephonySession = "telephony/sessions"
)

// kindOf maps each resource to the kind of event it delivers.
var kindOf = map[string]Kind{
	resourceInstantMessage:   KindSMS,
	resourceVoicemail:        KindVoicemail,
	resourceMessageStore:     KindMessageStore,
	resourcePresence:         KindPresence,
	resourceTelephonySession: KindTelephony,
}

// queryRule is what one query parameter of a filter accepts: one of
// values (any non-empty value when nil), and whether it must be given.
type queryRule struct {
	values   []string
	required bool
}

var boolValues = []string{"true", "false"}

// filterQueries are each resource's query parameters, from the
// RingCentral event-filter reference. A filter with any other parameter,
// or another value, is refused as the platform refuses it.
var filterQueries = map[string]map[string]queryRule{
	resourceInstantMessage: {"type": {values: []string{"SMS"}, required: true}},
	resourceVoicemail:      {},
	resourceMessageStore: {
		"type":      {values: []string{"SMS", "Pager", "VoiceMail", "Fax", "Text"}},
		"direction": {values: []string{directionInbound, directionOutbound}},
	},
	resourcePresence: {
		"detailedTelephonyState": {values: boolValues},
		"sipData":                {values: boolValues},
		"totalActiveCalls":       {values: boolValues},
	},
	resourceTelephonySession: {
		"direction":      {values: []string{directionInbound, directionOutbound}},
		"missedCall":     {values: boolValues},
		"phoneNumber":    {},
		"sipData":        {values: boolValues},
		"statusCode":     {values: []string{"Setup", "Proceeding", "Answered", "Disconnected", "Gone", "Parked", "Hold", "VoiceMail", "FaxReceive", "VoiceMailScreening"}},
		"withRecordings": {values: boolValues},
	},
}

// eventPath is a filter split into its parts.
type eventPath struct {
	account, extension, resource string
	query                        url.Values
}

// parseEventPath reads /restapi/v1.0/account/{~|id}/extension/{~|id}/
// <resource>[?query]; the error quotes the filter (clipped).
func parseEventPath(s string) (eventPath, error) {
	var p eventPath
	bad := func(format string, a ...any) error {
		return fmt.Errorf("event filter %q: %s", clip(s), fmt.Sprintf(format, a...))
	}
	path, rawQuery, hasQuery := strings.Cut(s, "?")
	rest, ok := strings.CutPrefix(path, apiPrefix+"/account/")
	if !ok {
		return p, bad("must start with %s/account/", apiPrefix)
	}
	segs := strings.SplitN(rest, "/", 4)
	if len(segs) < 4 || segs[1] != "extension" {
		return p, bad("must name /account/{~|id}/extension/{~|id}/ and a resource")
	}
	p.account, p.extension, p.resource = segs[0], segs[2], segs[3]
	for _, id := range []string{p.account, p.extension} {
		if !validID(id) {
			return p, bad("id %q must be ~ or digits", clip(id))
		}
	}
	if p.resource == "" {
		return p, bad("names no resource (one of %s)", strings.Join(resourceNames(), ", "))
	}
	if hasQuery {
		q, err := url.ParseQuery(rawQuery)
		if err != nil {
			return p, bad("bad query: %v", err)
		}
		p.query = q
	}
	return p, nil
}

// validID accepts ~ or a numeric id.
func validID(id string) bool {
	if id == "~" {
		return true
	}
	if id == "" || len(id) > 32 {
		return false
	}
	return strings.Trim(id, "0123456789") == ""
}

func resourceNames() []string {
	out := make([]string, 0, len(filterQueries))
	for r := range filterQueries {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// checkQuery applies the resource's query rules.
func checkQuery(p eventPath, raw string) error {
	rules := filterQueries[p.resource]
	keys := make([]string, 0, len(p.query))
	for k := range p.query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rule, ok := rules[k]
		if !ok {
			return fmt.Errorf("event filter %q: %s has no parameter %q", clip(raw), p.resource, clip(k))
		}
		if vs := p.query[k]; len(vs) != 1 || vs[0] == "" {
			return fmt.Errorf("event filter %q: parameter %q needs exactly one value", clip(raw), k)
		}
		if v := p.query.Get(k); rule.values != nil && !slices.Contains(rule.values, v) {
			return fmt.Errorf("event filter %q: %s=%q is not one of %s", clip(raw), k, clip(v), strings.Join(rule.values, ", "))
		}
	}
	for k, rule := range rules {
		if rule.required && p.query.Get(k) == "" {
			return fmt.Errorf("event filter %q: %s needs ?%s=%s", clip(raw), p.resource, k, strings.Join(rule.values, "|"))
		}
	}
	if p.resource == resourcePresence && p.query.Get("sipData") == "true" && p.query.Get("detailedTelephonyState") != "true" {
		return fmt.Errorf("event filter %q: sipData=true needs detailedTelephonyState=true too", clip(raw))
	}
	return nil
}

// expandFilter replaces the "~" account and extension of a parsed
// filter with this emulator's ids, as the server does in a
// subscription's eventFilters (§2.5); the query is kept as written.
func expandFilter(p eventPath, raw string) string {
	out := apiPrefix + "/account/" + DemoAccountID + "/extension/" + DemoExtensionID + "/" + p.resource
	if _, q, ok := strings.Cut(raw, "?"); ok {
		out += "?" + q
	}
	return out
}

// parseFilter checks one event filter: the shape, a resource the
// emulator generates with only its query parameters, and this account
// and extension ("~" or the demo ids). Like the platform, it also takes
// a filter without the /restapi/v1.0 prefix.
func parseFilter(raw string) (filter, error) {
	s := raw
	if strings.HasPrefix(s, "/account/") {
		s = apiPrefix + s
	}
	p, err := parseEventPath(s)
	if err != nil {
		return filter{}, &filterError{err.Error()}
	}
	k, ok := kindOf[p.resource]
	if !ok {
		return filter{}, &filterError{fmt.Sprintf("event filter %q: unknown resource %q (known: %s)", clip(raw), clip(p.resource), strings.Join(resourceNames(), ", "))}
	}
	if err := checkQuery(p, raw); err != nil {
		return filter{}, &filterError{err.Error()}
	}
	if p.account != "~" && p.account != DemoAccountID {
		return filter{}, &filterError{fmt.Sprintf("event filter %q: account %s is not this account (use ~ or %s)", clip(raw), p.account, DemoAccountID)}
	}
	if p.extension != "~" && p.extension != DemoExtensionID {
		return filter{}, &filterError{fmt.Sprintf("event filter %q: extension %s is not this extension (use ~ or %s)", clip(raw), p.extension, DemoExtensionID)}
	}
	return filter{
		kind:     k,
		event:    expandFilter(p, s),
		detailed: k == KindPresence && p.query.Get("detailedTelephonyState") == "true",
		query:    p.query,
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
