package dialpad

// dpServer is a Dialpad-style server written for these tests from the
// documents alone (the seed, ../shared/protocols/dialpad.md and the
// spec), deliberately without protocol/dialpad's types, so that a
// misreading in the client is not repeated here:
//
//   - REST under /api/v2 with Bearer or ?apikey= auth: websockets
//     (create with an optional secret, list, get minting a fresh URL each
//     time, update the secret, delete returning the object) and the five
//     kinds of subscription (required direction, agent_type and
//     contact_type; ids written as strings, read as strings or numbers);
//   - the socket at /events/<token>: an HS256 JWT of its own (typ
//     vnd.dialpad.websocket+jwt, sub endpoint:<ws>:*, iat, exp in whole
//     seconds), refused at the handshake when bad or expired, cut without
//     a close frame at exp;
//   - events sent to every connection whose websocket has an enabled
//     subscription letting them through, as raw JSON or, with a secret,
//     as a compact HS256 JWS;
//   - test hooks: generate events, inject the next REST answer, cut
//     connections, change the secret behind the client's back.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const (
	testKey       = "dp-test-api-key-0123456789"
	serverSignKey = "the server's own token key"
)

type dpWebsocket struct {
	ID     string
	Secret string // "" : events as plain JSON
}

type dpSub struct {
	Type   string
	ID     string
	WS     string
	Fields map[string]any // the create/update body, endpoint_id removed
}

func (s *dpSub) enabled() bool {
	e, ok := s.Fields["enabled"].(bool)
	return !ok || e
}

// dpEvent is one event the server generated.
type dpEvent struct {
	callID string
	during bool // queued on some connection
}

type dpConn struct {
	n       int
	ws      string
	out     chan []byte
	mu      sync.Mutex // orders writes before the close echo
	closing bool
	c       *websocket.Conn
	cut     func()
}

type injected struct {
	method, prefix string
	status         int
	header         map[string]string
	body           string
}

type dpServer struct {
	t    *testing.T
	hs   *httptest.Server
	life time.Duration // token lifetime

	mu      sync.Mutex
	nextID  int64
	wss     map[string]*dpWebsocket
	subs    map[string]*dpSub // by id
	conns   map[*dpConn]bool
	connN   int
	opened  int // connections accepted
	events  []*dpEvent
	inject  []injected
	calls   []string // "METHOD path" of every REST request
	callSeq int64
}

func newDPServer(t *testing.T, life time.Duration) *dpServer {
	s := &dpServer{t: t, life: life, nextID: 5071678191976448, wss: map[string]*dpWebsocket{}, subs: map[string]*dpSub{}, conns: map[*dpConn]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v2/", s.rest)
	mux.HandleFunc("/events/", s.socket)
	s.hs = httptest.NewServer(mux)
	t.Cleanup(func() {
		s.mu.Lock()
		for c := range s.conns {
			c.cut()
		}
		s.mu.Unlock()
		s.hs.Close()
	})
	return s
}

func (s *dpServer) url() string { return s.hs.URL }

func (s *dpServer) newID() string {
	s.nextID += 7919
	return strconv.FormatInt(s.nextID, 10)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": status, "message": msg}})
}

// failNext makes the next request whose method and path match answer
// status with body.
func (s *dpServer) failNext(method, prefix string, status int, header map[string]string, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inject = append(s.inject, injected{method, prefix, status, header, body})
}

func (s *dpServer) restCalls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// idOf reads an id given as a JSON string or number.
func idOf(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, v != ""
	case json.Number:
		return v.String(), true
	}
	return "", false
}

