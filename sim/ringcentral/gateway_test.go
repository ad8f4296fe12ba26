package ringcentral

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestConnectionDetailsComeFirstWithSequenceOne(t *testing.T) {
	_, base := startSim(t, Config{})
	c, _, _ := connect(t, base)
	f := c.readType(typeConnectionDetails)
	if f.Meta.WSC == nil || f.Meta.WSC.Sequence != 1 || f.Meta.WSC.Token == "" {
		t.Fatalf("wsc %+v, want sequence 1 and a token", f.Meta.WSC)
	}
	d := details(t, f)
	if d.RecoveryState != "" || d.RecoveryErrorCode != "" {
		t.Fatalf("recoveryState %q without a wsc", d.RecoveryState)
	}
	if d.RecoveryBufferSize != 100 || d.RecoveryTimeout != 180 || d.IdleTimeout != 1800 || d.AbsoluteTimeout != 86400 || d.CreationTime == "" {
		t.Fatalf("details %+v, want the documented defaults", d)
	}
	if _, err := time.Parse(detailsTimeLayout, d.CreationTime); err != nil {
		t.Fatalf("creationTime %q: %v", d.CreationTime, err)
	}
}

func TestSubscribeReplaceAndRejectedFilterKeepsTheOld(t *testing.T) {
	s, base := startSim(t, Config{})
	c, _, _ := connect(t, base)
	c.readType(typeConnectionDetails)

	first := c.mustSubscribe(smsFilter)
	wantEvent := "/restapi/v1.0/account/" + DemoAccountID + "/extension/" + DemoExtensionID + "/message-store/instant?type=SMS"
	if first.Status != "Active" || len(first.EventFilters) != 1 || first.EventFilters[0] != wantEvent ||
		first.URI != pathSubscription+"/"+first.ID || first.DeliveryMode.TransportType != "WebSocket" {
		t.Fatalf("subscription %+v", first)
	}
	second := c.mustSubscribe(voicemailF)
	if second.ID == first.ID {
		t.Fatalf("a second POST must replace the subscription with a new one")
	}

	f := c.subscribe(voicemailF, "/restapi/v1.0/account/~/extension/~/no-such-thing")
	if f.Meta.Status != 400 {
		t.Fatalf("bad filter: status %d, want 400", f.Meta.Status)
	}
	e := errorBody(t, f)
	if !strings.HasPrefix(e.ErrorCode, "SUB-") || len(e.Errors) != 1 || !strings.Contains(e.Errors[0].Message, "no-such-thing") {
		t.Fatalf("error body %+v", e)
	}

	if _, err := s.Generate("", "", 1); err != nil {
		t.Fatal(err)
	}
	_, n := c.notification()
	if n.SubscriptionID != second.ID || !strings.HasSuffix(n.Event, "/voicemail") {
		t.Fatalf("after a refused request, got %s for %s; want voicemail for %s", n.Event, n.SubscriptionID, second.ID)
	}
	// PUT and DELETE on the live subscription, 404 on another id.
	if f := c.request("PUT", pathSubscription+"/"+second.ID, nil); f.Meta.Status != 200 {
		t.Fatalf("PUT: %d", f.Meta.Status)
	}
	if f := c.request("DELETE", pathSubscription+"/nope", nil); f.Meta.Status != 404 || errorBody(t, f).ErrorCode != "CMN-102" {
		t.Fatalf("DELETE unknown: %d %s", f.Meta.Status, f.Body)
	}
	if f := c.request("DELETE", pathSubscription+"/"+second.ID, nil); f.Meta.Status != 204 || f.Body != nil {
		t.Fatalf("DELETE: %d %s", f.Meta.Status, f.Body)
	}
	if n, err := s.Generate("", "", 1); err != nil || n != 0 {
		t.Fatalf("generated %d after DELETE (%v)", n, err)
	}
}

func TestNotificationsMatchFiltersWithIncreasingSequence(t *testing.T) {
	_, base := startSim(t, Config{Rate: 400})
	c, _, _ := connect(t, base)
	c.readType(typeConnectionDetails)
	info := c.mustSubscribe(smsFilter, presenceFilter)
	allowed := map[string]bool{info.EventFilters[0]: true, info.EventFilters[1]: true}
	want := uint64(2)
	kinds := map[string]int{}
	for i := 0; i < 40; i++ {
		f, n := c.notification()
		if f.Meta.WSC.Sequence != want {
			t.Fatalf("notification %d has sequence %d, want %d", i, f.Meta.WSC.Sequence, want)
		}
		want++
		if !allowed[n.Event] || n.SubscriptionID != info.ID || n.UUID == "" || !validTimestamp(n.Timestamp) {
			t.Fatalf("notification %+v does not match subscription %+v", n, info)
		}
		kinds[n.Event]++
		body := string(n.Body)
		if strings.Contains(n.Event, "instant") && !strings.Contains(body, `"type":"SMS"`) {
			t.Fatalf("SMS body %s", body)
		}
		if strings.Contains(n.Event, "presence") {
			var p presenceBody
			if err := json.Unmarshal(n.Body, &p); err != nil {
				t.Fatalf("presence body does not decode as presenceBody: %v", err)
			}
			if (p.TelephonyStatus != telephonyNoCall) != (len(p.ActiveCalls) == 1) {
				t.Fatalf("detailed presence %s with %d active calls", p.TelephonyStatus, len(p.ActiveCalls))
			}
		}
		matched := false
		for _, f := range []string{smsFilter, presenceFilter} {
			matched = matched || matchesExpanded(f, n.Event)
		}
		if !matched {
			t.Fatalf("event %s matches neither filter by matchesExpanded", n.Event)
		}
	}
	if len(kinds) != 2 {
		t.Fatalf("only %v generated, want both filters", kinds)
	}
}

