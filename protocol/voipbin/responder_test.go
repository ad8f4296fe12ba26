package voipbin

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/evtap/evtap/protocol"
)

// A client logging in to a replay gets a token for the recorded
// customer, good for the recorded topics; subscribe is answered with
// nothing, as the server does; a login without credentials is a bare
// 400.
func TestTheReplayResponder(t *testing.T) {
	r := NewResponder()
	r.Learn(protocol.Update{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpText, Data: string(Subscribe([]string{callPfx, agentPfx}))}})
	resp, ok := r.HTTP(protocol.HTTPRequest{Method: "POST", URL: "http://127.0.0.1:7/auth/login", Body: `{"username":"a","password":"b"}`})
	if !ok || resp.Status != 200 || !strings.Contains(resp.Header["Set-Cookie"], "token=") {
		t.Fatalf("login: %+v", resp)
	}
	var lr LoginResponse
	if err := jsonUnmarshal(resp.Body, &lr); err != nil {
		t.Fatal(err)
	}
	c, err := DecodeJWT(lr.Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateTopics([]string{callPfx, agentPfx}, CredentialOf(c)); err != nil {
		t.Fatalf("the recorded topics are refused with the replay's token: %v", err)
	}
	if a := r.Answer(protocol.OpText, Subscribe([]string{callPfx})); a != nil {
		t.Fatalf("subscribe answered with %q", a)
	}
	if resp, ok := r.HTTP(protocol.HTTPRequest{Method: "POST", URL: "http://127.0.0.1:7/auth/login", Body: `{}`}); !ok || resp.Status != 400 || resp.Body != "" {
		t.Fatalf("empty login: %+v", resp)
	}
	if _, ok := r.HTTP(protocol.HTTPRequest{Method: "GET", URL: "http://127.0.0.1:7/v1.0/calls"}); ok {
		t.Fatal("answered a route VoIPBin's socket clients do not call")
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
