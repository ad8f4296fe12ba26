package voipbin

// A VoIPBin-style server written in the test from the provider document
// and shared/protocols/voipbin.md alone (it does not use
// protocol/voipbin, so a mistake there cannot hide here): login, JWT and
// access-key authentication, topic validation that drops the connection
// without a close frame, raw-prefix matching with publication under both
// topic forms, and server pings.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const (
	tCustomer  = "5013bc52-da9a-11ee-844f-2fa34248de28"
	tAgent     = "9f3e1c2a-1b2c-4d5e-8f90-a1b2c3d4e5f6"
	tOther     = "11111111-2222-4333-8444-555555555555"
	tCall      = "c0ffee00-1234-4abc-9def-0123456789ab"
	tAccessKey = "vb_k3y5ecret0123456789"
	tUser      = "alice@example.com"
	tPassword  = "s3cret"
	jwtSecret  = "test-secret"
)

// vbServer is the fake. Its fields are guarded by mu.
type vbServer struct {
	t        *testing.T
	hs       *httptest.Server
	ping     time.Duration // server ping interval (A9: 10 s; short here)
	pongWait time.Duration // how long without a pong before the server drops a client (A9: 60 s)
	expire   string        // the expire claim login mints

	mu       sync.Mutex
	conns    []*vbConn
	queries  []string // the raw query of every upgrade request
	logins   int
	frames   []string // every text frame clients sent
	changed  chan struct{}
	accepted int // upgrades
}

// vbConn is one client connection.
type vbConn struct {
	ws        *websocket.Conn
	wmu       sync.Mutex // one writer of data frames at a time
	ident     identity
	subs      []string
	pongs     int
	closed    bool
	closeOnce sync.Once
}

// identity is who authenticated (A2): agent claims or an access key.
type identity struct {
	accessKey  bool
	agentID    string
	customerID string
	permission uint64
}

func newVBServer(t *testing.T) *vbServer {
	s := &vbServer{t: t, ping: 20 * time.Millisecond, pongWait: 2 * time.Second, expire: time.Now().Add(7 * 24 * time.Hour).UTC().Format("2006-01-02T15:04:05.000000Z"), changed: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /auth/login", s.login)
	mux.HandleFunc("GET /v1.0/ws", s.socket)
	s.hs = httptest.NewServer(mux)
	t.Cleanup(func() {
		s.hs.Close()
		s.dropAll()
	})
	return s
}

func (s *vbServer) url() string { return s.hs.URL }

// note wakes anyone waiting for a change.
func (s *vbServer) note() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor waits until cond (called with mu held) holds.
func (s *vbServer) waitFor(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		ok, ch := cond(), s.changed
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			s.t.Fatalf("server: timed out waiting for %s", what)
		}
	}
}

// mint makes an HS256 JWT with VoIPBin's claims (A0).
func mint(agentID, customerID string, permission uint64, expire string) string {
	enc := base64.RawURLEncoding.EncodeToString
	claims, _ := json.Marshal(map[string]any{"type": "agent", "expire": expire,
		"agent": map[string]any{"id": agentID, "customer_id": customerID, "username": tUser, "permission": permission}})
	head := enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc(claims)
	m := hmac.New(sha256.New, []byte(jwtSecret))
	m.Write([]byte(head))
	return head + "." + enc(m.Sum(nil))
}

// login: 200 with the token (and its cookie), or a bare 400 on any
// failure (A0).
func (s *vbServer) login(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.logins++
	s.note()
	s.mu.Unlock()
	var body struct{ Username, Password string }
	if json.NewDecoder(r.Body).Decode(&body) != nil || body.Username != tUser || body.Password != tPassword {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	tok := mint(tAgent, tCustomer, 0x20, s.expire)
	http.SetCookie(w, &http.Cookie{Name: "token", Value: tok, MaxAge: 604800, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"username": body.Username, "token": tok})
}

// authenticate reads the credential in the server's order (A2): cookie
// token, ?token=, Bearer, then accesskey (cookie or query). ?token= is
// always a JWT.
func (s *vbServer) authenticate(r *http.Request) (identity, bool) {
	tok := ""
	if c, err := r.Cookie("token"); err == nil {
		tok = c.Value
	} else if q := r.URL.Query().Get("token"); q != "" {
		tok = q
	} else if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		tok = b
	}
	if tok != "" {
		return verify(tok)
	}
	key := r.URL.Query().Get("accesskey")
	if c, err := r.Cookie("accesskey"); err == nil {
		key = c.Value
	}
	if key == tAccessKey {
		return identity{accessKey: true, customerID: tCustomer, permission: 0x20}, true
	}
	return identity{}, false
}

func verify(tok string) (identity, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return identity{}, false
	}
	m := hmac.New(sha256.New, []byte(jwtSecret))
	m.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, m.Sum(nil)) {
		return identity{}, false
	}
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var c struct {
		Type   string
		Expire string
		Agent  struct {
			ID         string `json:"id"`
			CustomerID string `json:"customer_id"`
			Permission uint64 `json:"permission"`
		}
	}
	if json.Unmarshal(payload, &c) != nil || (c.Type != "" && c.Type != "agent") {
		return identity{}, false
	}
	// expire is compared as a string with the current time (A2).
	if c.Expire < time.Now().UTC().Format("2006-01-02T15:04:05.000000Z") {
		return identity{}, false
	}
	return identity{agentID: c.Agent.ID, customerID: c.Agent.CustomerID, permission: c.Agent.Permission}, true
}

