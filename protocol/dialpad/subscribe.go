package dialpad

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Spec is one event subscription as evtap's --subscribe syntax writes
// it: a type, then key=value pairs and flags, e.g.
//
//	call states=ringing,connected,hangup target=user:123
//	sms direction=inbound status
//	agent_status
//
// ParseSpec reads one and checks it against the spec's enums and
// required fields; String writes it back in one canonical form, which
// is also what the subscription editor shows for a subscription the
// server answered (with its id=).
type Spec struct {
	Type Type
	// ID names an existing subscription (id=…): evtap updates it rather
	// than creating one. Empty: create.
	ID string

	States         []string // call: call_states; empty means every state
	GroupCallsOnly bool     // call

	Direction       string // sms (required)
	Status          bool   // sms: also delivery-status events
	IncludeInternal bool   // sms: also SMS between users of the company

	TargetType, TargetID string // call, sms: one target (target=TYPE:ID)

	AgentType   string // agent_status (required; the only value is callcenter)
	ContactType string // contact (required)

	Disabled bool // enabled=false
}

// keysOf lists the keys each type takes, in the order String writes
// them; every type also takes id, enabled and disabled.
var keysOf = map[Type][]string{
	TypeCall:        {"states", "target", "group_calls_only"},
	TypeSMS:         {"direction", "target", "status", "include_internal"},
	TypeAgentStatus: {"agent_type"},
	TypeContact:     {"contact_type"},
	TypeChangelog:   nil,
}

// aliases are the spec's own field names for the short keys.
var aliases = map[string]string{"call_states": "states"}

// flags are the keys that may stand alone, meaning true.
var flags = map[string]bool{"group_calls_only": true, "status": true, "include_internal": true, "enabled": true, "disabled": true}

// ParseSpec reads one --subscribe argument (or one line of the
// subscription editor) and validates it as the API would: the type, each
// key the type takes, the enums, the required fields, ids as int64.
func ParseSpec(line string) (Spec, error) {
	words := strings.Fields(line)
	if len(words) == 0 {
		return Spec{}, errors.New("empty: want a type (call, sms, agent_status, contact or changelog) and its settings")
	}
	s := Spec{Type: Type(strings.ToLower(words[0]))}
	keys, ok := keysOf[s.Type]
	if !ok {
		msg := fmt.Sprintf("unknown subscription type %q: want call, sms, agent_status, contact or changelog", clip(words[0], 30))
		if m := nearest(strings.ToLower(words[0]), typeNames()); m != "" {
			msg += " (did you mean " + m + "?)"
		}
		return Spec{}, errors.New(msg)
	}
	seen := map[string]bool{}
	for _, w := range words[1:] {
		key, val, hasVal := strings.Cut(w, "=")
		key = strings.ToLower(key)
		if a, ok := aliases[key]; ok {
			key = a
		}
		if key == "target_type" || key == "target_id" {
			return Spec{}, fmt.Errorf("%s: write the target as target=TYPE:ID, e.g. target=user:123", key)
		}
		if key != "id" && key != "enabled" && key != "disabled" && !slices.Contains(keys, key) {
			return Spec{}, unknownKey(s.Type, key, keys)
		}
		canon := key
		if key == "disabled" {
			canon = "enabled"
		}
		if seen[canon] {
			return Spec{}, fmt.Errorf("%s is given twice", key)
		}
		seen[canon] = true
		if !hasVal {
			if !flags[key] {
				return Spec{}, fmt.Errorf("%s needs a value: %s=…", key, key)
			}
			val = "true"
		}
		if err := s.set(key, val); err != nil {
			return Spec{}, err
		}
	}
	if err := s.Validate(); err != nil {
		return Spec{}, err
	}
	return s, nil
}

