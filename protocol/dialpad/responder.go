package dialpad

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/evtap/evtap/protocol"
)

// Responder plays Dialpad's REST side for `evtap replay --serve`, so that
// a client (evtap itself with --server, the Python SDK with base_url, a
// script) gets through its set-up against a recording: websockets are
// created and fetched with a websocket_url pointing back at the replay,
// subscriptions are echoed with an id, and lists are empty. The socket is
// receive-only: every recorded event frame is played, nothing is
// answered. It has the methods of replay.Responder. After Learn it only
// reads (and counts ids atomically), so every client may use it at once.
type Responder struct {
	ws     string        // the recorded websocket's id
	signed bool          // the recorded websocket had a secret
	issued time.Time     // the last recorded moment: the replay's tokens are issued then
	life   time.Duration // the recorded tokens' lifetime
	nextID atomic.Int64
}

// ReplayTokenKey signs the URL tokens a replay hands out; nobody
// verifies them (a client cannot verify Dialpad's either).
const ReplayTokenKey = "evtap-replay"

// NewResponder returns a Responder that has learnt nothing yet.
func NewResponder() *Responder {
	r := &Responder{ws: "1000", life: DefaultLifetime}
	r.nextID.Store(2000)
	return r
}

// Learn keeps the recorded websocket's id, whether it signed its events,
// its tokens' lifetime, and the time of the last recorded Update.
func (r *Responder) Learn(u protocol.Update) {
	if !u.Time.IsZero() {
		r.issued = u.Time
	}
	if u.Kind != protocol.KindRecv || u.Frame == nil || u.Frame.Op != protocol.OpHTTP {
		return
	}
	var resp protocol.HTTPResponse
	if json.Unmarshal([]byte(u.Frame.Data), &resp) != nil || resp.Status/100 != 2 {
		return
	}
	res, ok := ParseResource(resp.URL)
	if !ok || !res.Websocket || resp.Method == http.MethodDelete {
		return
	}
	var w WebsocketProto
	if json.Unmarshal([]byte(resp.Body), &w) != nil || w.ID == "" {
		return
	}
	r.ws, r.signed = string(w.ID), w.Signature != nil
	if raw, err := TokenFromURL(w.WebsocketURL); err == nil {
		if t, err := DecodeToken(raw); err == nil && t.Lifetime() > 0 {
			r.life = t.Lifetime()
		}
	}
}

// Replay plays every recorded frame: all of them are events.
func (r *Responder) Replay(protocol.Frame) bool { return true }

// Answer answers nothing: Dialpad's socket ignores what a client sends.
func (r *Responder) Answer(protocol.Opcode, []byte) [][]byte { return nil }

// HTTP answers the websockets and subscriptions REST calls.
func (r *Responder) HTTP(req protocol.HTTPRequest) (protocol.HTTPResponse, bool) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return protocol.HTTPResponse{}, false
	}
	res, ok := ParseResource(req.URL)
	if !ok {
		return protocol.HTTPResponse{}, false
	}
	var body any
	switch {
	case res.Websocket && res.ID == "" && req.Method == http.MethodGet:
		body = WebsocketCollection{Items: []WebsocketProto{r.websocket(u.Host, r.ws)}}
	case res.Websocket && res.ID == "" && req.Method == http.MethodPost:
		body = r.websocket(u.Host, r.ws)
	case res.Websocket && res.ID != "":
		body = r.websocket(u.Host, res.ID)
	case res.ID == "" && req.Method == http.MethodGet:
		body = SubscriptionCollection{}
	default:
		var p map[string]any
		if json.Unmarshal([]byte(req.Body), &p) != nil || p == nil {
			p = map[string]any{}
		}
		id := res.ID
		if id == "" {
			id = strconv.FormatInt(r.nextID.Add(1), 10)
		}
		ws := r.ws
		if ep, ok := p["endpoint_id"]; ok {
			if b, err := json.Marshal(ep); err == nil {
				var v ID
				if json.Unmarshal(b, &v) == nil && v != "" {
					ws = string(v)
				}
			}
			delete(p, "endpoint_id")
		}
		p["id"] = id
		p["websocket"] = r.websocket(u.Host, ws)
		body = p
	}
	b, _ := json.Marshal(body)
	return protocol.HTTPResponse{Status: http.StatusOK, Header: map[string]string{"Content-Type": "application/json"}, Body: string(b)}, true
}

// websocket is the websocket the replay hands out: its URL points at the
// replay server, with a token issued at the last recorded moment.
func (r *Responder) websocket(host, id string) WebsocketProto {
	w := WebsocketProto{ID: ID(id), WebsocketURL: "ws://" + host + EventsPrefix + r.token(id)}
	if r.signed {
		w.Signature = &SignatureProto{Algo: "HS256", Type: "jwt"}
	}
	return w
}

func (r *Responder) token(ws string) string {
	iat := r.issued
	if iat.IsZero() {
		iat = time.Unix(0, 0)
	}
	claims, _ := json.Marshal(map[string]any{"iss": "evtap replay", "sub": "endpoint:" + ws + ":*",
		"iat": iat.Unix(), "exp": iat.Add(r.life).Unix()})
	e := base64.RawURLEncoding
	in := e.EncodeToString([]byte(`{"alg":"HS256","typ":"`+TokenType+`"}`)) + "." + e.EncodeToString(claims)
	m := hmac.New(sha256.New, []byte(ReplayTokenKey))
	m.Write([]byte(in))
	return in + "." + strings.TrimRight(e.EncodeToString(m.Sum(nil)), "=")
}
