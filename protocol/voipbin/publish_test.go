package voipbin

import (
	"slices"
	"testing"
)

// A7: old format (customer, agent when owned), then new format.
func TestPublishedTopicsOfAnOwnedCall(t *testing.T) {
	got := PublishedTopics("call_hangup", callID, customer, agentID, "")
	want := []string{
		"customer_id:" + customer + ":call:" + callID,
		"agent_id:" + agentID + ":call:" + callID,
		"customer_id:" + customer + ":call:call_hangup:" + callID,
		"agent_id:" + agentID + ":call:call_hangup:" + callID,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

// Agents and messages have no owner_id: customer topics only.
func TestPublishedTopicsWithoutOwner(t *testing.T) {
	for _, owner := range []string{"", NilUUID} {
		if got := PublishedTopics("agent_status_updated", agentID, customer, owner, ""); len(got) != 2 {
			t.Errorf("owner %q: %q", owner, got)
		}
	}
}

func TestPublishedTopicsSpecialCases(t *testing.T) {
	aicall := "0a0a0a0a-0000-4000-8000-000000000000"
	got := PublishedTopics("aimessage_created", callID, customer, "", aicall)
	if got[0] != "customer_id:"+customer+":aicall:"+aicall || got[1] != "customer_id:"+customer+":aimessage:aimessage_created:"+callID {
		t.Errorf("aimessage: %q", got)
	}
	got = PublishedTopics("webchat_session_ended", callID, customer, "", aicall)
	if got[0] != "customer_id:"+customer+":webchat_session:"+aicall {
		t.Errorf("webchat: %q", got)
	}
}

// The decoder's matching without building strings agrees with the
// server's rule on the built string.
func TestRouteMatchesAgreesWithTheRawPrefixRule(t *testing.T) {
	o := origin{resource: "call", id: callID, customerID: customer, ownerID: agentID}
	base := "customer_id:" + customer
	prefixes := []string{"", "c", base, base + ":", base + ":ca", base + ":call", base + ":call:", base + ":call:call_",
		base + ":call:call_hangup", base + ":call:call_hangup:", base + ":call:call_hangup:" + callID, base + ":call:call_hangup:" + callID + "x",
		base + ":call:" + callID, "agent_id:" + agentID + ":call:call_ringing", base + ":call:call_hangupx"}
	for _, r := range o.routes(nil) {
		for _, p := range prefixes {
			for _, typ := range []string{"call_hangup", "call_ringing", ""} {
				if got, want := r.matches(p, typ), Match(p, r.topic(typ)); got != want {
					t.Errorf("route %q, prefix %q, type %q: matches = %v, the rule says %v", r.topic(typ), p, typ, got, want)
				}
			}
		}
	}
}
