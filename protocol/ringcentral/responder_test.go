package ringcentral

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/evtap/evtap/protocol"
)

func recv(data, typ string) protocol.Update {
	return protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpText, Data: data, Size: len(data), Type: typ}}
}

// A client of a replay gets the subscription the recorded client got,
// under its own messageId; heartbeats are echoed; the recorded answer is
// not sent on its own.
func TestResponderAnswersTheHandshake(t *testing.T) {
	r := NewResponder()
	r.Learn(recv(`[{"type":"ConnectionDetails","messageId":"c","status":200},{"recoveryTimeout":180}]`, "ConnectionDetails"))
	answer := `[{"type":"ClientRequest","messageId":"old","status":200},{"id":"sub-1","status":"Active","eventFilters":["/x"]}]`
	r.Learn(recv(answer, "ClientRequest"))
	if r.Replay(protocol.Frame{Op: protocol.OpText, Data: answer, Type: "ClientRequest"}) ||
		r.Replay(protocol.Frame{Op: protocol.OpText, Data: answer}) {
		t.Fatal("the recorded answer would be sent to a client that did not ask")
	}
	if !r.Replay(protocol.Frame{Op: protocol.OpText, Data: `[{"type":"ServerNotification"},{}]`}) {
		t.Fatal("a notification would not be sent")
	}
	req, _ := Encode(Meta{Type: TypeClientRequest, MessageID: "mine", Method: "POST", Path: PathSubscription}, SubscriptionRequest{EventFilters: []string{"/y"}})
	got := r.Answer(protocol.OpText, req)
	if len(got) != 1 {
		t.Fatalf("answers %q", got)
	}
	f, err := Decode(got[0])
	if err != nil || f.Meta.MessageID != "mine" || f.Meta.Status != 200 || !strings.Contains(string(f.Body), "sub-1") {
		t.Fatalf("answer %s (%v)", got[0], err)
	}
	hb, _ := Encode(Meta{Type: TypeHeartbeat, MessageID: "hb"}, nil)
	if got := r.Answer(protocol.OpText, hb); len(got) != 1 || !strings.Contains(string(got[0]), `"messageId":"hb"`) {
		t.Fatalf("heartbeat answer %q", got)
	}
	if got := r.Answer(protocol.OpText, []byte("not a frame")); got != nil {
		t.Fatalf("garbage answered: %q", got)
	}
}

// An SDK's token and wstoken calls are answered, the socket URL pointing
// back at the replay.
func TestResponderAnswersTheSDKsRESTCalls(t *testing.T) {
	r := NewResponder()
	resp, ok := r.HTTP(protocol.HTTPRequest{Method: "POST", URL: "http://127.0.0.1:9000" + PathToken, Body: "grant_type=x"})
	var tok TokenResponse
	if !ok || resp.Status != 200 || json.Unmarshal([]byte(resp.Body), &tok) != nil || tok.AccessToken == "" || tok.ExpiresIn <= 60 {
		t.Fatalf("token: %v %+v", ok, resp)
	}
	resp, ok = r.HTTP(protocol.HTTPRequest{Method: "POST", URL: "http://127.0.0.1:9000" + PathWSToken})
	var ws WSTokenResponse
	if !ok || json.Unmarshal([]byte(resp.Body), &ws) != nil || ws.URI != "ws://127.0.0.1:9000/ws" || ws.WSAccessToken == "" {
		t.Fatalf("wstoken: %v %+v", ok, resp)
	}
	if _, ok := r.HTTP(protocol.HTTPRequest{Method: "GET", URL: "http://127.0.0.1:9000/restapi/v1.0/account/~"}); ok {
		t.Fatal("an unknown call was answered")
	}
	// Without a recorded answer, a subscription is made from the request.
	req, _ := Encode(Meta{Type: TypeClientRequest, MessageID: "m", Method: "POST", Path: PathSubscription}, SubscriptionRequest{EventFilters: []string{"/y"}})
	if got := r.Answer(protocol.OpText, req); len(got) != 1 || !strings.Contains(string(got[0]), `"eventFilters":["/y"]`) {
		t.Fatalf("answer without a recording: %q", got)
	}
}
