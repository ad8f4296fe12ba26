package dialpad

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// routedTo injects event as a kind event and returns the ids of the
// subscriptions the ledger says it was routed to, sorted.
func routedTo(t *testing.T, s *Server, kind, event string) []string {
	t.Helper()
	e, err := s.Inject(kind, []byte(event))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range e.Routes {
		ids = append(ids, r.Subscription)
	}
	sort.Strings(ids)
	return ids
}

func ids(subs ...subJSON) []string {
	var out []string
	for _, s := range subs {
		out = append(out, s.ID)
	}
	sort.Strings(out)
	return out
}

// Call subscriptions filter on call_states ("all" and no list match
// every state), on the target (the leg's target, the entry point it came
// through, or an office its target belongs to), on group_calls_only, and
// on enabled.
func TestCallRouting(t *testing.T) {
	s, base := startSim(t, Config{})
	w := createWebsocket(t, base, "")
	sub := func(body map[string]any) subJSON {
		body["endpoint_id"] = w.ID
		return createSub(t, base, "call", body)
	}
	every := sub(map[string]any{})
	all := sub(map[string]any{"call_states": []string{"all"}})
	ringing := sub(map[string]any{"call_states": []string{"ringing", "connected"}})
	user := sub(map[string]any{"target_type": "user", "target_id": 7})
	center := sub(map[string]any{"target_type": "callcenter", "target_id": 50})
	office := sub(map[string]any{"target_type": "office", "target_id": 9})
	group := sub(map[string]any{"group_calls_only": true})
	off := sub(map[string]any{"enabled": false})
	_ = off

	direct := `{"call_id":1,"state":"ringing","target":{"id":7,"type":"user","office_id":9},"entry_point_target":{},"group_id":null}`
	if got, want := routedTo(t, s, "call", direct), ids(every, all, ringing, user, office); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("direct ringing call to user 7 went to %v, want %v", got, want)
	}
	queued := `{"call_id":2,"state":"hangup","target":{"id":8,"type":"user","office_id":3},"entry_point_target":{"id":50,"type":"callcenter"},"group_id":50}`
	if got, want := routedTo(t, s, "call", queued), ids(every, all, center, group); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("queue call leg went to %v, want %v", got, want)
	}
	// A string id inside an event matches too.
	if got := routedTo(t, s, "call", `{"call_id":"3","state":"hold","target":{"id":"7","type":"user"}}`); !contains(got, user.ID) {
		t.Errorf("string target id not matched: %v", got)
	}
	// Disabling is routing: the next event skips it.
	mustOK(t, call(t, base, "PATCH", "/api/v2/subscriptions/call/"+every.ID, map[string]any{"enabled": false}))
	if got := routedTo(t, s, "call", direct); contains(got, every.ID) {
		t.Error("a disabled subscription still gets events")
	}
}

