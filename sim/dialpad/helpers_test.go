package dialpad

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The tests talk to the emulator over HTTP and WebSocket with the
// standard library and gorilla only, never with evtap's client, so the
// two cannot agree on a mistake.

const waitFor = 5 * time.Second

// clock is a settable clock for tokens, expiry and rate limits.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).UnixNano())
	return c
}

func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

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

// reply is a REST answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("answer %d is not JSON: %v: %s", r.status, err, r.body)
	}
}

// apiError reads the error envelope, failing if the answer has none.
func (r reply) apiError(t testing.TB) errorDetail {
	t.Helper()
	var b errorBody
	r.decode(t, &b)
	if b.Error.Code != r.status || b.Error.Message == "" || len(b.Error.Errors) != 1 {
		t.Fatalf("error body does not have the envelope: %s", r.body)
	}
	return b.Error
}

// call sends a REST request with the demo key as a bearer token; body
// may be nil, a string (sent verbatim) or a value (sent as JSON).
func call(t testing.TB, base, method, path string, body any) reply {
	t.Helper()
	return callWith(t, method, base+path, body, func(h http.Header) { h.Set("Authorization", "Bearer "+DemoAPIKey) })
}

func callWith(t testing.TB, method, url string, body any, hdr func(http.Header)) reply {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if hdr != nil {
		hdr(req.Header)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, data}
}

// wsJSON and subJSON are the resources as a client reads them.
type wsJSON struct {
	ID        string `json:"id"`
	Signature *struct {
		Algo, Secret, Type string
	} `json:"signature"`
	WebsocketURL string `json:"websocket_url"`
}

type subJSON struct {
	ID              string   `json:"id"`
	Enabled         *bool    `json:"enabled"`
	CallStates      []string `json:"call_states"`
	GroupCallsOnly  *bool    `json:"group_calls_only"`
	TargetType      string   `json:"target_type"`
	TargetID        string   `json:"target_id"`
	Direction       string   `json:"direction"`
	IncludeInternal *bool    `json:"include_internal"`
	Status          *bool    `json:"status"`
	AgentType       string   `json:"agent_type"`
	ContactType     string   `json:"contact_type"`
	Websocket       *wsJSON  `json:"websocket"`
}

func mustOK(t testing.TB, r reply) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("want 200, got %d: %s", r.status, r.body)
	}
}

func createWebsocket(t testing.TB, base, secret string) wsJSON {
	t.Helper()
	var body any
	if secret != "" {
		body = map[string]string{"secret": secret}
	}
	r := call(t, base, "POST", "/api/v2/websockets", body)
	mustOK(t, r)
	var w wsJSON
	r.decode(t, &w)
	return w
}

func createSub(t testing.TB, base, kind string, body map[string]any) subJSON {
	t.Helper()
	r := call(t, base, "POST", "/api/v2/subscriptions/"+kind, body)
	mustOK(t, r)
	var s subJSON
	r.decode(t, &s)
	return s
}

// client is a gorilla connection to a websocket_url.
type client struct {
	t  testing.TB
	ws *websocket.Conn
}

func dial(t testing.TB, url string) *client {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial: %v (HTTP %d)", err, status)
	}
	t.Cleanup(func() { ws.Close() })
	return &client{t: t, ws: ws}
}

// read returns the next text frame, failing after waitFor.
func (c *client) read() []byte {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(waitFor))
	typ, data, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	if typ != websocket.TextMessage {
		c.t.Fatalf("want a text frame, got type %d", typ)
	}
	return data
}

// readEvent reads a frame holding unsigned event JSON.
func (c *client) readEvent() map[string]any {
	c.t.Helper()
	data := c.read()
	var ev map[string]any
	if err := json.Unmarshal(data, &ev); err != nil {
		c.t.Fatalf("frame is not event JSON: %v: %s", err, data)
	}
	return ev
}

// readErr reads until the connection fails and returns the error.
func (c *client) readErr() error {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(waitFor))
	for {
		if _, _, err := c.ws.ReadMessage(); err != nil {
			return err
		}
	}
}

// eventually polls cond until it holds or waitFor passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// decodeJWT splits a compact JWS into its decoded header and claims
// without checking the signature.
func decodeJWT(t testing.TB, tok string) (map[string]any, map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %q", tok)
	}
	var h, c map[string]any
	for i, v := range []*map[string]any{&h, &c} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("part %d is not base64url: %v", i, err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("part %d is not JSON: %v", i, err)
		}
	}
	return h, c
}

func tokenOf(t testing.TB, url string) string {
	t.Helper()
	i := strings.Index(url, "/events/")
	if i < 0 {
		t.Fatalf("websocket_url %q has no /events/ path", url)
	}
	return url[i+len("/events/"):]
}

// verifyJWS checks an HS256 compact JWS with key, written here from RFC
// 7515 rather than with the package's own code.
func verifyJWS(tok string, key []byte) ([]byte, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, false
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, m.Sum(nil)) {
		return nil, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	return payload, err == nil
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