func TestHeartbeatEchoAndPings(t *testing.T) {
	_, base := startSim(t, Config{PingInterval: 30 * time.Millisecond})
	c, _, _ := connect(t, base)
	pinged := make(chan struct{}, 1)
	c.ws.SetPingHandler(func(string) error {
		select {
		case pinged <- struct{}{}:
		default:
		}
		return nil
	})
	c.readType(typeConnectionDetails)
	c.send(`[{"type":"Heartbeat","messageId":"hb-1"}]`)
	f := c.readType(typeHeartbeat) // the ping handler runs inside this read
	if f.Meta.MessageID != "hb-1" || f.Meta.WSC != nil {
		t.Fatalf("heartbeat reply %+v", f.Meta)
	}
	go func() { _, _, _ = c.ws.ReadMessage() }()
	select {
	case <-pinged:
	case <-time.After(waitFor):
		t.Fatal("no WebSocket ping")
	}
}

func TestMalformedFrameGetsErrorAndConnectionSurvives(t *testing.T) {
	_, base := startSim(t, Config{})
	c, _, _ := connect(t, base)
	c.readType(typeConnectionDetails)
	for _, bad := range []string{`not json`, `{"type":"Heartbeat"}`, `[1,2,3]`, `[{"type":"ServerNotification"}]`} {
		c.send(bad)
		f := c.readType(typeError)
		if e := errorBody(t, f); e.ErrorCode == "" || e.Message == "" || f.Meta.Status != 400 {
			t.Fatalf("%s: error frame %+v %+v", bad, f.Meta, e)
		}
	}
	// axios-style params with a number are not malformed
	c.send(`[{"type":"ClientRequest","messageId":"q1","method":"GET","path":"/restapi/v1.0/subscription","query":{"perPage":10}}]`)
	if f := c.readType(typeClientRequest); f.Meta.Status != 200 || f.Meta.MessageID != "q1" {
		t.Fatalf("request with a numeric query: %+v %s", f.Meta, f.Body)
	}
	c.send(`[{"type":"Heartbeat","messageId":"still-here"}]`)
	if f := c.readType(typeHeartbeat); f.Meta.MessageID != "still-here" {
		t.Fatalf("heartbeat after errors: %+v", f.Meta)
	}
}

func TestIdleTimeoutSendsWSG902ThenCloses(t *testing.T) {
	_, base := startSim(t, Config{IdleTimeout: 200 * time.Millisecond})
	c, _, _ := connect(t, base)
	c.readType(typeConnectionDetails)
	f := c.readType(typeError)
	if e := errorBody(t, f); e.ErrorCode != wsgIdleTimeout {
		t.Fatalf("error %+v, want %s", e, wsgIdleTimeout)
	}
	err := c.readClosed()
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Fatalf("close: %v", err)
	}
}

func TestHeartbeatsKeepAnIdleConnectionOpen(t *testing.T) {
	_, base := startSim(t, Config{IdleTimeout: 500 * time.Millisecond})
	c, _, _ := connect(t, base)
	c.readType(typeConnectionDetails)
	for i := 0; i < 10; i++ { // 10 x 100 ms: well past the idle limit
		time.Sleep(100 * time.Millisecond)
		c.send(`[{"type":"Heartbeat","messageId":"hb"}]`)
		c.readType(typeHeartbeat)
	}
}

func TestAbsoluteTimeoutSendsWSG903(t *testing.T) {
	_, base := startSim(t, Config{AbsoluteTimeout: 150 * time.Millisecond})
	c, _, _ := connect(t, base)
	c.readType(typeConnectionDetails)
	if e := errorBody(t, c.readType(typeError)); e.ErrorCode != wsgAbsoluteTimeout {
		t.Fatalf("error %+v, want %s", e, wsgAbsoluteTimeout)
	}
	c.readClosed()
}

func TestFilterConditionsShapeTheBodies(t *testing.T) {
	s, base := startSim(t, Config{})
	c, _, _ := connect(t, base)
	c.readType(typeConnectionDetails)
	info := c.mustSubscribe("/account/~/extension/~/telephony/sessions?direction=Outbound&statusCode=Answered",
		"/restapi/v1.0/account/~/extension/"+DemoExtensionID+"/message-store?type=Fax")
	if !strings.HasPrefix(info.EventFilters[0], "/restapi/v1.0/account/"+DemoAccountID) {
		t.Fatalf("a filter without the version prefix expanded to %s", info.EventFilters[0])
	}
	s.Generate("", "telephony", 3)
	s.Generate("", "message-store", 3)
	for i := 0; i < 6; i++ {
		_, n := c.notification()
		switch {
		case strings.Contains(n.Event, "telephony"):
			var b telephonyBody
			if err := json.Unmarshal(n.Body, &b); err != nil || b.Parties[0].Direction != directionOutbound || b.Parties[0].Status.Code != partyAnswered {
				t.Fatalf("telephony body %s (%v) ignores direction=Outbound&statusCode=Answered", n.Body, err)
			}
		default:
			var b messageStoreBody
			if err := json.Unmarshal(n.Body, &b); err != nil || b.Changes[0].Type != "Fax" {
				t.Fatalf("message-store body %s (%v) ignores type=Fax", n.Body, err)
			}
		}
	}
	f := c.subscribe("/restapi/v1.0/account/~/extension/999/presence")
	if e := errorBody(t, f); f.Meta.Status != 400 || !strings.Contains(e.Errors[0].Message, "not this extension") {
		t.Fatalf("another extension: %d %+v", f.Meta.Status, e)
	}
}

// validTimestamp accepts the notification timestamp format of §2.7
// ("2023-04-18T20:25:24.611Z").
func validTimestamp(s string) bool {
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}
