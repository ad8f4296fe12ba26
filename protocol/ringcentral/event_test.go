package ringcentral

import "testing"

func TestANotificationFrameBecomesAnEventWithItsSequenceAndSummary(t *testing.T) {
	f, err := Decode([]byte(`[{"type":"ServerNotification","messageId":"1","status":200,"wsc":{"token":"W","sequence":42}},` +
		`{"uuid":"u-1","event":"/restapi/v1.0/account/1/extension/2/message-store/instant?type=SMS","timestamp":"2023-04-18T20:25:24.611Z",` +
		`"subscriptionId":"s-1","body":{"type":"SMS","direction":"Inbound","from":{"phoneNumber":"+15551230001"},"to":[{"phoneNumber":"+15551230002"}],"subject":"Hello"}}]`))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := EventOf(f)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Seq != 42 || ev.ID != "u-1" || ev.Subscription != "s-1" || ev.Label != LabelSMSIn || ev.Timestamp.IsZero() || string(ev.Body) != string(f.Body) {
		t.Fatalf("event: %+v", ev)
	}
	if _, err := EventOf(Frame{Meta: Meta{Type: TypeServerNotification}}); err == nil {
		t.Fatal("a notification without a body became an event")
	}
}
