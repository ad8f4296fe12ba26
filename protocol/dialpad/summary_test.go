package dialpad

import (
	"strings"
	"testing"
	"time"
)

// Each row is summarised from Dialpad's own fields: a call leg with its
// state, direction, parties and the legs it belongs to; an SMS with its
// direction and delivery status; an agent's status.
func TestSummarize(t *testing.T) {
	for _, c := range []struct {
		payload, kind, label, text, id string
		ts                             int64
	}{
		{callInboundRinging, "call", "call ringing", "in  +14155550100 → Alice Smith · leg …851584 via …851000", "5635304278851584", 1700000001000},
		{callOutboundLeg, "call", "call connected", "out Carol → +14155550111 · leg …851599 of …851584 · transferred", "5635304278851599", 1700000002000},
		{smsInbound, "sms", "SMS in", `+14155550100 → +16505550199 · "running late" · pending`, "4444", 1700000003000},
		{smsDelivered, "sms", "SMS out", "+16505550199 → +14155550100 +1 · delivered success", "4445", 1700000004000},
		{agentAvailable, "agent_status", "agent status", "Alice Smith: available · open · call centres 111,222", "", 1700000005000},
		{`{"contact_id":1,"event_timestamp":5}`, "", "event", `{"contact_id":1,"event_timestamp":5}`, "", 5},
		{`{"call_id":"1","state":"hangup"}`, "call", "call hangup", "? · ? · leg 1", "1", 0},
		{`{"mms":true,"direction":"outbound"}`, "sms", "MMS out", "? → ?", "", 0},
	} {
		s, err := Summarize([]byte(c.payload))
		if err != nil {
			t.Fatal(err)
		}
		if string(s.Kind) != c.kind || s.Label != c.label || s.Text != c.text || s.ID != c.id {
			t.Errorf("Summarize(%.40s…)\n got %q %q %q %q\nwant %q %q %q %q", c.payload, s.Kind, s.Label, s.Text, s.ID, c.kind, c.label, c.text, c.id)
		}
		var want time.Time
		if c.ts != 0 {
			want = time.UnixMilli(c.ts).UTC()
		}
		if !s.Timestamp.Equal(want) {
			t.Errorf("%s: timestamp %s, want %s", c.label, s.Timestamp, want)
		}
	}
	for _, bad := range []string{``, `[]`, `null`, `"x"`, `{"a":1} {"b":2}`, `{`} {
		if _, err := Summarize([]byte(bad)); err == nil {
			t.Errorf("Summarize(%q): no error", bad)
		}
	}
}

// Whatever a payload holds, the cells are safe for a terminal and
// bounded.
func TestSummarizeIsTerminalSafe(t *testing.T) {
	s, err := Summarize([]byte(`{"call_id":1,"state":"ringing\u001b[2J","direction":"inbound","external_number":"\u202e+1\u0007","target":{"name":"` + strings.Repeat("x", 500) + `"}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, cell := range []string{s.Label, s.Text} {
		if strings.ContainsAny(cell, "\x1b\x07\u202e\n") {
			t.Errorf("unsafe cell %q", cell)
		}
	}
	if n := len([]rune(s.Text)); n > MaxSummary {
		t.Errorf("summary of %d runes", n)
	}
}

// The identity of an event is the same on every connection and differs
// between events; see identity's comment for the rule.
func TestIdentity(t *testing.T) {
	id := func(p string) string {
		s, err := Summarize([]byte(p))
		if err != nil {
			t.Fatal(err)
		}
		return s.Identity
	}
	if id(callInboundRinging) != "call|5635304278851584|ringing|1700000001000" {
		t.Errorf("call identity %q", id(callInboundRinging))
	}
	hung := strings.Replace(callInboundRinging, `"ringing"`, `"hangup"`, 1)
	later := strings.Replace(callInboundRinging, `1700000001000}`, `1700000009000}`, 1)
	seen := map[string]bool{}
	for _, p := range []string{callInboundRinging, hung, later, callOutboundLeg, smsInbound, smsDelivered, agentAvailable, `{"x":1}`, `{"x":2}`} {
		if seen[id(p)] {
			t.Errorf("two events share identity %q", id(p))
		}
		seen[id(p)] = true
	}
	// The same leg and state at the same time is the same event, whatever
	// else differs (a field added on one connection).
	if id(callInboundRinging) != id(strings.Replace(callInboundRinging, `"is_internal":false`, `"is_internal":false,"labels":[]`, 1)) {
		t.Error("call identity depends on fields other than call_id, state and event_timestamp")
	}
}
