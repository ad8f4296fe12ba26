package voipbin

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

const otherCustomer = "11111111-2222-4333-8444-555555555555"

// Identities of the permission table (notes A4).
var (
	cust         = mustUUID(DemoCustomerID)
	whoAdmin     = identity{kind: kindAgent, agentID: mustUUID(DemoAdminAgentID), customerID: cust, permission: PermCustomerAdmin}
	whoManager   = identity{kind: kindAgent, agentID: mustUUID("71c9e2d4-8f0a-4b3c-9d5e-6f7a8b9c0d04"), customerID: cust, permission: PermCustomerManager}
	whoAgent     = identity{kind: kindAgent, agentID: mustUUID(DemoAgentID), customerID: cust, permission: PermCustomerAgent}
	whoSuper     = identity{kind: kindAgent, agentID: mustUUID("00000000-0000-4000-8000-000000000001"), customerID: mustUUID(otherCustomer), permission: PermProjectSuperAdmin}
	whoAccessKey = identity{kind: kindAccessKey, customerID: cust, permission: PermCustomerAdmin}
	whoDirect    = identity{kind: kindDirect, customerID: cust, allowed: []string{"call", "transcribe"}}
)

// The grammar: split on ":", at least two parts, parts[1] a non-nil UUID
// (in any form gofrs parses), parts[0] customer_id or agent_id.
func TestTopicGrammar(t *testing.T) {
	cases := []struct {
		topic string
		ok    bool
	}{
		{custTopic, true},
		{custTopic + ":call", true},
		{custTopic + ":call:" + DemoAgentID, true},
		{custTopic + ":call:call_hangup", true}, // 4 parts: the event-type prefix
		{custTopic + ":call:call_hangup:x:y", true},
		{custTopic + ":call:*", true},   // validates; never matches
		{custTopic + ":queue:", true},   // trailing colon: 4 parts, the 4th empty
		{custTopic + ":", true},         // 3 parts, the 3rd empty
		{custTopic + ":anything", true}, // resources are not checked
		{"customer_id:" + strings.ToUpper(DemoCustomerID), true},
		{"customer_id:{" + DemoCustomerID + "}:call", true},
		{"customer_id:" + strings.ReplaceAll(DemoCustomerID, "-", ""), true},
		{"customer_id", false},
		{"", false},
		{"customer_id:", false},
		{"customer_id:00000000-0000-0000-0000-000000000000:call", false},
		{"customer_id:not-a-uuid:call", false},
		{"customer_id:" + DemoCustomerID[:35] + ":call", false},
		{"customer:" + DemoCustomerID, false},
		{"Customer_id:" + DemoCustomerID, false},
		{" customer_id:" + DemoCustomerID, false},
		{"owner_id:" + DemoCustomerID, false},
		{":" + DemoCustomerID, false},
	}
	for _, tc := range cases {
		err := validateTopic(whoSuper, tc.topic)
		if (err == nil) != tc.ok {
			t.Errorf("%q: valid=%v (%v), want %v", tc.topic, err == nil, err, tc.ok)
		}
	}
}