func (s *dpServer) rest(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if key == "" {
		key = r.URL.Query().Get("apikey")
	}
	s.mu.Lock()
	s.calls = append(s.calls, r.Method+" "+r.URL.Path)
	for i, in := range s.inject {
		if in.method == r.Method && strings.HasPrefix(r.URL.Path, in.prefix) {
			s.inject = append(s.inject[:i], s.inject[i+1:]...)
			s.mu.Unlock()
			for k, v := range in.header {
				w.Header().Set(k, v)
			}
			w.WriteHeader(in.status)
			_, _ = w.Write([]byte(in.body))
			return
		}
	}
	s.mu.Unlock()
	if key != testKey {
		apiError(w, 401, "invalid api key")
		return
	}
	var body map[string]any
	if r.Method == http.MethodPost || r.Method == http.MethodPatch {
		d := json.NewDecoder(r.Body)
		d.UseNumber()
		if err := d.Decode(&body); err != nil {
			apiError(w, 400, "the body is not a JSON object")
			return
		}
	}
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/api/v2/"), "/"), "/")
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case parts[0] == "websockets":
		s.websockets(w, r, parts[1:], body)
	case parts[0] == "subscriptions" && len(parts) >= 2:
		s.subscriptions(w, r, parts[1], parts[2:], body)
	default:
		apiError(w, 404, "not found")
	}
}

func (s *dpServer) wsProto(ws *dpWebsocket) map[string]any {
	p := map[string]any{"id": ws.ID, "websocket_url": s.mintURL(ws.ID)}
	if ws.Secret != "" {
		p["signature"] = map[string]any{"algo": "HS256", "secret": ws.Secret, "type": "jwt"}
	}
	return p
}

// mintURL issues a websocket-wide URL whose token expires life from
// now, in whole seconds as JWT NumericDates are.
func (s *dpServer) mintURL(ws string) string {
	iat := time.Now().Unix()
	exp := iat + int64(s.life/time.Second)
	claims, _ := json.Marshal(map[string]any{"iss": "https://dialpad.test", "sub": "endpoint:" + ws + ":*", "iat": iat, "exp": exp})
	return "ws" + strings.TrimPrefix(s.hs.URL, "http") + "/events/" + hs256(`{"alg":"HS256","typ":"vnd.dialpad.websocket+jwt"}`, string(claims), serverSignKey)
}

func hs256(header, payload, key string) string {
	e := base64.RawURLEncoding
	in := e.EncodeToString([]byte(header)) + "." + e.EncodeToString([]byte(payload))
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(in))
	return in + "." + e.EncodeToString(m.Sum(nil))
}

func (s *dpServer) websockets(w http.ResponseWriter, r *http.Request, rest []string, body map[string]any) {
	if len(rest) == 0 {
		switch r.Method {
		case http.MethodPost:
			ws := &dpWebsocket{ID: s.newID()}
			if sec, ok := body["secret"].(string); ok {
				ws.Secret = sec
			}
			s.wss[ws.ID] = ws
			writeJSON(w, 200, s.wsProto(ws))
		case http.MethodGet:
			var items []any
			for _, ws := range s.wss {
				items = append(items, s.wsProto(ws))
			}
			writeJSON(w, 200, map[string]any{"items": items})
		default:
			apiError(w, 405, "method not allowed")
		}
		return
	}
	ws, ok := s.wss[rest[0]]
	if !ok {
		apiError(w, 404, "websocket not found")
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, 200, s.wsProto(ws))
	case http.MethodPatch:
		if sec, ok := body["secret"].(string); ok {
			ws.Secret = sec
		}
		writeJSON(w, 200, s.wsProto(ws))
	case http.MethodDelete:
		delete(s.wss, ws.ID)
		writeJSON(w, 200, s.wsProto(ws))
	default:
		apiError(w, 405, "method not allowed")
	}
}

// required are the fields the spec marks required on create.
var required = map[string]string{"sms": "direction", "agent_status": "agent_type", "contact": "contact_type"}

func (s *dpServer) subProto(sub *dpSub) map[string]any {
	p := map[string]any{"id": sub.ID}
	for k, v := range sub.Fields {
		p[k] = v
	}
	if _, ok := p["enabled"]; !ok {
		p["enabled"] = true
	}
	if sub.WS != "" {
		p["websocket"] = map[string]any{"id": sub.WS, "websocket_url": s.mintURL(sub.WS)}
	}
	return p
}

