package ringcentral

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// FilterPreset is a ready-made event filter a user can pick by name.
type FilterPreset struct {
	Name        string
	Filter      string
	Description string
}

// The resources evtap knows, as they appear after /extension/{id}/.
const (
	ResourceInstantMessage   = "message-store/instant"
	ResourceVoicemail        = "voicemail"
	ResourceMessageStore     = "message-store"
	ResourcePresence         = "presence"
	ResourceTelephonySession = "telephony/sessions"
)

// apiPrefix is the version prefix every event filter starts with.
const apiPrefix = "/restapi/v1.0"

// CommonFilters are the event families evtap understands, for the
// current user's own extension ("~"), in the order the docs list them.
var CommonFilters = []FilterPreset{
	{"sms", apiPrefix + "/account/~/extension/~/message-store/instant?type=SMS", "Instant SMS: each SMS the extension sends or receives, with its text"},
	{"voicemail", apiPrefix + "/account/~/extension/~/voicemail", "Voicemail: each new voicemail left for the extension"},
	{"message-store", apiPrefix + "/account/~/extension/~/message-store", "Message store: counts of new and changed messages (SMS, fax, voicemail, pager)"},
	{"presence", apiPrefix + "/account/~/extension/~/presence?detailedTelephonyState=true", "Detailed presence: the extension's telephony state and its active calls"},
	{"telephony", apiPrefix + "/account/~/extension/~/telephony/sessions", "Telephony sessions: each call party's state change (Setup, Answered, Disconnected, ...)"},
}