// The permission table of the notes (A4), one row per rule.
func TestTopicPermissions(t *testing.T) {
	other := "customer_id:" + otherCustomer
	adminTopic := "agent_id:" + DemoAdminAgentID
	cases := []struct {
		rule  string
		who   identity
		topic string
		ok    bool
	}{
		{"super-admin: every topic", whoSuper, other + ":call", true},
		{"super-admin: another agent", whoSuper, agentTopic, true},
		{"super-admin: grammar still applies", whoSuper, "x:" + DemoCustomerID, false},

		{"admin: customer, 2 parts", whoAdmin, custTopic, true},
		{"admin: customer, 3 parts", whoAdmin, custTopic + ":call", true},
		{"admin: customer, 4 parts", whoAdmin, custTopic + ":call:call_hangup", true},
		{"admin: customer, 5 parts", whoAdmin, custTopic + ":call:call_hangup:" + DemoAgentID, true},
		{"admin: another customer", whoAdmin, other + ":call", false},
		{"admin: another customer, 4 parts", whoAdmin, other + ":call:x", false},
		{"admin: own agent topic", whoAdmin, adminTopic + ":call", true},
		{"admin: another agent's topic", whoAdmin, agentTopic + ":call", false},

		{"manager: customer topics", whoManager, custTopic + ":queuecall", true},
		{"manager: another customer", whoManager, other, false},

		{"plain agent: customer, 2 parts", whoAgent, custTopic, false},
		{"plain agent: customer, 3 parts", whoAgent, custTopic + ":call", false},
		{"plain agent: customer, 4 parts", whoAgent, custTopic + ":call:call_hangup", false},
		{"plain agent: own agent topic", whoAgent, agentTopic, true},
		{"plain agent: own agent topic, 5 parts", whoAgent, agentTopic + ":call:call_hangup:x", true},
		{"plain agent: own id in upper case", whoAgent, "agent_id:" + strings.ToUpper(DemoAgentID) + ":call", true},
		{"plain agent: another agent", whoAgent, adminTopic, false},

		{"access key: customer, 3 parts (counts as admin)", whoAccessKey, custTopic + ":call", true},
		{"access key: customer, 4 parts", whoAccessKey, custTopic + ":call:call_created", true},
		{"access key: another customer", whoAccessKey, other + ":call", false},
		{"access key: no agent id", whoAccessKey, agentTopic, false},
		{"access key: not even the admin's", whoAccessKey, adminTopic, false},

		{"direct: 4 parts, allowed resource", whoDirect, custTopic + ":call:call_hangup", true},
		{"direct: 4 parts, allowed, any 4th part", whoDirect, custTopic + ":transcribe:" + DemoAgentID, true},
		{"direct: 4 parts, not allowed", whoDirect, custTopic + ":queuecall:queuecall_waiting", false},
		{"direct: 4 parts, another customer", whoDirect, other + ":call:call_hangup", false},
		{"direct: 2 parts", whoDirect, custTopic, false},
		{"direct: 3 parts", whoDirect, custTopic + ":call", false},
		{"direct: 5 parts", whoDirect, custTopic + ":call:call_hangup:x", false},
		{"direct: no agent id", whoDirect, agentTopic, false},
	}
	for _, tc := range cases {
		err := validateTopic(tc.who, tc.topic)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %q valid=%v (%v), want %v", tc.rule, tc.topic, err == nil, err, tc.ok)
		}
	}
}