// set applies one key=value.
func (s *Spec) set(key, val string) error {
	switch key {
	case "id":
		if !ValidID(val) {
			return fmt.Errorf("id: %q is not a subscription id (a positive integer)", clip(val, 30))
		}
		s.ID = val
	case "enabled", "disabled":
		b, err := parseBool(key, val)
		if err != nil {
			return err
		}
		s.Disabled = b == (key == "disabled")
	case "states":
		if val == "" {
			return errors.New("states: list one or more call states, e.g. states=ringing,connected,hangup")
		}
		for _, st := range strings.Split(val, ",") {
			st = strings.ToLower(strings.TrimSpace(st))
			if !slices.Contains(CallStates, st) {
				return enumError("states", "a call state", st, CallStates)
			}
			if !slices.Contains(s.States, st) {
				s.States = append(s.States, st)
			}
		}
	case "target":
		typ, id, ok := strings.Cut(val, ":")
		if !ok || typ == "" || id == "" {
			return fmt.Errorf("target: want TYPE:ID, e.g. target=user:123; got %q", clip(val, 40))
		}
		typ = strings.ToLower(typ)
		if !slices.Contains(TargetTypes, typ) {
			return enumError("target", "a target type", typ, TargetTypes)
		}
		if !ValidID(id) {
			return fmt.Errorf("target: %q is not a target id (a positive integer)", clip(id, 30))
		}
		s.TargetType, s.TargetID = typ, id
	case "group_calls_only", "status", "include_internal":
		b, err := parseBool(key, val)
		if err != nil {
			return err
		}
		switch key {
		case "group_calls_only":
			s.GroupCallsOnly = b
		case "status":
			s.Status = b
		default:
			s.IncludeInternal = b
		}
	case "direction":
		if v := strings.ToLower(val); slices.Contains(SMSDirections, v) {
			s.Direction = v
			return nil
		}
		return enumError("direction", "an SMS direction", val, SMSDirections)
	case "agent_type":
		if v := strings.ToLower(val); slices.Contains(AgentTypes, v) {
			s.AgentType = v
			return nil
		}
		return fmt.Errorf("agent_type: %q is not allowed; the only agent type is callcenter", clip(val, 30))
	case "contact_type":
		if v := strings.ToLower(val); slices.Contains(ContactTypes, v) {
			s.ContactType = v
			return nil
		}
		return enumError("contact_type", "a contact type", val, ContactTypes)
	}
	return nil
}

// Validate checks what the spec requires of a subscription of s's type:
// sms needs direction, contact needs contact_type, agent_status needs
// agent_type (filled in: callcenter is its only value).
func (s *Spec) Validate() error {
	switch s.Type {
	case TypeSMS:
		if s.Direction == "" {
			return errors.New("sms needs direction=all|inbound|outbound (required)")
		}
	case TypeContact:
		if s.ContactType == "" {
			return errors.New("contact needs contact_type=local|shared (required)")
		}
	case TypeAgentStatus:
		if s.AgentType == "" {
			s.AgentType = "callcenter"
		}
	case TypeCall, TypeChangelog:
	default:
		return fmt.Errorf("unknown subscription type %q", clip(string(s.Type), 30))
	}
	return nil
}

// String writes s in the canonical form ParseSpec reads: defaults left
// out, flags alone, id= first when s names an existing subscription.
func (s Spec) String() string {
	w := []string{string(s.Type)}
	if s.ID != "" {
		w = append(w, "id="+s.ID)
	}
	if len(s.States) > 0 {
		w = append(w, "states="+strings.Join(s.States, ","))
	}
	if s.Direction != "" {
		w = append(w, "direction="+s.Direction)
	}
	if s.AgentType != "" && s.AgentType != "callcenter" {
		w = append(w, "agent_type="+s.AgentType)
	}
	if s.ContactType != "" {
		w = append(w, "contact_type="+s.ContactType)
	}
	if s.TargetType != "" {
		w = append(w, "target="+s.TargetType+":"+s.TargetID)
	}
	for _, f := range []struct {
		on   bool
		name string
	}{{s.GroupCallsOnly, "group_calls_only"}, {s.Status, "status"}, {s.IncludeInternal, "include_internal"}, {s.Disabled, "disabled"}} {
		if f.on {
			w = append(w, f.name)
		}
	}
	return strings.Join(w, " ")
}

// Settings is String without the type and id: what the subscription
// asks for.
func (s Spec) Settings() string {
	c := s
	c.ID = ""
	return strings.TrimSpace(strings.TrimPrefix(c.String(), string(s.Type)))
}

// Same reports whether s and o ask for the same subscription, ids
// aside: no state listed is the same as "all", and the order of states
// does not matter.
func (s Spec) Same(o Spec) bool {
	a, b := s, o
	a.ID, b.ID = "", ""
	a.States, b.States = normStates(a.States), normStates(b.States)
	return a.String() == b.String()
}

// Patchable reports whether s can become o with a PATCH: same type, and
// no target to take away (a PATCH cannot clear one; evtap then creates
// the new subscription and deletes the old one).
func (s Spec) Patchable(o Spec) bool {
	return s.Type == o.Type && (s.TargetType == "" || o.TargetType != "")
}

func normStates(st []string) []string {
	if len(st) == 0 || slices.Contains(st, "all") {
		return []string{"all"}
	}
	c := slices.Clone(st)
	slices.Sort(c)
	return c
}