// FindPreset returns the common filter with the given name.
func FindPreset(name string) (FilterPreset, bool) {
	for _, p := range CommonFilters {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return FilterPreset{}, false
}

// queryRule says which values a query parameter takes; nil values
// means any non-empty string.
type queryRule struct {
	values   []string
	required bool
}

var boolValues = []string{"true", "false"}

// knownResources maps each resource to its query parameters (from the
// RingCentral event-filter reference; see docs/ringcentral-notes.md).
var knownResources = map[string]map[string]queryRule{
	ResourceInstantMessage: {"type": {values: []string{"SMS"}, required: true}},
	ResourceVoicemail:      {},
	ResourceMessageStore: {
		"type":      {values: []string{"SMS", "Pager", "VoiceMail", "Fax", "Text"}},
		"direction": {values: []string{DirectionInbound, DirectionOutbound}},
	},
	ResourcePresence: {
		"detailedTelephonyState": {values: boolValues},
		"sipData":                {values: boolValues},
		"totalActiveCalls":       {values: boolValues},
	},
	ResourceTelephonySession: {
		"direction":      {values: []string{DirectionInbound, DirectionOutbound}},
		"missedCall":     {values: boolValues},
		"phoneNumber":    {},
		"sipData":        {values: boolValues},
		"statusCode":     {values: []string{"Setup", "Proceeding", "Answered", "Disconnected", "Gone", "Parked", "Hold", "VoiceMail", "FaxReceive", "VoiceMailScreening"}},
		"withRecordings": {values: boolValues},
	},
}

// KnownResources lists the resources ValidateFilter accepts, sorted.
func KnownResources() []string {
	out := make([]string, 0, len(knownResources))
	for r := range knownResources {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// EventPath is an event filter or a notification's event path, split
// into its parts. Account and Extension are "~" or an id.
type EventPath struct {
	Account   string
	Extension string
	Resource  string
	Query     url.Values
}

// ParseEventPath splits a filter or event path of the form
// /restapi/v1.0/account/{~|id}/extension/{~|id}/<resource>[?query]. It
// checks the shape only; ValidateFilter also checks resource and query.
func ParseEventPath(s string) (EventPath, error) {
	var p EventPath
	if strings.TrimSpace(s) == "" {
		return p, fmt.Errorf("event filter is empty; try %s", CommonFilters[0].Filter)
	}
	if strings.TrimSpace(s) != s {
		return p, fmt.Errorf("event filter %q has spaces around it", s)
	}
	path, rawQuery, hasQuery := strings.Cut(s, "?")
	if !strings.HasPrefix(path, apiPrefix+"/") {
		if strings.HasPrefix(path, "/account/") {
			return p, fmt.Errorf("event filter %q must start with %s (try %s%s)", s, apiPrefix, apiPrefix, path)
		}
		return p, fmt.Errorf("event filter %q must start with %s/account/", s, apiPrefix)
	}
	segs := strings.Split(strings.TrimPrefix(path, apiPrefix+"/"), "/")
	if len(segs) < 1 || segs[0] != "account" {
		return p, fmt.Errorf("event filter %q: expected /account/ after %s", s, apiPrefix)
	}
	if len(segs) < 2 || segs[1] == "" {
		return p, fmt.Errorf("event filter %q: account id is missing (use ~ for your own account)", s)
	}
	if len(segs) < 3 || segs[2] != "extension" {
		return p, fmt.Errorf("event filter %q: expected /extension/{id}/ after the account; evtap supports extension-level filters only", s)
	}
	if len(segs) < 4 || segs[3] == "" {
		return p, fmt.Errorf("event filter %q: extension id is missing (use ~ for your own extension)", s)
	}
	if len(segs) < 5 || segs[4] == "" {
		return p, fmt.Errorf("event filter %q names no resource after the extension (one of %s)", s, strings.Join(KnownResources(), ", "))
	}
	p.Account, p.Extension = segs[1], segs[3]
	for _, id := range []string{p.Account, p.Extension} {
		if !validID(id) {
			return p, fmt.Errorf("event filter %q: id %q must be ~ or digits", s, id)
		}
	}
	p.Resource = strings.Join(segs[4:], "/")
	if hasQuery {
		q, err := url.ParseQuery(rawQuery)
		if err != nil {
			return p, fmt.Errorf("event filter %q: bad query: %v", s, err)
		}
		// A literal "+" in an E.164 number means plus, not a space
		// ("phoneNumber=+15551230001" is how the reference writes it).
		for i, v := range q["phoneNumber"] {
			if strings.HasPrefix(v, " ") {
				q["phoneNumber"][i] = "+" + v[1:]
			}
		}
		p.Query = q
	}
	return p, nil
}

// validID accepts ~ or a RingCentral numeric id.
func validID(id string) bool {
	if id == "~" {
		return true
	}
	if id == "" || len(id) > 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// ValidateFilter checks that f is an event filter evtap understands:
// /restapi/v1.0/account/{~|id}/extension/{~|id}/<resource>[?query] with
// a known resource and only that resource's query parameters and
// values. The error says what is wrong and what would be right.
func ValidateFilter(f string) error {
	p, err := ParseEventPath(f)
	if err != nil {
		return err
	}
	rules, ok := knownResources[p.Resource]
	if !ok {
		return fmt.Errorf("event filter %q: unknown resource %q (known: %s)", f, p.Resource, strings.Join(KnownResources(), ", "))
	}
	keys := make([]string, 0, len(p.Query))
	for k := range p.Query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rule, ok := rules[k]
		if !ok {
			if len(rules) == 0 {
				return fmt.Errorf("event filter %q: %s takes no query parameters, got %q", f, p.Resource, k)
			}
			return fmt.Errorf("event filter %q: %s has no parameter %q (known: %s)", f, p.Resource, k, strings.Join(sortedKeys(rules), ", "))
		}
		vals := p.Query[k]
		if len(vals) > 1 {
			return fmt.Errorf("event filter %q: parameter %q is given %d times; use one filter per value", f, k, len(vals))
		}
		v := vals[0]
		if v == "" {
			return fmt.Errorf("event filter %q: parameter %q has no value", f, k)
		}
		if rule.values != nil && !contains(rule.values, v) {
			return fmt.Errorf("event filter %q: %s=%q is not one of %s", f, k, v, strings.Join(rule.values, ", "))
		}
		if k == "phoneNumber" && !e164(v) {
			return fmt.Errorf("event filter %q: phoneNumber=%q is not a phone number in E.164 form such as +15551230001", f, v)
		}
	}
	for _, k := range sortedKeys(rules) {
		if rules[k].required && p.Query.Get(k) == "" {
			return fmt.Errorf("event filter %q: %s needs ?%s=%s", f, p.Resource, k, strings.Join(rules[k].values, "|"))
		}
	}
	if p.Resource == ResourcePresence && p.Query.Get("sipData") == "true" && p.Query.Get("detailedTelephonyState") != "true" {
		return fmt.Errorf("event filter %q: sipData=true needs detailedTelephonyState=true too", f)
	}
	return nil
}

func sortedKeys(m map[string]queryRule) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ExpandFilter replaces a "~" account or extension id in f with the
// given ids, as the server does in a subscription's eventFilters. An
// empty id leaves its "~" in place; the query and anything that is not
// an id segment are left untouched, even in a malformed filter.
func ExpandFilter(f, accountID, extensionID string) string {
	path, query, hasQuery := strings.Cut(f, "?")
	segs := strings.Split(path, "/")
	for i := 0; i+1 < len(segs); i++ {
		if segs[i+1] != "~" {
			continue
		}
		switch {
		case segs[i] == "account" && accountID != "":
			segs[i+1] = accountID
		case segs[i] == "extension" && extensionID != "":
			segs[i+1] = extensionID
		}
	}
	out := strings.Join(segs, "/")
	if hasQuery {
		out += "?" + query
	}
	return out
}

// MatchFilter reports whether a notification whose event path is
// eventPath is one that a subscription with filter delivers:
//
//   - the resource must be the same (message-store does not match
//     message-store/instant, nor the other way round);
//   - an id matches when it is equal, or when either side is "~" (the
//     filter's "~" stands for the subscriber, whose ids the emulator and
//     client may not know; an event's "~" is how old payloads name them);
//   - every query parameter of the filter must appear in the event with
//     the same value (true/false and enum values compared without case);
//     the event may carry parameters the filter lacks, so a filter with
//     fewer conditions is broader: plain presence also matches a
//     detailed presence event.
//
// Unparsable input matches nothing.
func MatchFilter(filter, eventPath string) bool {
	f, err := ParseEventPath(filter)
	if err != nil {
		return false
	}
	e, err := ParseEventPath(eventPath)
	if err != nil {
		return false
	}
	if f.Resource != e.Resource || !idMatch(f.Account, e.Account) || !idMatch(f.Extension, e.Extension) {
		return false
	}
	for k, want := range f.Query {
		got, ok := e.Query[k]
		if !ok || len(got) == 0 {
			return false
		}
		for _, w := range want {
			if !anyEqualFold(got, w) {
				return false
			}
		}
	}
	return true
}

func idMatch(a, b string) bool { return a == b || a == "~" || b == "~" }

func anyEqualFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// e164 accepts "+" then 7 to 15 digits, or the digits alone.
func e164(s string) bool {
	s = strings.TrimPrefix(s, "+")
	return len(s) >= 7 && len(s) <= 15 && strings.Trim(s, "0123456789") == ""
}
