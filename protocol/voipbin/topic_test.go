package voipbin

import (
	"errors"
	"strings"
	"testing"
)

// The grammar of A4, checked in the server's order.
func TestTopicGrammar(t *testing.T) {
	admin := Credential{Kind: CredentialAgent, AgentID: agentID, CustomerID: customer, Permission: PermCustomerAdmin}
	cases := []struct {
		topic string
		ok    bool
		why   string
	}{
		{"customer_id:" + customer, true, ""},
		{"customer_id:" + customer + ":call", true, ""},
		{"customer_id:" + customer + ":call:call_hangup", true, ""},
		{"customer_id:" + customer + ":activeflow:" + flowRunID, true, ""},
		{"customer_id:" + customer + ":call:call_hangup:" + callID, true, ""},
		{"customer_id:" + customer + ":queue:", true, ""},       // trailing colon: 4 parts
		{"customer_id:" + customer + ":call:*", true, ""},       // validates, never matches
		{"customer_id:" + strings.ToUpper(customer), true, ""},  // parsed as a UUID
		{"customer_id:{" + customer + "}", true, ""},            // braces too
		{"customer_id", false, "<customer_id|agent_id>:<uuid>"}, // one part
		{"", false, "<customer_id|agent_id>:<uuid>"},            // empty
		{"customer_id:abc", false, "not a UUID"},                // bad id
		{"customer_id:" + NilUUID + ":call", false, "nil UUID"}, // nil id
		{"account_id:" + customer + ":call", false, "customer_id or agent_id"},
		{"customer_id :" + customer, false, "customer_id or agent_id"}, // no trimming on the server
	}
	for _, c := range cases {
		err := ValidateTopic(c.topic, admin)
		if (err == nil) != c.ok {
			t.Errorf("%q: err = %v, want ok=%v", c.topic, err, c.ok)
			continue
		}
		if err != nil {
			var te *TopicError
			if !errors.As(err, &te) || te.Reason != ReasonGrammar || !strings.Contains(err.Error(), c.why) {
				t.Errorf("%q: err = %v, want a grammar error about %q", c.topic, err, c.why)
			}
		}
	}
}

// The permission rules of A4, one row per rule.
func TestTopicPermissions(t *testing.T) {
	cust4 := "customer_id:" + customer + ":call:" + callID
	cust3 := "customer_id:" + customer + ":call"
	other3 := "customer_id:" + otherID + ":call"
	ownAgent := "agent_id:" + agentID + ":call"
	otherAgent := "agent_id:" + otherID + ":call"
	agent := func(perm uint64) Credential {
		return Credential{Kind: CredentialAgent, AgentID: agentID, CustomerID: customer, Permission: perm}
	}
	direct := Credential{Kind: CredentialDirect, CustomerID: customer, AllowedResourceTypes: []string{"call"}}
	cases := []struct {
		name  string
		cred  Credential
		topic string
		want  Reason // "" = accepted
	}{
		{"super admin: everything", agent(PermProjectSuperAdmin), other3, ""},
		{"super admin: other agents", agent(PermProjectSuperAdmin), otherAgent, ""},
		{"admin: customer 3-part", agent(PermCustomerAdmin), cust3, ""},
		{"manager: customer 4-part", agent(PermCustomerManager), cust4, ""},
		{"admin: another customer", agent(PermCustomerAdmin), other3, ReasonCustomer},
		{"plain agent: customer topic", agent(PermCustomerAgent), cust3, ReasonPermission},
		{"plain agent: customer 4-part", agent(PermCustomerAgent), cust4, ReasonPermission},
		{"plain agent: own agent topic", agent(PermCustomerAgent), ownAgent, ""},
		{"admin: another agent's topic", agent(PermCustomerAdmin), otherAgent, ReasonAgent},
		{"access key: customer topic (counts as admin)", AccessKeyCredential(customer), cust3, ""},
		{"access key, customer unknown", AccessKeyCredential(""), other3, ""},
		{"access key: agent topic", AccessKeyCredential(customer), ownAgent, ReasonAgent},
		{"direct: 4-part, allowed type", direct, cust4, ""},
		{"direct: 4-part, other type", direct, "customer_id:" + customer + ":recording:" + callID, ReasonDirect},
		{"direct: 3-part", direct, cust3, ReasonDirect},
		{"direct: agent topic", direct, ownAgent, ReasonAgent},
		{"delegate: nothing", Credential{Kind: CredentialDelegate}, cust3, ReasonPermission},
		{"unknown credential: grammar only", Credential{}, otherAgent, ""},
	}
	for _, c := range cases {
		err := ValidateTopic(c.topic, c.cred)
		var te *TopicError
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.want != "" && (!errors.As(err, &te) || te.Reason != c.want):
			t.Errorf("%s: err = %v, want reason %q", c.name, err, c.want)
		}
	}
}

// A message is checked whole (A3): every refused topic is named.
func TestValidateTopicsNamesEveryRefusal(t *testing.T) {
	err := ValidateTopics([]string{"customer_id:" + customer + ":call", "nope", "agent_id:" + otherID}, Credential{Kind: CredentialAgent, AgentID: agentID, CustomerID: customer, Permission: PermCustomerAdmin})
	if err == nil || !strings.Contains(err.Error(), "2 topic(s)") || !strings.Contains(err.Error(), "nope") || !strings.Contains(err.Error(), "agent_id:"+otherID) {
		t.Fatalf("err = %v", err)
	}
}

// The subscription pane's notes (A5, A7).
func TestTopicNotes(t *testing.T) {
	base := "customer_id:" + customer
	cases := []struct {
		topic string
		want  []string // substrings; nil = no note
	}{
		{base + ":call", []string{"twice", base + ":call:call_hangup"}},
		{base, []string{"twice", "4-part"}},
		{base + ":campaign", []string{"twice", "campaigncall"}},
		{base + ":ai", []string{"aicall", "aimessage"}},
		{base + ":chat", []string{"chatmessage", "chatparticipant"}},
		{base + ":queue", []string{"queuecall", "only queuecall"}},
		{base + ":call:*", []string{"not a wildcard"}},
		{base + ":queue:", []string{"trailing colon", "twice"}},
		{base + ":call:" + callID, []string{"only the old-format", "once"}},
		{base + ":transcribe:" + callID, []string{"fresh id", "transcribe_speech_interim"}},
		{"customer_id:" + strings.ToUpper(customer) + ":call", []string{"never matches"}},
		{base + ":call:call_hangup", nil},
		{base + ":call:call_", []string{"every call event type", "once"}},
		{base + ":call:call_hangup:" + callID, []string{"one event type and id"}},
		{"bad", nil},
	}
	for _, c := range cases {
		n := TopicNote(c.topic)
		if c.want == nil && n != "" {
			t.Errorf("%q: unexpected note %q", c.topic, n)
		}
		for _, w := range c.want {
			if !strings.Contains(n, w) {
				t.Errorf("%q: note %q lacks %q", c.topic, n, w)
			}
		}
	}
}