// Body is the create or update body of s, attached to the websocket
// endpointID. Every setting is sent explicitly, defaults included, so
// that an update also takes back what was removed from the line; a call
// subscription with no states asks for "all".
func (s Spec) Body(endpointID string) any {
	enabled := !s.Disabled
	ep := IntID(endpointID)
	switch s.Type {
	case TypeCall:
		states := s.States
		if len(states) == 0 {
			states = []string{"all"}
		}
		return CallSubscriptionBody{CallStates: states, Enabled: &enabled, EndpointID: ep,
			GroupCallsOnly: ptr(s.GroupCallsOnly), TargetType: s.TargetType, TargetID: IntID(s.TargetID)}
	case TypeSMS:
		return SMSSubscriptionBody{Direction: s.Direction, Enabled: &enabled, EndpointID: ep,
			IncludeInternal: ptr(s.IncludeInternal), Status: ptr(s.Status), TargetType: s.TargetType, TargetID: IntID(s.TargetID)}
	case TypeAgentStatus:
		at := s.AgentType
		if at == "" {
			at = "callcenter"
		}
		return AgentStatusSubscriptionBody{AgentType: at, Enabled: &enabled, EndpointID: ep}
	case TypeContact:
		return ContactSubscriptionBody{ContactType: s.ContactType, Enabled: &enabled, EndpointID: ep}
	}
	return ChangelogSubscriptionBody{Enabled: &enabled, EndpointID: ep}
}

func ptr[T any](v T) *T { return &v }

// SpecOf is the Spec of a subscription the server answered (its type
// from the path it came from), with its id.
func SpecOf(t Type, p *SubscriptionProto) Spec {
	s := Spec{Type: t, ID: string(p.ID), Disabled: !p.IsEnabled()}
	switch t {
	case TypeCall:
		s.States = slices.Clone(p.CallStates)
		s.GroupCallsOnly = p.GroupCallsOnly != nil && *p.GroupCallsOnly
		s.TargetType, s.TargetID = p.TargetType, string(p.TargetID)
	case TypeSMS:
		s.Direction = p.Direction
		s.Status = p.Status != nil && *p.Status
		s.IncludeInternal = p.IncludeInternal != nil && *p.IncludeInternal
		s.TargetType, s.TargetID = p.TargetType, string(p.TargetID)
	case TypeAgentStatus:
		s.AgentType = p.AgentType
	case TypeContact:
		s.ContactType = p.ContactType
	}
	if s.TargetType == "" || s.TargetID == "" {
		s.TargetType, s.TargetID = "", ""
	}
	return s
}

// SpecOfBody is the Spec a create or update body of type t asks for,
// for showing what was requested when the server refused it. It reads
// loosely: a body evtap did not write may lack anything.
func SpecOfBody(t Type, body []byte) Spec {
	var p SubscriptionProto
	_ = json.Unmarshal(body, &p)
	return SpecOf(t, &p)
}

func parseBool(key, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true", "yes", "on", "1":
		return true, nil
	case "false", "no", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("%s: want true or false, got %q", key, clip(v, 20))
}

func unknownKey(t Type, key string, keys []string) error {
	all := append(slices.Clone(keys), "id", "disabled")
	msg := fmt.Sprintf("%s takes no %q", t, clip(key, 30))
	if m := nearest(key, append(all, "call_states", "enabled")); m != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", m)
	}
	if len(keys) == 0 {
		return errors.New(msg + "; it takes only id= and disabled")
	}
	return errors.New(msg + "; it takes " + strings.Join(all, ", "))
}

// commonCallStates are the call states a long list's error names first:
// the ones a call goes through.
var commonCallStates = []string{"calling", "ringing", "connected", "hold", "hangup", "missed", "voicemail", "all"}

func enumError(key, what, got string, allowed []string) error {
	msg := fmt.Sprintf("%s: %q is not %s", key, clip(got, 30), what)
	if m := nearest(strings.ToLower(got), allowed); m != "" {
		msg += " (did you mean " + m + "?)"
	}
	if key == "states" {
		// The 32 states are too many for one line, in the TUI's editor
		// too, where there is no --help to read.
		return errors.New(msg + "; e.g. " + strings.Join(commonCallStates, ", ") + ", … (all " + strconv.Itoa(len(allowed)) + " in 'evtap connect dialpad --help')")
	}
	return errors.New(msg + "; want " + strings.Join(allowed, ", "))
}

func typeNames() []string {
	out := make([]string, len(Types))
	for i, t := range Types {
		out[i] = string(t)
	}
	return out
}

// nearest is the candidate closest to s: one it starts, or one within two
// edits; "" when none is close.
func nearest(s string, candidates []string) string {
	if s == "" {
		return ""
	}
	best, bestD := "", 3
	for _, c := range candidates {
		if c == s {
			return ""
		}
		if len(s) >= 3 && strings.HasPrefix(c, s) {
			return c
		}
		if d := editDistance(s, c, bestD); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, or limit when it
// is at least limit.
func editDistance(a, b string, limit int) int {
	if len(a) > 64 || len(b) > 64 {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			low = min(low, cur[j])
		}
		if low >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}