func (s *dpServer) subscriptions(w http.ResponseWriter, r *http.Request, typ string, rest []string, body map[string]any) {
	switch typ {
	case "call", "sms", "agent_status", "contact", "changelog":
	default:
		apiError(w, 404, "not found")
		return
	}
	if len(rest) == 0 {
		switch r.Method {
		case http.MethodPost:
			if f := required[typ]; f != "" && body[f] == nil {
				apiError(w, 400, f+" is required")
				return
			}
			ep, ok := idOf(body["endpoint_id"])
			if _, known := s.wss[ep]; !ok || !known {
				apiError(w, 400, "endpoint_id: no such websocket")
				return
			}
			delete(body, "endpoint_id")
			sub := &dpSub{Type: typ, ID: s.newID(), WS: ep, Fields: body}
			s.subs[sub.ID] = sub
			writeJSON(w, 200, s.subProto(sub))
		case http.MethodGet:
			var items []any
			for _, sub := range s.subs {
				if sub.Type == typ {
					items = append(items, s.subProto(sub))
				}
			}
			writeJSON(w, 200, map[string]any{"items": items})
		default:
			apiError(w, 405, "method not allowed")
		}
		return
	}
	sub, ok := s.subs[rest[0]]
	if !ok || sub.Type != typ {
		apiError(w, 404, typ+" subscription not found")
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, 200, s.subProto(sub))
	case http.MethodPatch:
		if typ == "contact" && body["contact_type"] == nil {
			apiError(w, 400, "contact_type is required")
			return
		}
		if ep, ok := idOf(body["endpoint_id"]); ok {
			sub.WS = ep
		}
		delete(body, "endpoint_id")
		for k, v := range body {
			sub.Fields[k] = v
		}
		writeJSON(w, 200, s.subProto(sub))
	case http.MethodDelete:
		delete(s.subs, sub.ID)
		writeJSON(w, 200, s.subProto(sub))
	default:
		apiError(w, 405, "method not allowed")
	}
}

// socket serves /events/<token>. The connection is registered before
// the upgrade completes, so a client that sees its socket open misses
// nothing sent after; at exp it is cut without a close frame.
func (s *dpServer) socket(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimPrefix(r.URL.Path, "/events/")
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || hs256FromParts(parts[0], parts[1], serverSignKey) != tok {
		http.Error(w, "invalid token", http.StatusUnauthorized)
		return
	}
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct {
		Sub string `json:"sub"`
		Exp int64  `json:"exp"`
	}
	_ = json.Unmarshal(raw, &claims)
	exp := time.Unix(claims.Exp, 0)
	ws := strings.TrimSuffix(strings.TrimPrefix(claims.Sub, "endpoint:"), ":*")
	s.mu.Lock()
	_, known := s.wss[ws]
	s.mu.Unlock()
	if !known || !time.Now().Before(exp) {
		http.Error(w, "token expired or websocket unknown", http.StatusUnauthorized)
		return
	}
	c := &dpConn{ws: ws, out: make(chan []byte, 8192)}
	s.mu.Lock()
	s.connN++
	c.n = s.connN
	s.conns[c] = true
	s.mu.Unlock()
	unregister := func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
	}
	conn, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
	if err != nil {
		unregister()
		return
	}
	var once sync.Once
	cut := func() {
		once.Do(func() {
			c.mu.Lock()
			c.closing = true
			c.mu.Unlock()
			_ = conn.NetConn().Close()
		})
	}
	s.mu.Lock()
	c.c, c.cut = conn, cut
	s.mu.Unlock()
	conn.SetCloseHandler(func(code int, _ string) error {
		c.mu.Lock()
		c.closing = true
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
		c.mu.Unlock()
		return nil
	})
	expiry := time.AfterFunc(time.Until(exp), cut)
	s.mu.Lock()
	s.opened++
	s.mu.Unlock()
	s.generate(1) // something for the overlap to deliver twice
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	defer func() {
		expiry.Stop()
		unregister()
		cut()
	}()
	for {
		select {
		case <-done:
			return
		case msg := <-c.out:
			c.mu.Lock()
			if c.closing {
				c.mu.Unlock()
				continue
			}
			err := conn.WriteMessage(websocket.TextMessage, msg)
			c.mu.Unlock()
			if err != nil {
				return
			}
		}
	}
}