// Every event is published under the old 4-part topic and the new 5-part
// one naming the event type, each for the customer and for the owning
// agent when there is one (notes A7).
func TestPublishTopics(t *testing.T) {
	const (
		id    = "3f1e2d3c-4b5a-4697-8877-665544332211"
		owner = DemoAgentID
		chat  = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
		p2    = "12121212-3434-4565-8787-909090909090"
	)
	c := custTopic
	a := agentTopic
	cases := []struct {
		name, typ, data string
		want            []string
	}{
		{"call with an owner", "call_hangup", `{"id":"` + id + `","customer_id":"` + DemoCustomerID + `","owner_type":"agent","owner_id":"` + owner + `"}`,
			[]string{c + ":call:" + id, a + ":call:" + id, c + ":call:call_hangup:" + id, a + ":call:call_hangup:" + id}},
		{"call without owner (zero UUID)", "call_created", `{"id":"` + id + `","customer_id":"` + DemoCustomerID + `","owner_type":"","owner_id":"00000000-0000-0000-0000-000000000000"}`,
			[]string{c + ":call:" + id, c + ":call:call_created:" + id}},
		{"agent: no owner_id", "agent_status_updated", `{"id":"` + id + `","customer_id":"` + DemoCustomerID + `"}`,
			[]string{c + ":agent:" + id, c + ":agent:agent_status_updated:" + id}},
		{"resource is the text before the first _", "transcribe_speech_interim", `{"id":"` + id + `","customer_id":"` + DemoCustomerID + `"}`,
			[]string{c + ":transcribe:" + id, c + ":transcribe:transcribe_speech_interim:" + id}},
		{"aicall status", "aicall_status_progressing", `{"id":"` + id + `","customer_id":"` + DemoCustomerID + `"}`,
			[]string{c + ":aicall:" + id, c + ":aicall:aicall_status_progressing:" + id}},
		{"aimessage goes to its aicall", "aimessage_created", `{"id":"` + id + `","customer_id":"` + DemoCustomerID + `","aicall_id":"` + chat + `"}`,
			[]string{c + ":aicall:" + chat, c + ":aimessage:aimessage_created:" + id}},
		{"chatmessage goes to its chat and every participant", "chatmessage_created",
			`{"id":"` + id + `","customer_id":"` + DemoCustomerID + `","chat_id":"` + chat + `","owner_id":"` + owner + `","participant_ids":["` + owner + `","` + p2 + `"]}`,
			[]string{c + ":chat:" + chat, a + ":chat:" + chat, "agent_id:" + p2 + ":chat:" + chat, c + ":chatmessage:chatmessage_created:" + id, a + ":chatmessage:chatmessage_created:" + id}},
		{"chat is its own chat", "chat_updated", `{"id":"` + chat + `","customer_id":"` + DemoCustomerID + `"}`,
			[]string{c + ":chat:" + chat, c + ":chat:chat_updated:" + chat}},
		{"webchat goes to its session", "webchat_message_created", `{"id":"` + id + `","customer_id":"` + DemoCustomerID + `","session_id":"` + chat + `"}`,
			[]string{c + ":webchat_session:" + chat, c + ":webchat:webchat_message_created:" + id}},
		{"no customer_id: the demo customer", "call_updated", `{"id":"` + id + `"}`,
			[]string{c + ":call:" + id, c + ":call:call_updated:" + id}},
	}
	for _, tc := range cases {
		got := publishTopics(tc.typ, []byte(tc.data), cust)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// Matching is a raw string prefix, so 3-part prefixes match both topic
// strings and segment boundaries are ignored (notes A5).
func TestPrefixMatchingTable(t *testing.T) {
	const id = "3f1e2d3c-4b5a-4697-8877-665544332211"
	data := func() []byte {
		b, _ := json.Marshal(map[string]string{"id": id, "customer_id": DemoCustomerID})
		return b
	}()
	cases := []struct {
		sub, typ string
		copies   int
	}{
		{custTopic + ":call", "call_created", 2},
		{custTopic + ":call:call_created", "call_created", 1},
		{custTopic + ":call:" + id, "call_created", 1},
		{custTopic + ":call:" + id[:8], "call_created", 1},
		{custTopic + ":call:call_created", "call_hangup", 0},
		{custTopic + ":call:*", "call_created", 0},
		{custTopic, "call_created", 2},
		{custTopic + ":", "call_created", 2},
		{custTopic + ":campaign", "campaigncall_created", 2},
		{custTopic + ":campaign:", "campaigncall_created", 0},
		{custTopic + ":ai", "aicall_status_progressing", 2},
		{custTopic + ":ai", "aimessage_created", 2},
		{custTopic + ":chat", "chatmessage_created", 2},
		{custTopic + ":queue", "queuecall_waiting", 2},
		{custTopic + ":queue:", "queuecall_waiting", 0},
		{custTopic + ":conference", "conference_updated", 2},
		{custTopic + ":transcribe:transcribe_speech", "transcribe_speech_interim", 1},
		{"customer_id:" + strings.ToUpper(DemoCustomerID) + ":call", "call_created", 0},
	}
	for _, tc := range cases {
		c := &conn{topics: []string{tc.sub}}
		n := 0
		for _, topic := range publishTopics(tc.typ, data, cust) {
			if c.matches(topic) {
				n++
			}
		}
		if n != tc.copies {
			t.Errorf("%q gets %d copies of %s, want %d", tc.sub, n, tc.typ, tc.copies)
		}
	}
}

// No input makes topic code panic, and whatever validates has the shape
// the grammar demands.
func FuzzValidateTopic(f *testing.F) {
	for _, s := range []string{custTopic + ":call", agentTopic, "customer_id:{" + DemoCustomerID + "}", ":::", "urn:uuid:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, topic string) {
		for _, who := range []identity{whoSuper, whoAdmin, whoAgent, whoAccessKey, whoDirect} {
			if validateTopic(who, topic) == nil {
				parts := strings.Split(topic, ":")
				if len(parts) < 2 || (parts[0] != "customer_id" && parts[0] != "agent_id") {
					t.Fatalf("%q validated", topic)
				}
			}
		}
		_ = publishTopics(topic, []byte(topic), cust)
	})
}
