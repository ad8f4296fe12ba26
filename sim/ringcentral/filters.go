package ringcentral

import (
	"fmt"
	"net/url"
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

// filter is one accepted event filter: its kind and the concrete event
// path (with "~" expanded and the query kept) that notifications carry.
type filter struct {
	kind     Kind
	event    string
	detailed bool // presence?detailedTelephonyState=true
}

// filterError explains why an event filter was refused; its text goes
// into the RC error body.
type filterError struct{ filter, why string }

func (e *filterError) Error() string {
	return fmt.Sprintf("Event filter [%s] is not valid: %s", e.filter, e.why)
}

// allowedQuery lists the query parameters each kind takes; a nil map
// means no query at all.
var allowedQuery = map[Kind]map[string]bool{
	KindSMS:       {"type": true},
	KindPresence:  {"detailedTelephonyState": true, "sipData": true, "totalActiveCalls": true, "aggregated": true},
	KindTelephony: {"direction": true, "statusCode": true, "missedCall": true},
}

// parseFilter checks one event filter the way the emulator understands
// them: the five documented paths under /restapi/v1.0 (the prefix may be
// omitted), for the demo account and extension or "~".
func parseFilter(raw string) (filter, error) {
	bad := func(format string, a ...any) (filter, error) {
		return filter{}, &filterError{raw, fmt.Sprintf(format, a...)}
	}
	s := strings.TrimSpace(raw)
	if s == "" {
		return bad("it is empty")
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
		return bad("not a path such as %s/account/~/extension/~/presence", apiPrefix)
	}
	path := strings.TrimPrefix(u.Path, apiPrefix)
	seg := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(seg) < 5 || seg[0] != "account" || seg[2] != "extension" {
		return bad("expected /account/{accountId}/extension/{extensionId}/...")
	}
	if seg[1] != "~" && seg[1] != DemoAccountID {
		return bad("account [%s] is not this account (use ~ or %s)", seg[1], DemoAccountID)
	}
	if seg[3] != "~" && seg[3] != DemoExtensionID {
		return bad("extension [%s] is not this extension (use ~ or %s)", seg[3], DemoExtensionID)
	}
	rest := strings.Join(seg[4:], "/")
	var k Kind
	switch rest {
	case "message-store/instant":
		k = KindSMS
	case "voicemail":
		k = KindVoicemail
	case "message-store":
		k = KindMessageStore
	case "presence":
		k = KindPresence
	case "telephony/sessions":
		k = KindTelephony
	default:
		return bad("[%s] is not a supported event (supported: message-store/instant?type=SMS, voicemail, message-store, presence, telephony/sessions)", rest)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return bad("malformed query: %v", err)
	}
	for name := range q {
		if !allowedQuery[k][name] {
			return bad("query parameter [%s] is not allowed here", name)
		}
	}
	if k == KindSMS && q.Get("type") != "SMS" {
		return bad("message-store/instant needs ?type=SMS")
	}
	f := filter{kind: k, event: apiPrefix + "/account/" + DemoAccountID + "/extension/" + DemoExtensionID + "/" + rest}
	if u.RawQuery != "" {
		f.event += "?" + u.RawQuery
	}
	f.detailed = k == KindPresence && q.Get("detailedTelephonyState") == "true"
	return f, nil
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