func hs256FromParts(h, p, key string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(h + "." + p))
	return h + "." + p + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// generate makes n call events and sends each to every connection whose
// websocket has an enabled call subscription.
func (s *dpServer) generate(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.callSeq++
		id := strconv.FormatInt(7000000000000000+s.callSeq, 10)
		payload := fmt.Sprintf(`{"call_id":%s,"state":"ringing","direction":"inbound","external_number":"+14155550100","target":{"id":77,"type":"user","name":"Alice"},"master_call_id":null,"event_timestamp":%d}`, id, time.Now().UnixMilli())
		ev := &dpEvent{callID: id}
		s.events = append(s.events, ev)
		s.sendLocked(payload, "call", ev)
	}
}

// sendLocked queues payload on every connection that should get it.
// Caller holds mu.
func (s *dpServer) sendLocked(payload, typ string, ev *dpEvent) {
	for c := range s.conns {
		if !s.routes(c.ws, typ) {
			continue
		}
		ws := s.wss[c.ws]
		frame := []byte(payload)
		if ws != nil && ws.Secret != "" {
			frame = []byte(hs256(`{"alg":"HS256","typ":"JWT"}`, payload, ws.Secret))
		}
		if ev != nil {
			ev.during = true
		}
		select {
		case c.out <- frame:
		default:
			s.t.Errorf("connection %d: send queue full", c.n)
		}
	}
}

// sendSigned sends payload signed with secret, whatever the websocket's.
func (s *dpServer) sendSigned(payload, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.out <- []byte(hs256(`{"alg":"HS256","typ":"JWT"}`, payload, secret))
	}
}

func (s *dpServer) routes(ws, typ string) bool {
	for _, sub := range s.subs {
		if sub.WS == ws && sub.Type == typ && sub.enabled() {
			return true
		}
	}
	return false
}

// upgraded waits until the server's handler has at least one upgraded
// connection (a client sees its socket open a moment before) and
// returns them.
func (s *dpServer) upgraded(t *testing.T) []*dpConn {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.mu.Lock()
		var up []*dpConn
		for c := range s.conns {
			if c.c != nil {
				up = append(up, c)
			}
		}
		s.mu.Unlock()
		if len(up) > 0 {
			return up
		}
		if time.Now().After(deadline) {
			t.Fatal("no upgraded connection on the server")
		}
		time.Sleep(5 * time.Millisecond) // bounded by the deadline
	}
}

// closeAll sends a close frame on every upgraded connection.
func (s *dpServer) closeAll(t *testing.T, code int) {
	t.Helper()
	for _, c := range s.upgraded(t) {
		c.mu.Lock()
		c.closing = true
		_ = c.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, "bye"), time.Now().Add(time.Second))
		c.mu.Unlock()
	}
}

// cutAll ends every upgraded connection without a close frame, as a
// network failure would.
func (s *dpServer) cutAll(t *testing.T) {
	t.Helper()
	for _, c := range s.upgraded(t) {
		c.cut()
	}
}

func (s *dpServer) setSecret(ws, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wss[ws].Secret = secret
}

func (s *dpServer) connsOpened() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opened
}

func (s *dpServer) liveConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// state returns what the server holds: websocket ids and subscriptions.
func (s *dpServer) state() (wss []string, subs []*dpSub) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id := range s.wss {
		wss = append(wss, id)
	}
	for _, sub := range s.subs {
		c := *sub
		c.Fields = maps.Clone(sub.Fields)
		subs = append(subs, &c)
	}
	return wss, subs
}

func (s *dpServer) generated() []*dpEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}
