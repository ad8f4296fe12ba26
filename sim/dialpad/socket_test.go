package dialpad

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// injectCall routes a minimal call event for user 7.
func injectCall(t *testing.T, s *Server, id int, state string) {
	t.Helper()
	ev := `{"call_id":` + itoa(id) + `,"state":"` + state + `","target":{"id":7,"type":"user"}}`
	if _, err := s.Inject("call", []byte(ev)); err != nil {
		t.Fatal(err)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// waitConns waits until n connections are open with their scope
// registered (a dial returns before the server has done that).
func waitConns(t *testing.T, s *Server, n int) {
	t.Helper()
	eventually(t, "connections to register", func() bool { return len(s.Counters().Conns) == n })
}

// waitConn waits until connection id is registered.
func waitConn(t *testing.T, s *Server, id string) {
	t.Helper()
	eventually(t, "connection "+id+" to register", func() bool {
		for _, c := range s.Counters().Conns {
			if c.ID == id {
				return true
			}
		}
		return false
	})
}

// A websocket-wide URL gets the events of every subscription on the
// websocket; a subscription's URL only that subscription's; two clients
// on one URL both get them; nothing comes first (no greeting).
func TestEventsReachConnectionsInScope(t *testing.T) {
	s, base := startSim(t, Config{})
	w := createWebsocket(t, base, "")
	calls := createSub(t, base, "call", map[string]any{"endpoint_id": w.ID})
	sms := createSub(t, base, "sms", map[string]any{"endpoint_id": w.ID, "direction": "all"})
	wide1, wide2 := dial(t, w.WebsocketURL), dial(t, w.WebsocketURL)
	smsOnly := dial(t, sms.Websocket.WebsocketURL)
	waitConns(t, s, 3)

	injectCall(t, s, 1, "ringing")
	if _, err := s.Inject("sms", []byte(`{"id":2,"direction":"inbound","target":{"id":7,"type":"user"}}`)); err != nil {
		t.Fatal(err)
	}
	for i, c := range []*client{wide1, wide2} {
		if ev := c.readEvent(); ev["call_id"] != 1.0 || ev["state"] != "ringing" {
			t.Errorf("wide client %d: first frame %v, want the call event", i, ev)
		}
		if ev := c.readEvent(); ev["id"] != 2.0 {
			t.Errorf("wide client %d: second frame %v, want the sms event", i, ev)
		}
	}
	if ev := smsOnly.readEvent(); ev["id"] != 2.0 {
		t.Errorf("sms-scoped client got %v first, want only the sms event", ev)
	}
	_ = calls
}

// With a secret, every frame is a compact HS256 JWS of the event; after
// PATCHing the secret the next frame verifies with the new secret and
// not the old one.
func TestSignedFramesFollowTheSecret(t *testing.T) {
	s, base := startSim(t, Config{})
	w := createWebsocket(t, base, "first")
	createSub(t, base, "call", map[string]any{"endpoint_id": w.ID})
	c := dial(t, w.WebsocketURL)
	waitConns(t, s, 1)

	injectCall(t, s, 1, "ringing")
	frame := string(c.read())
	payload, ok := verifyJWS(frame, []byte("first"))
	if !ok {
		t.Fatalf("frame does not verify with the secret: %s", frame)
	}
	var ev map[string]any
	if err := json.Unmarshal(payload, &ev); err != nil || ev["call_id"] != 1.0 {
		t.Fatalf("payload is not the event: %s", payload)
	}
	h, _ := decodeJWT(t, frame)
	if h["alg"] != "HS256" {
		t.Errorf("frame header %v", h)
	}

	mustOK(t, call(t, base, "PATCH", "/api/v2/websockets/"+w.ID, map[string]string{"secret": "second"}))
	injectCall(t, s, 2, "ringing")
	frame = string(c.read())
	if _, ok := verifyJWS(frame, []byte("first")); ok {
		t.Error("a frame after the PATCH still verifies with the old secret")
	}
	if _, ok := verifyJWS(frame, []byte("second")); !ok {
		t.Error("a frame after the PATCH does not verify with the new secret")
	}

	// An empty secret switches signing off.
	mustOK(t, call(t, base, "PATCH", "/api/v2/websockets/"+w.ID, map[string]string{"secret": ""}))
	injectCall(t, s, 3, "ringing")
	if ev := c.readEvent(); ev["call_id"] != 3.0 {
		t.Errorf("unsigned frame: %v", ev)
	}
}

// At token expiry the socket is cut without a close frame: the client
// sees an abnormal closure (1006), as behind Cloud Run.
func TestExpiryCutsWithoutCloseFrame(t *testing.T) {
	clk := newClock()
	s, base := startSim(t, Config{Now: clk.now, TokenLifetime: 10 * time.Second})
	w := createWebsocket(t, base, "")
	c := dial(t, w.WebsocketURL)
	waitConns(t, s, 1)
	clk.advance(9 * time.Second)
	createSub(t, base, "call", map[string]any{"endpoint_id": w.ID})
	injectCall(t, s, 1, "ringing")
	c.readEvent() // still open a second before exp
	clk.advance(time.Second)
	err := c.readErr()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseAbnormalClosure {
		t.Fatalf("want an abnormal closure (no close frame), got %v", err)
	}
	eventually(t, "the connection to be forgotten", func() bool { return s.Counters().Open == 0 })
	if got := s.Counters().Expired; got != 1 {
		t.Errorf("expired = %d", got)
	}
}

// The clean option closes with 1000 instead.
func TestExpiryCleanClose(t *testing.T) {
	clk := newClock()
	s, base := startSim(t, Config{Now: clk.now, TokenLifetime: 5 * time.Second, ExpiryClose: CloseClean})
	w := createWebsocket(t, base, "")
	c := dial(t, w.WebsocketURL)
	waitConns(t, s, 1)
	clk.advance(5 * time.Second)
	var ce *websocket.CloseError
	if err := c.readErr(); !errors.As(err, &ce) || ce.Code != websocket.CloseNormalClosure {
		t.Fatalf("want a 1000 close, got %v", err)
	}
}

// With CloseAt "open", a connection lasts the lifetime from when it
// opened, whatever its token's exp.
func TestCloseAfterLifetimeFromOpen(t *testing.T) {
	clk := newClock()
	s, base := startSim(t, Config{Now: clk.now, TokenLifetime: 10 * time.Second, CloseAt: AfterLifetime})
	w := createWebsocket(t, base, "")
	clk.advance(8 * time.Second) // the token has 2 s left
	c := dial(t, w.WebsocketURL)
	waitConns(t, s, 1)
	if got := s.Counters().Conns[0].Deadline; !got.Equal(clk.now().Add(10 * time.Second)) {
		t.Fatalf("deadline %v, want open + 10 s", got)
	}
	clk.advance(5 * time.Second) // past the token's exp, within the connection's life
	createSub(t, base, "call", map[string]any{"endpoint_id": w.ID})
	injectCall(t, s, 1, "ringing")
	c.readEvent()
	clk.advance(5 * time.Second)
	if err := c.readErr(); err == nil {
		t.Fatal("still open after its lifetime")
	}
}

// Whatever a client sends is ignored: the connection stays and events
// keep coming.
func TestClientFramesAreIgnored(t *testing.T) {
	s, base := startSim(t, Config{})
	w := createWebsocket(t, base, "")
	createSub(t, base, "call", map[string]any{"endpoint_id": w.ID})
	c := dial(t, w.WebsocketURL)
	waitConns(t, s, 1)
	for _, msg := range []string{"Hello World!", DemoAPIKey, `{"subscribe":"all"}`} {
		if err := c.ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.ws.WriteMessage(websocket.BinaryMessage, []byte{0, 1, 2}); err != nil {
		t.Fatal(err)
	}
	injectCall(t, s, 1, "ringing")
	if ev := c.readEvent(); ev["call_id"] != 1.0 {
		t.Fatalf("got %v", ev)
	}
}

// Deleting a websocket ends its connections; deleting a subscription
// ends the connections scoped to it.
func TestDeleteEndsConnections(t *testing.T) {
	s, base := startSim(t, Config{})
	w := createWebsocket(t, base, "")
	sub := createSub(t, base, "call", map[string]any{"endpoint_id": w.ID})
	wide := dial(t, w.WebsocketURL)
	scoped := dial(t, sub.Websocket.WebsocketURL)
	waitConns(t, s, 2)
	mustOK(t, call(t, base, "DELETE", "/api/v2/subscriptions/call/"+sub.ID, nil))
	if err := scoped.readErr(); err == nil {
		t.Fatal("scoped connection survived its subscription")
	}
	waitConns(t, s, 1)
	mustOK(t, call(t, base, "DELETE", "/api/v2/websockets/"+w.ID, nil))
	if err := wide.readErr(); err == nil {
		t.Fatal("connection survived its websocket")
	}
}

// An event matching two subscriptions of one websocket is delivered once
// per subscription, as to a webhook: a websocket-wide connection gets it
// twice, each subscription's own connection once.
func TestDeliveryIsPerSubscription(t *testing.T) {
	s, base := startSim(t, Config{})
	w := createWebsocket(t, base, "")
	a := createSub(t, base, "call", map[string]any{"endpoint_id": w.ID})
	createSub(t, base, "call", map[string]any{"endpoint_id": w.ID, "call_states": []string{"ringing"}})
	wide, scoped := dial(t, w.WebsocketURL), dial(t, a.Websocket.WebsocketURL)
	waitConns(t, s, 2)
	injectCall(t, s, 1, "ringing")
	injectCall(t, s, 2, "hangup") // only a's
	for _, want := range []float64{1, 1, 2} {
		if ev := wide.readEvent(); ev["call_id"] != want {
			t.Fatalf("wide: got call %v, want %v", ev["call_id"], want)
		}
	}
	for _, want := range []float64{1, 2} {
		if ev := scoped.readEvent(); ev["call_id"] != want {
			t.Fatalf("scoped: got call %v, want %v", ev["call_id"], want)
		}
	}
}