func (s *vbServer) socket(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.queries = append(s.queries, r.URL.RawQuery)
	s.note()
	s.mu.Unlock()
	id, ok := s.authenticate(r)
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":{"status":"UNAUTHENTICATED","reason":"INVALID_CREDENTIALS","message":"invalid credentials","request_id":"r-1"}}`))
		return
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &vbConn{ws: ws, ident: id}
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.accepted++
	s.note()
	s.mu.Unlock()
	go s.pinger(c)
	s.serve(c) // sends nothing first: no greeting, no ack (A1)
}

// pinger pings every interval; the read deadline is reset only by a pong
// (A9).
func (s *vbServer) pinger(c *vbConn) {
	t := time.NewTicker(s.ping)
	defer t.Stop()
	for range t.C {
		if c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(time.Second)) != nil {
			return
		}
		s.mu.Lock()
		closed := c.closed
		s.mu.Unlock()
		if closed {
			return
		}
	}
}

func (s *vbServer) serve(c *vbConn) {
	defer s.kill(c)
	_ = c.ws.SetReadDeadline(time.Now().Add(s.pongWait))
	c.ws.SetPongHandler(func(string) error {
		s.mu.Lock()
		c.pongs++
		s.note()
		s.mu.Unlock()
		return c.ws.SetReadDeadline(time.Now().Add(s.pongWait))
	})
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		if typ == websocket.BinaryMessage {
			return // a binary frame closes the connection (A3)
		}
		var m struct {
			Type   string   `json:"type"`
			Topics []string `json:"topics"`
		}
		s.mu.Lock()
		s.frames = append(s.frames, string(data))
		s.note()
		s.mu.Unlock()
		if json.Unmarshal(data, &m) != nil {
			continue // logged and ignored
		}
		for _, topic := range m.Topics {
			if !allowed(c.ident, topic) {
				return // the deferred close: no close frame (A3)
			}
		}
		s.mu.Lock()
		switch m.Type {
		case "subscribe":
			for _, topic := range m.Topics {
				if !slices.Contains(c.subs, topic) {
					c.subs = append(c.subs, topic)
				}
			}
		case "unsubscribe":
			for _, topic := range m.Topics {
				if i := slices.Index(c.subs, topic); i >= 0 {
					c.subs = slices.Delete(c.subs, i, i+1)
				}
			}
		}
		s.note()
		s.mu.Unlock()
	}
}

// allowed is validateTopics (A4).
func allowed(id identity, topic string) bool {
	parts := strings.Split(topic, ":")
	if len(parts) < 2 || !isUUID(parts[1]) || parts[1] == "00000000-0000-0000-0000-000000000000" {
		return false
	}
	if parts[0] != "customer_id" && parts[0] != "agent_id" {
		return false
	}
	if id.permission&0x1 != 0 {
		return true
	}
	if parts[0] == "agent_id" {
		return !id.accessKey && parts[1] == id.agentID
	}
	return parts[1] == id.customerID && (id.accessKey || id.permission&(0x20|0x40) != 0)
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

// kill drops a connection without a close frame.
func (s *vbServer) kill(c *vbConn) {
	c.closeOnce.Do(func() {
		s.mu.Lock()
		c.closed = true
		s.note()
		s.mu.Unlock()
		_ = c.ws.Close()
	})
}

func (s *vbServer) dropAll() {
	s.mu.Lock()
	conns := slices.Clone(s.conns)
	s.mu.Unlock()
	for _, c := range conns {
		s.kill(c)
	}
}

// live returns the connections not closed. Caller holds mu.
func (s *vbServer) live() []*vbConn {
	var out []*vbConn
	for _, c := range s.conns {
		if !c.closed {
			out = append(out, c)
		}
	}
	return out
}

// topicsFor is createTopics (A7) for a resource with id, customer and
// owner: old format, then new format with the resource as namespace.
func topicsFor(eventType, id, customerID, ownerID string) []string {
	x, _, _ := strings.Cut(eventType, "_")
	out := []string{"customer_id:" + customerID + ":" + x + ":" + id}
	if ownerID != "" {
		out = append(out, "agent_id:"+ownerID+":"+x+":"+id)
	}
	out = append(out, "customer_id:"+customerID+":"+x+":"+eventType+":"+id)
	if ownerID != "" {
		out = append(out, "agent_id:"+ownerID+":"+x+":"+eventType+":"+id)
	}
	return out
}

// publish sends payload to every connection once per topic string one of
// its subscriptions is a raw prefix of (A5), and returns how many frames
// each connection got.
func (s *vbServer) publish(eventType, id, ownerID, payload string) int {
	s.mu.Lock()
	conns := s.live()
	var plan []int
	for _, c := range conns {
		n := 0
		for _, topic := range topicsFor(eventType, id, tCustomer, ownerID) {
			for _, sub := range c.subs {
				if strings.HasPrefix(topic, sub) {
					n++
					break
				}
			}
		}
		plan = append(plan, n)
	}
	s.mu.Unlock()
	total := 0
	for i, c := range conns {
		c.wmu.Lock()
		for range plan[i] {
			_ = c.ws.WriteMessage(websocket.TextMessage, []byte(payload))
		}
		c.wmu.Unlock()
		total += plan[i]
	}
	return total
}

// callJSON is a call resource as the socket carries it (A11).
func callJSON(status, hangupBy, reason, update string) string {
	return `{"id":"` + tCall + `","customer_id":"` + tCustomer + `","owner_type":"agent","owner_id":"` + tAgent + `",` +
		`"type":"flow","master_call_id":"00000000-0000-0000-0000-000000000000","chained_call_ids":[],` +
		`"source":{"type":"tel","target":"+821100000001"},"destination":{"type":"tel","target":"+821100000002"},` +
		`"status":"` + status + `","direction":"outgoing","hangup_by":"` + hangupBy + `","hangup_reason":"` + reason + `",` +
		`"tm_create":"2026-08-22T10:00:00Z","tm_update":"` + update + `"}`
}
