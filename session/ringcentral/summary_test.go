package ringcentral

import (
	"encoding/json"
	"strings"
	"testing"

	rc "github.com/evtap/evtap/protocol/ringcentral"
)

// Rule: each documented kind of notification gets its short kind and key
// fields (ringcentral.md §6 field names), and nothing from the network
// reaches the row unsanitised.
func TestSummarizeDocumentedKinds(t *testing.T) {
	cases := []struct{ event, body, label, has string }{
		{"/restapi/v1.0/account/1/extension/2/message-store/instant?type=SMS",
			`{"type":"SMS","direction":"Inbound","from":{"phoneNumber":"+15550001"},"to":[{"phoneNumber":"+15550002"}],"subject":"hi"}`,
			"SMS inbound", "+15550001 → +15550002 hi"},
		{"/restapi/v1.0/account/1/extension/2/voicemail", `{"from":{"phoneNumber":"+1555","name":"Ann"}}`, "voicemail", "+1555 Ann"},
		{"/restapi/v1.0/account/1/extension/2/message-store", `{"changes":[{"type":"SMS","newCount":2}]}`, "message store", "SMS +2"},
		{"/restapi/v1.0/account/1/extension/2/presence?detailedTelephonyState=true", `{"telephonyStatus":"Ringing","presenceStatus":"Busy"}`, "presence", "Ringing Busy"},
		{"/restapi/v1.0/account/1/extension/2/telephony/sessions", `{"parties":[{"direction":"Outbound","status":{"code":"Answered"},"from":{"phoneNumber":"+1"},"to":{"phoneNumber":"+2"}}]}`, "call", "Answered Outbound +1 → +2"},
		{"/restapi/v1.0/account/1/extension/2/something-new", `{}`, "something-new", ""},
		{"/restapi/v1.0/account/1/extension/2/presence", `{"telephonyStatus":"\u001b[2JRinging"}`, "presence", "[2JRinging"},
		{"/restapi/v1.0/account/1/extension/2/presence", `null`, "presence", ""},
	}
	for _, c := range cases {
		label, summary := summarize(rc.Notification{Event: c.event, Body: json.RawMessage(c.body)})
		if label != c.label || !strings.Contains(summary, c.has) || strings.ContainsRune(summary, 0x1b) {
			t.Errorf("%s: got %q / %q, want %q / containing %q", c.event, label, summary, c.label, c.has)
		}
	}
}
