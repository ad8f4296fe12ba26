package ringcentral

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

const (
	evSMS       = "/restapi/v1.0/account/233676004/extension/233676004/message-store/instant?type=SMS"
	evVoicemail = "/restapi/v1.0/account/233676004/extension/233676004/voicemail"
	evStore     = "/restapi/v1.0/account/233676004/extension/233676004/message-store"
	evPresence  = "/restapi/v1.0/account/233676004/extension/233676004/presence?detailedTelephonyState=true"
	evTelephony = "/restapi/v1.0/account/233676004/extension/233676004/telephony/sessions"
)

func note(event, body string) Notification {
	return Notification{UUID: "u1", Event: event, Timestamp: "2023-04-18T20:25:24.611Z", SubscriptionID: "s1", Body: json.RawMessage(body)}
}

// Shapes follow ringcentral.md §6 (field names of @rc-ex/core *EventBody).
func TestSummarizeKnownFamilies(t *testing.T) {
	cases := []struct {
		name, event, body, label, summary string
	}{
		{"inbound SMS", evSMS, `{"id":"10828001004","to":[{"phoneNumber":"+15551230002","name":"Ann","target":true}],
			"from":{"phoneNumber":"+15551230001","location":"Belmont, CA"},"type":"SMS","creationTime":"2023-04-18T20:25:24.000Z",
			"readStatus":"Unread","priority":"Normal","attachments":[{"id":"10828001004","uri":"https://x/content/1","type":"Text","contentType":"text/plain"}],
			"direction":"Inbound","availability":"Alive","subject":"Hello there","messageStatus":"Received","conversationId":"123","conversation":{"id":"123","uri":"u"},"ownerId":"233676004"}`,
			LabelSMSIn, `+15551230001 → +15551230002  "Hello there"`},
		{"outbound SMS to two, queued", evSMS, `{"id":1,"to":[{"phoneNumber":"+15551230002"},{"phoneNumber":"+15551230003"}],"from":{"phoneNumber":"+15551230001"},
			"direction":"Outbound","subject":"Hi","messageStatus":"Queued"}`,
			LabelSMSOut, `+15551230001 → +15551230002 +1  "Hi"  Queued`},
		{"voicemail", evVoicemail, `{"id":2061541004,"to":[{"extensionNumber":"101","name":"Bob"}],"from":{"phoneNumber":"+15551230001"},
			"type":"VoiceMail","readStatus":"Unread","attachments":[{"id":2061541004,"type":"AudioRecording","contentType":"audio/mpeg","vmDuration":72}],
			"direction":"Inbound","vmTranscriptionStatus":"InProgress"}`,
			LabelVoicemail, `+15551230001 → ext 101  1:12  Unread  transcription InProgress`},
		{"message store", evStore, `{"accountId":233676004,"extensionId":233676004,"lastUpdated":"2023-04-18T20:25:24.611Z",
			"changes":[{"type":"SMS","newCount":1,"updatedCount":0,"newMessageIds":[10828001004]},{"type":"VoiceMail","newCount":0,"updatedCount":2}]}`,
			LabelMsgStore, `SMS +1 new, VoiceMail 2 updated`},
		{"detailed presence ringing", evPresence, `{"extensionId":"233676004","telephonyStatus":"Ringing","activeCalls":[{"id":"c1","direction":"Inbound",
			"from":"+15551230001","to":"101","telephonyStatus":"Ringing","sessionId":"s1","telephonySessionId":"s-abc","partyId":"p-1"}],
			"sequence":7,"presenceStatus":"Busy","userStatus":"Available","dndStatus":"TakeAllCalls"}`,
			LabelPresence, `Ringing  +15551230001 → ext 101  Busy`},
		// the decrypted PubNub test vector of ringcentral.md §4: number id, no calls
		{"PubNub vector presence", "/restapi/v1.0/account/~/extension/402853446008/presence",
			`{"extensionId":402853446008,"telephonyStatus":"OnHold"}`,
			LabelPresence, `OnHold  ext 402853446008`},
		{"telephony answered", evTelephony, `{"sequence":5,"sessionId":"4503","telephonySessionId":"s-abc","serverId":"10.13","eventTime":"2023-04-18T20:25:24.611Z",
			"origin":{"type":"Call"},"parties":[{"accountId":"233676004","extensionId":"233676004","id":"2","direction":"Inbound",
			"from":{"phoneNumber":"+15551230001","name":"Caller"},"to":{"phoneNumber":"101","extensionId":"233676004"},
			"status":{"code":"Answered","rcc":false},"missedCall":false,"standAlone":false,"muted":false}]}`,
			LabelTelephony, `Answered  party 2 of s-abc  +15551230001 → ext 101`},
		{"telephony missed", evTelephony, `{"telephonySessionId":"s-x","parties":[{"id":"p-1","status":{"code":"Disconnected","reason":"Pickup"},"missedCall":true},{"id":"p-2"}]}`,
			LabelTelephony, `Disconnected (Pickup)  party p-1 of s-x  missed  (+1 parties)`},
		{"unknown event", "/restapi/v1.0/account/~/extension/~/presence/line", "{\n \"extension\": [ {\"id\": \"677628004765\"} ],\n \"sequence\": 2698\n}",
			"line", `{"extension":[{"id":"677628004765"}],"sequence":2698}`},
		{"account-level telephony", "/restapi/v1.0/account/~/telephony/sessions", `{"telephonySessionId":"s-1","parties":[]}`,
			LabelTelephony, `session s-1`},
		{"account-level presence", "/restapi/v1.0/account/1/presence", `{"extensionId":"7","telephonyStatus":"NoCall"}`,
			LabelPresence, `NoCall  ext 7`},
		{"other account-level event", "/restapi/v1.0/account/~/a2p-sms/batches", `{"id":"b1"}`,
			"batches", `{"id":"b1"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			label, summary := Summarize(note(c.event, c.body))
			if label != c.label || summary != c.summary {
				t.Errorf("Summarize = (%q, %q)\nwant      (%q, %q)", label, summary, c.label, c.summary)
			}
		})
	}
}

// The ServerNotification sample of ringcentral.md §2.7 (body elided
// there) decodes and summarizes through the whole path.
func TestSummarizeServerNotificationSample(t *testing.T) {
	f, err := Decode([]byte(sampleNotification))
	if err != nil {
		t.Fatal(err)
	}
	var n Notification
	if err := f.DecodeBody(&n); err != nil {
		t.Fatal(err)
	}
	label, summary := Summarize(n)
	if label != LabelMsgStore || summary != "SMS +1 new" {
		t.Errorf("Summarize = (%q, %q)", label, summary)
	}
}

// Odd bodies never panic and still say something useful.
func TestSummarizeOddBodies(t *testing.T) {
	cases := []struct{ name, event, body, label, want string }{
		{"null body", evSMS, `null`, LabelSMS, "(no body)"},
		{"missing body", evTelephony, ``, LabelTelephony, "(no body)"},
		{"array body", evPresence, `[1,2]`, LabelPresence, "unexpected body: [1,2]"},
		{"string body", evVoicemail, `"hi"`, LabelVoicemail, `unexpected body: "hi"`},
		{"wrong types", evSMS, `{"direction":7,"from":"me","to":"you","subject":{"a":1}}`, LabelSMS, `""`},
		{"numbers as strings", evStore, `{"changes":[{"type":"Fax","newCount":"3"}]}`, LabelMsgStore, "Fax +3 new"},
		{"changes not a list", evStore, `{"changes":5}`, LabelMsgStore, "no changes"},
		{"parties of junk", evTelephony, `{"parties":[7,"x"]}`, LabelTelephony, "?  (+1 parties)"},
		{"calls of junk", evPresence, `{"activeCalls":[null]}`, LabelPresence, ""},
		{"empty event", "", `{"a":1}`, "event", `{"a":1}`},
		{"bad json", evSMS, `{"id":`, LabelSMS, `unexpected body: {"id":`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			label, summary := Summarize(note(c.event, c.body))
			if label != c.label || summary != c.want {
				t.Errorf("Summarize = (%q, %q), want (%q, %q)", label, summary, c.label, c.want)
			}
		})
	}
}

// A hostile body costs no more than a row: the text is kept as the
// server sent it (the UI escapes it where it meets the terminal, once),
// and a huge text is capped.
func TestSummarizeKeepsTextAndCaps(t *testing.T) {
	huge := strings.Repeat("A", 1<<20)
	body := `{"direction":"Inbound","from":{"phoneNumber":"\u001b[31m+1555\u202e"},"to":[{"phoneNumber":"x\ny"}],"subject":"` + huge + `"}`
	label, summary := Summarize(note(evSMS, body))
	if label != LabelSMSIn {
		t.Errorf("label %q", label)
	}
	if !strings.HasPrefix(summary, "\x1b[31m+1555\u202e → x\ny  \"AAA") || !strings.HasSuffix(summary, "…\"") {
		t.Errorf("summary %q", summary)
	}
	if n := utf8.RuneCountInString(summary); n > MaxSummary {
		t.Errorf("summary has %d runes, cap is %d", n, MaxSummary)
	}

	_, summary = Summarize(note("/restapi/v1.0/account/~/extension/~/custom", `{"s":"`+huge+`"}`))
	if n := utf8.RuneCountInString(summary); n != MaxSummary || !strings.HasSuffix(summary, "…") {
		t.Errorf("unknown-event summary has %d runes (want %d, ending in …)", n, MaxSummary)
	}
	label, _ = Summarize(note("/x/"+strings.Repeat("é", 100), `{}`))
	if utf8.RuneCountInString(label) != 24 || !strings.HasSuffix(label, "…") || !utf8.ValidString(label) {
		t.Errorf("label %q not capped at 24 runes", label)
	}
}

// The body types and the summarizer agree: a body built from the Go
// types summarizes as the hand-written JSON does.
func TestBodyTypesFeedSummarize(t *testing.T) {
	b := TelephonySessionBody{TelephonySessionID: "s-abc", Parties: []TelephonyParty{{
		ID: "2", Direction: DirectionInbound, Status: PartyStatus{Code: PartyAnswered},
		From: &TelephonyEndpoint{PhoneNumber: "+15551230001"}, To: &TelephonyEndpoint{PhoneNumber: "101"},
	}}}
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	_, summary := Summarize(note(evTelephony, string(raw)))
	if summary != "Answered  party 2 of s-abc  +15551230001 → ext 101" {
		t.Errorf("summary %q", summary)
	}

	var p PresenceBody
	if err := json.Unmarshal([]byte(`{"extensionId":402853446008,"telephonyStatus":"OnHold","sequence":3}`), &p); err != nil {
		t.Fatal(err)
	}
	if p.ExtensionID != "402853446008" || p.TelephonyStatus != TelephonyOnHold {
		t.Errorf("PresenceBody = %+v", p)
	}
	if n, ok := p.ExtensionID.Int(); !ok || n != 402853446008 {
		t.Errorf("ExtensionID.Int() = %d, %v", n, ok)
	}
	var bad PresenceBody
	if err := json.Unmarshal([]byte(`{"extensionId":{"x":1}}`), &bad); err == nil {
		t.Error("an object as an id decoded without error")
	}
}
