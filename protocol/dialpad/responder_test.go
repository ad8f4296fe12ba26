package dialpad

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// Rule: replay --serve answers the REST set-up as the recorded server
// did: the recorded websocket (signed or not) with a URL back at the
// replay whose token has the recorded lifetime, subscriptions echoed
// with an id on that websocket, empty lists; the socket answers nothing
// and plays every recorded frame.
func TestResponderAnswersTheRESTSetUp(t *testing.T) {
	r := NewResponder()
	at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	tok := unsignedToken(`{"alg":"ES256","typ":"vnd.dialpad.websocket+jwt"}`, `{"sub":"endpoint:777:*","iat":100,"exp":130}`)
	answer, _ := json.Marshal(protocol.HTTPResponse{ID: 1, Method: "POST", URL: "https://dialpad.com/api/v2/websockets", Status: 200,
		Body: `{"id":"777","signature":{"algo":"HS256","secret":"REDACTED-secret-1","type":"jwt"},"websocket_url":"wss://h/events/` + tok + `"}`})
	r.Learn(protocol.Update{Time: at, Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(answer)}})

	resp, ok := r.HTTP(protocol.HTTPRequest{Method: "POST", URL: "http://127.0.0.1:5555/api/v2/websockets", Body: `{}`})
	if !ok || resp.Status != 200 {
		t.Fatalf("create: %+v %v", resp, ok)
	}
	var w WebsocketProto
	if err := json.Unmarshal([]byte(resp.Body), &w); err != nil {
		t.Fatal(err)
	}
	if w.ID != "777" || w.Signature == nil || w.Signature.Secret != "" || !strings.HasPrefix(w.WebsocketURL, "ws://127.0.0.1:5555/events/") {
		t.Errorf("websocket %+v", w)
	}
	raw, _ := TokenFromURL(w.WebsocketURL)
	got, err := DecodeToken(raw)
	if err != nil || got.Subject != "endpoint:777:*" || !got.IssuedAt.Equal(at) || got.Lifetime() != 30*time.Second || len(got.Problems) != 0 {
		t.Errorf("token %+v, %v", got, err)
	}

	resp, _ = r.HTTP(protocol.HTTPRequest{Method: "POST", URL: "http://127.0.0.1:5555/api/v2/subscriptions/sms", Body: `{"direction":"all","endpoint_id":777}`})
	var sp SubscriptionProto
	if err := json.Unmarshal([]byte(resp.Body), &sp); err != nil || sp.ID == "" || sp.Direction != "all" || sp.Websocket == nil || sp.Websocket.ID != "777" {
		t.Errorf("subscription %s, %v", resp.Body, err)
	}
	resp, _ = r.HTTP(protocol.HTTPRequest{Method: "PATCH", URL: "http://127.0.0.1:5555/api/v2/subscriptions/call/42", Body: `{"enabled":false}`})
	if !strings.Contains(resp.Body, `"id":"42"`) || !strings.Contains(resp.Body, `"enabled":false`) {
		t.Errorf("patch %s", resp.Body)
	}
	resp, _ = r.HTTP(protocol.HTTPRequest{Method: "GET", URL: "http://127.0.0.1:5555/api/v2/subscriptions/contact"})
	if strings.TrimSpace(resp.Body) != "{}" {
		t.Errorf("list %s", resp.Body)
	}
	if _, ok := r.HTTP(protocol.HTTPRequest{Method: "GET", URL: "http://127.0.0.1:5555/api/v2/users"}); ok {
		t.Error("answered a resource that is not the websocket's")
	}
	if !r.Replay(protocol.Frame{Op: protocol.OpText, Data: "x"}) || r.Answer(protocol.OpText, []byte("Hello World!")) != nil {
		t.Error("the socket must play every frame and answer nothing")
	}
}