// SMS subscriptions filter on direction, include_internal (internal
// messages only when true) and status (delivery-status updates only when
// true), and on the target.
func TestSMSRouting(t *testing.T) {
	s, base := startSim(t, Config{})
	w := createWebsocket(t, base, "")
	sub := func(body map[string]any) subJSON {
		body["endpoint_id"] = w.ID
		return createSub(t, base, "sms", body)
	}
	all := sub(map[string]any{"direction": "all"})
	in := sub(map[string]any{"direction": "inbound"})
	out := sub(map[string]any{"direction": "outbound"})
	internal := sub(map[string]any{"direction": "all", "include_internal": true})
	status := sub(map[string]any{"direction": "outbound", "status": true})
	user := sub(map[string]any{"direction": "all", "target_type": "user", "target_id": 7})

	cases := []struct {
		name, event string
		want        []string
	}{
		{"inbound", `{"id":1,"direction":"inbound","target":{"id":7,"type":"user"},"is_internal":false,"message_status":"received","message_delivery_result":null}`,
			ids(all, in, internal, user)},
		{"outbound", `{"id":2,"direction":"outbound","target":{"id":8,"type":"user"},"is_internal":false,"message_status":"pending","message_delivery_result":null}`,
			ids(all, out, internal, status)},
		{"internal", `{"id":3,"direction":"outbound","target":{"id":8,"type":"user"},"is_internal":true,"message_status":"pending"}`,
			ids(internal)},
		{"delivery status", `{"id":2,"direction":"outbound","target":{"id":8,"type":"user"},"is_internal":false,"message_status":"success","message_delivery_result":"delivered"}`,
			ids(status)},
	}
	for _, tc := range cases {
		if got := routedTo(t, s, "sms", tc.event); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s went to %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Agent status and changelog subscriptions are company-wide; contact
// ones filter on the contact's type.
func TestCompanyWideRouting(t *testing.T) {
	s, base := startSim(t, Config{})
	w := createWebsocket(t, base, "")
	agent := createSub(t, base, "agent_status", map[string]any{"endpoint_id": w.ID, "agent_type": "callcenter"})
	local := createSub(t, base, "contact", map[string]any{"endpoint_id": w.ID, "contact_type": "local"})
	shared := createSub(t, base, "contact", map[string]any{"endpoint_id": w.ID, "contact_type": "shared"})
	changes := createSub(t, base, "changelog", map[string]any{"endpoint_id": w.ID})
	if got := routedTo(t, s, "agent_status", `{"on_duty_status":"available","target":{"id":7,"type":"user"}}`); fmt.Sprint(got) != fmt.Sprint(ids(agent)) {
		t.Errorf("agent status went to %v", got)
	}
	if got := routedTo(t, s, "contact", `{"event_type":"created","contact":{"id":"5","type":"shared"}}`); fmt.Sprint(got) != fmt.Sprint(ids(shared)) {
		t.Errorf("shared contact went to %v, not %v (local is %s)", got, shared.ID, local.ID)
	}
	if got := routedTo(t, s, "changelog", `{"id":1}`); fmt.Sprint(got) != fmt.Sprint(ids(changes)) {
		t.Errorf("changelog went to %v", got)
	}
}

// A subscription whose websocket was deleted routes nowhere until it is
// PATCHed onto another websocket.
func TestDeletedWebsocketRoutesNowhere(t *testing.T) {
	s, base := startSim(t, Config{})
	w := createWebsocket(t, base, "")
	sub := createSub(t, base, "changelog", map[string]any{"endpoint_id": w.ID})
	mustOK(t, call(t, base, "DELETE", "/api/v2/websockets/"+w.ID, nil))
	if got := routedTo(t, s, "changelog", `{"id":1}`); len(got) != 0 {
		t.Errorf("routed to %v", got)
	}
	r := call(t, base, "GET", "/api/v2/subscriptions/changelog/"+sub.ID, nil)
	if strings.Contains(string(r.body), "websocket") {
		t.Errorf("an orphaned subscription still shows a websocket: %s", r.body)
	}
	w2 := createWebsocket(t, base, "")
	mustOK(t, call(t, base, "PATCH", "/api/v2/subscriptions/changelog/"+sub.ID, map[string]any{"endpoint_id": w2.ID}))
	if got := routedTo(t, s, "changelog", `{"id":2}`); fmt.Sprint(got) != fmt.Sprint([]string{sub.ID}) {
		t.Errorf("after re-linking, routed to %v", got)
	}
}

func TestInjectRefusesBadEvents(t *testing.T) {
	s, _ := startSim(t, Config{})
	for _, tc := range []struct{ kind, event string }{
		{"call", `not json`},
		{"call", `[1,2]`},
		{"call", `{"state": 5}`},
		{"voicemail", `{}`},
	} {
		if _, err := s.Inject(tc.kind, []byte(tc.event)); err == nil {
			t.Errorf("Inject(%s, %s) accepted", tc.kind, tc.event)
		}
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
