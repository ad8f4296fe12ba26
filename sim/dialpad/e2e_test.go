package dialpad

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// A client written from the seed document alone: create a websocket,
// create an event subscription with endpoint_id set to its id, open
// websocket_url and receive events; refresh the URL with GET
// /websockets/{id} and reconnect. It uses a real listener, the
// generator at its rate, and nothing of the package but New and Start.
func TestClientFromTheDocument(t *testing.T) {
	s := New(Config{Rate: 200, Seed: 99})
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })

	rest := func(method, path string, body any, out any) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path+"?apikey="+s.APIKey(), rd)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	var ws struct {
		ID           string `json:"id"`
		WebsocketURL string `json:"websocket_url"`
	}
	rest("POST", "/api/v2/websockets", map[string]any{}, &ws)
	var sub struct {
		ID string `json:"id"`
	}
	rest("POST", "/api/v2/subscriptions/call", map[string]any{"endpoint_id": ws.ID, "call_states": []string{"all"}}, &sub)

	receive := func(url string, n int) {
		t.Helper()
		conn, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		for i := 0; i < n; i++ {
			_ = conn.SetReadDeadline(time.Now().Add(waitFor))
			_, data, err := conn.ReadMessage()
			if err != nil {
				t.Fatalf("event %d: %v", i, err)
			}
			var ev struct {
				CallID *int64 `json:"call_id"`
				State  string `json:"state"`
			}
			if err := json.Unmarshal(data, &ev); err != nil || ev.CallID == nil || ev.State == "" {
				t.Fatalf("not a call event: %s", data)
			}
		}
	}
	receive(ws.WebsocketURL, 5)
	rest("GET", "/api/v2/websockets/"+ws.ID, nil, &ws)
	receive(ws.WebsocketURL, 5)
}
