package voipbin

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The tests talk to the emulator with a raw gorilla client written from
// the VoIPBin document and the notes, never with evtap's client.

const waitFor = 5 * time.Second

// Demo topics.
const (
	custTopic  = "customer_id:" + DemoCustomerID
	agentTopic = "agent_id:" + DemoAgentID
)

func startSim(t testing.TB, cfg Config) (*Server, string) {
	t.Helper()
	s := New(cfg)
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		s.Close()
		hs.Close()
	})
	return s, hs.URL
}

func wsURL(base, path string) string { return "ws" + strings.TrimPrefix(base, "http") + path }

// dial opens the socket with the request headers h; the query goes in
// path.
func dial(t testing.TB, base, path string, h http.Header) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(wsURL(base, path), h)
	if err == nil {
		t.Cleanup(func() { ws.Close() })
	}
	return ws, resp, err
}

// mustDial opens /v1.0/ws?token=tok.
func mustDial(t testing.TB, base, tok string) *websocket.Conn {
	t.Helper()
	ws, resp, err := dial(t, base, PathWS+"?token="+tok, nil)
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, status(resp))
	}
	return ws
}

func status(resp *http.Response) string {
	if resp == nil {
		return "no response"
	}
	return resp.Status
}

func send(t testing.TB, ws *websocket.Conn, typ string, topics ...string) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"type": typ, "topics": topics})
	if err := ws.WriteMessage(websocket.TextMessage, b); err != nil {
		t.Fatalf("send %s: %v", typ, err)
	}
}

// read returns the next text frame, failing after waitFor.
func read(t testing.TB, ws *websocket.Conn) []byte {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(waitFor))
	typ, b, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if typ != websocket.TextMessage {
		t.Fatalf("frame type %d, want text", typ)
	}
	return b
}

// readErr reads until the connection fails and returns the error.
func readErr(t testing.TB, ws *websocket.Conn) error {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(waitFor))
	for {
		if _, _, err := ws.ReadMessage(); err != nil {
			return err
		}
	}
}

// wantDroppedNoCloseFrame asserts the connection ended without a close
// frame: gorilla reports an EOF as 1006 (abnormal closure, a code no
// close frame may carry); a reset (the server closed with data from the
// client unread) comes as the socket's own error. A close frame or a read
// timeout fails.
func wantDroppedNoCloseFrame(t testing.TB, err error) {
	t.Helper()
	var ce *websocket.CloseError
	var ne net.Error
	switch {
	case errors.As(err, &ce):
		if ce.Code != websocket.CloseAbnormalClosure {
			t.Fatalf("connection closed with a close frame (%v), want a drop without one", err)
		}
	case errors.As(err, &ne) && ne.Timeout():
		t.Fatalf("connection still open: %v", err)
	case errors.Is(err, syscall.ECONNRESET):
	default:
		t.Fatalf("connection ended with %v, want a drop without a close frame", err)
	}
}

// flush proves that the server has applied every frame the client sent
// before it and delivered every event published before it, and returns
// those events' frames. VoIPBin never acknowledges, so it subscribes to
// one more topic — the old-format id topic of a fresh message id under
// scope ("customer_id:<c>" or "agent_id:<a>"), which exactly one topic
// string of that message matches — waits until the server has that topic,
// publishes the message and reads up to it. Each connection receives
// events in publication order, so nothing published before the marker can
// arrive after it. The caller's own topics must not match message events.
func flush(t testing.TB, s *Server, ws *websocket.Conn, scope string) [][]byte {
	t.Helper()
	s.mu.Lock()
	id := newUUID(s.ids).String()
	s.mu.Unlock()
	topic := scope + ":message:" + id
	send(t, ws, "subscribe", topic)
	waitUntil(t, "the flush topic to be subscribed", func() bool {
		for _, c := range s.Counters().Conns {
			if slices.Contains(c.Topics, topic) {
				return true
			}
		}
		return false
	})
	owner := ""
	if a, ok := strings.CutPrefix(scope, "agent_id:"); ok {
		owner = `,"owner_type":"agent","owner_id":"` + a + `"`
	}
	data := `{"id":"` + id + `","customer_id":"` + DemoCustomerID + `"` + owner + `,"type":"sms","text":"flush"}`
	if err := s.Inject(Injection{Type: "message_created", Data: json.RawMessage(data)}); err != nil {
		t.Fatal(err)
	}
	var got [][]byte
	for {
		b := read(t, ws)
		if bytes.Contains(b, []byte(id)) {
			return got
		}
		got = append(got, b)
	}
}

// inject publishes typ with data, failing the test on error.
func inject(t testing.TB, s *Server, typ, data string) {
	t.Helper()
	if err := s.Inject(Injection{Type: typ, Data: json.RawMessage(data)}); err != nil {
		t.Fatal(err)
	}
}

// callJSON is a minimal call resource of the demo customer.
func callJSON(id, owner string) string {
	if owner == "" {
		owner = nilUUID.String()
	}
	return `{"id":"` + id + `","customer_id":"` + DemoCustomerID + `","owner_type":"agent","owner_id":"` + owner + `","status":"ringing","direction":"incoming"}`
}

// postLogin posts body to /auth/login.
func postLogin(t testing.TB, base, body string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Post(base+PathLogin, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func loginBody(user, pass string) string {
	b, _ := json.Marshal(map[string]string{"username": user, "password": pass})
	return string(b)
}

// waitUntil polls cond until it holds or waitFor passes.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// fakeClock is a settable clock for token expiry.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
