package dialpad

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Whatever body a client sends to a subscription or websocket resource,
// the answer is 200, 400 or 404, and an error is the JSON envelope
// naming what was wrong.
func FuzzRESTBodies(f *testing.F) {
	for _, seed := range []string{
		`{}`, `null`, `[]`, `{"endpoint_id":"1"}`, `{"direction":"all","endpoint_id":1}`,
		`{"call_states":["all",1]}`, `{"target_id":"99999999999999999999"}`, `{"secret":"a\nb"}`,
		`{"enabled":null,"contact_type":"local"}`, `{"endpoint_id":1e3}`, "\x00", `{"agent_type":"callcenter"`,
	} {
		f.Add("call", seed)
		f.Add("sms", seed)
	}
	s := New(Config{RateLimit: -1, CreateRateLimit: -1})
	f.Cleanup(func() { s.Close() })
	// A websocket for bodies that name it by the id the seeds use.
	s.mu.Lock()
	s.websockets[1] = &websocketEnt{id: 1}
	s.mu.Unlock()
	paths := map[string]bool{"call": true, "sms": true, "agent_status": true, "contact": true, "changelog": true, "websockets": true}
	f.Fuzz(func(t *testing.T, kind, body string) {
		if !paths[kind] {
			return
		}
		path := "/api/v2/subscriptions/" + kind
		if kind == "websockets" {
			path = "/api/v2/websockets"
		}
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+DemoAPIKey)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
		case http.StatusBadRequest, http.StatusNotFound:
			var b errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil || b.Error.Message == "" {
				t.Fatalf("%d without the envelope: %s", rec.Code, rec.Body)
			}
		default:
			t.Fatalf("POST %s %q: %d %s", path, body, rec.Code, rec.Body)
		}
		// Keep the limits from turning later inputs into 400s.
		s.mu.Lock()
		for id := range s.subs {
			delete(s.subs, id)
		}
		s.mu.Unlock()
	})
}

// Any text in the token's place is refused cleanly; only a token the
// emulator minted passes.
func FuzzToken(f *testing.F) {
	s := New(Config{})
	f.Cleanup(func() { s.Close() })
	good := s.mintToken(scope{ws: 1}, "http://x")
	f.Add(good)
	f.Add("a.b.c")
	f.Add(good[:len(good)-1])
	f.Add(strings.Replace(good, ".", "..", 1))
	f.Fuzz(func(t *testing.T, tok string) {
		_, sc, err := s.checkToken(tok)
		if err == nil && (tok != good || sc.ws != 1) {
			t.Fatalf("a token the emulator did not mint passed: %q", tok)
		}
	})
}

// Any JSON is routed or refused without panicking.
func FuzzEventFacts(f *testing.F) {
	for _, seed := range []string{`{}`, `{"call_id":"1","state":"ringing","target":{"id":"x"}}`, `{"group_id":[1]}`, `{"contact":5}`, `7`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, event string) {
		fs, err := readFacts([]byte(event))
		if err != nil {
			return
		}
		for _, k := range Kinds {
			sub := subscription{kind: kinds[k], enabled: true, direction: "all", targetType: "user", targetID: 1}
			sub.matches(&fs)
		}
	})
}
