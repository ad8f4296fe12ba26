package pubnub_test

import (
	"crypto/aes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// rcpn is a RingCentral REST subscription API with PubNub delivery and
// the PubNub v2 subscribe long-poll behind it, written for these tests
// from shared/seeds/003 and shared/protocols/ringcentral-pubnub.md alone
// (§3, §5.1, §6): nothing of evtap's protocol/pubnub is used, so a
// mistake there cannot hide here. One server plays both hosts.
type rcpn struct {
	t     *testing.T
	clock *clock
	url   string
	hold  time.Duration // how long an empty poll is held

	mu       sync.Mutex
	subs     map[string]*tsub
	chans    map[string]*tchan
	n        int    // ids and channels made
	last     uint64 // the newest timetoken issued
	closed   chan struct{}
	drop     chan struct{} // closed to reset every held poll
	down     bool          // polls and /time/0 are reset at once
	refuse   int           // answer subscribe with this status (403, 400); 0: no
	renew404 bool          // the next renewal finds the subscription gone
	move     bool          // the next renewal moves the channel
	rotate   bool          // the next renewal rotates the key
	lifetime time.Duration
	log      []string // REST calls and PubNub requests, "METHOD path status"
	polls    int
	held     map[string]int // polls held now, by channel
	heldCh   chan struct{}  // closed and replaced when held changes
}

type tsub struct {
	id, channel, key string
	filters          []string
	exp              time.Time
}

type tchan struct {
	queue []tmsg
	wake  chan struct{}
}

type tmsg struct {
	tt  uint64
	at  time.Time
	env string
}

const (
	testSubKey   = "sub-c-evtap-test"
	testToken    = "AT-test-1"
	testClientID = "client-id"
	testSecret   = "client-secret"
	testJWT      = "jwt-credential"
)

func newRCPN(t *testing.T, clk *clock) *rcpn {
	s := &rcpn{t: t, clock: clk, hold: 20 * time.Second, subs: map[string]*tsub{}, chans: map[string]*tchan{},
		closed: make(chan struct{}), drop: make(chan struct{}), lifetime: 900 * time.Second,
		held: map[string]int{}, heldCh: make(chan struct{})}
	hs := httptest.NewServer(s)
	s.url = hs.URL
	t.Cleanup(func() {
		close(s.closed)
		hs.CloseClientConnections()
		hs.Close()
	})
	return s
}

func (s *rcpn) record(r *http.Request, status int) {
	s.mu.Lock()
	s.log = append(s.log, r.Method+" "+r.URL.Path+" "+strconv.Itoa(status))
	s.mu.Unlock()
}

func (s *rcpn) calls(prefix string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, c := range s.log {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}

func (s *rcpn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/restapi/oauth/token":
		s.token(w, r)
	case strings.HasPrefix(p, "/restapi/v1.0/subscription"):
		s.subscription(w, r, strings.Trim(strings.TrimPrefix(p, "/restapi/v1.0/subscription"), "/"))
	case strings.HasPrefix(p, "/v2/subscribe/"):
		s.subscribe(w, r)
	case p == "/time/0":
		if s.isDown() {
			s.reset(w)
			return
		}
		s.record(r, 200)
		pubnubJSON(w, 200, fmt.Sprintf("[%d]", s.timetoken()))
	case strings.HasPrefix(p, "/v2/presence/sub-key/"):
		s.record(r, 200)
		pubnubJSON(w, 200, `{"status":200,"message":"OK","service":"Presence","action":"leave"}`)
	default:
		http.NotFound(w, r)
	}
}

// pubnubJSON answers as PubNub does, Content-Type on errors too (§6.7).
func pubnubJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", `text/javascript; charset="UTF-8"`)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func rcJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func rcError(w http.ResponseWriter, status int, code, msg, param string) {
	rcJSON(w, status, map[string]any{"errorCode": code, "message": msg,
		"errors": []map[string]string{{"errorCode": code, "message": msg, "parameterName": param}}})
}

// token accepts the JWT grant with Basic client authentication (§3.1).
func (s *rcpn) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	_ = r.ParseForm()
	if !ok || id != testClientID || secret != testSecret || r.PostForm.Get("assertion") != testJWT {
		s.record(r, 400)
		rcJSON(w, 400, map[string]string{"error": "invalid_grant", "error_description": "bad credentials"})
		return
	}
	s.record(r, 200)
	rcJSON(w, 200, map[string]any{"access_token": testToken, "token_type": "bearer", "expires_in": 3600,
		"refresh_token": "RT", "refresh_token_expires_in": 604800, "owner_id": "222"})
}

// subscription is the REST resource (§3.2-3.5).
func (s *rcpn) subscription(w http.ResponseWriter, r *http.Request, id string) {
	if !strings.EqualFold(r.Header.Get("Authorization"), "bearer "+testToken) {
		s.record(r, 401)
		rcError(w, 401, "OAU-128", "Access token expired", "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	status := 200
	defer func() { s.log = append(s.log, r.Method+" /restapi/v1.0/subscription "+strconv.Itoa(status)) }()
	var body struct {
		EventFilters []string `json:"eventFilters"`
		DeliveryMode struct {
			TransportType string `json:"transportType"`
			Encryption    bool   `json:"encryption"`
		} `json:"deliveryMode"`
		ExpiresIn int `json:"expiresIn"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	sub := s.subs[id]
	switch {
	case r.Method == "POST" && id == "":
		if body.DeliveryMode.TransportType != "PubNub" || len(body.EventFilters) == 0 {
			status = 400
			rcError(w, 400, "SUB-508", "Invalid event filters", "eventFilters")
			return
		}
		s.n++
		sub = &tsub{id: fmt.Sprintf("sub-%d", s.n), channel: fmt.Sprintf("222_%04d", s.n), filters: body.EventFilters}
		encrypt := body.DeliveryMode.Encryption
		for _, f := range body.EventFilters {
			encrypt = encrypt || strings.Contains(f, "presence") // presence forces encryption (seed 003)
		}
		if encrypt {
			sub.key = newKey()
		}
		sub.exp = s.clock.Now().Add(s.lifetime)
		s.subs[sub.id] = sub
		rcJSON(w, 200, s.view(sub))
	case sub == nil:
		status = 404
		rcError(w, 404, "CMN-102", "Resource for parameter [subscriptionId] is not found", "subscriptionId")
	case r.Method == "PUT":
		if s.renew404 {
			s.renew404 = false
			delete(s.subs, id)
			status = 404
			rcError(w, 404, "CMN-102", "Resource for parameter [subscriptionId] is not found", "subscriptionId")
			return
		}
		if len(body.EventFilters) > 0 {
			sub.filters = body.EventFilters
		}
		if s.move {
			s.move = false
			s.n++
			sub.channel = fmt.Sprintf("222_%04d", s.n)
		}
		if s.rotate && sub.key != "" {
			s.rotate = false
			sub.key = newKey()
		}
		sub.exp = s.clock.Now().Add(s.lifetime)
		rcJSON(w, 200, s.view(sub))
	case r.Method == "DELETE":
		delete(s.subs, id)
		status = 204
		w.WriteHeader(204)
	default:
		rcJSON(w, 200, s.view(sub))
	}
}

func (s *rcpn) view(sub *tsub) map[string]any {
	dm := map[string]any{"transportType": "PubNub", "encryption": sub.key != "", "address": sub.channel, "subscriberKey": testSubKey}
	if sub.key != "" {
		dm["encryptionAlgorithm"], dm["encryptionKey"] = "AES", sub.key
	}
	now := s.clock.Now()
	return map[string]any{"id": sub.id, "uri": "/restapi/v1.0/subscription/" + sub.id, "status": "Active",
		"creationTime": now.UTC().Format("2006-01-02T15:04:05.000Z"), "expirationTime": sub.exp.UTC().Format("2006-01-02T15:04:05.000Z"),
		"expiresIn": int(sub.exp.Sub(now) / time.Second), "eventFilters": sub.filters, "deliveryMode": dm}
}

func newKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// ecb encrypts as the service does: AES-128-ECB, PKCS#7, base64 (§5.1).
func ecb(key string, plain []byte) string {
	k, _ := base64.StdEncoding.DecodeString(key)
	b, err := aes.NewCipher(k)
	if err != nil {
		panic(err)
	}
	pad := 16 - len(plain)%16
	buf := append(append([]byte(nil), plain...), []byte(strings.Repeat(string(rune(pad)), pad))...)
	for i := 0; i < len(buf); i += 16 {
		b.Encrypt(buf[i:i+16], buf[i:i+16])
	}
	return base64.StdEncoding.EncodeToString(buf)
}

// timetoken issues the next 17-digit timetoken: the clock in 100 ns
// units, strictly growing. Caller may hold mu (it takes no lock of
// its own beyond s.mu when not held): use timetokenLocked under mu.
func (s *rcpn) timetoken() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.timetokenLocked()
}

func (s *rcpn) timetokenLocked() uint64 {
	tt := uint64(s.clock.Now().UnixNano() / 100)
	if tt <= s.last {
		tt = s.last + 1
	}
	s.last = tt
	return tt
}

// queueTTL and queueMax are PubNub's queue: 20 minutes, 100 messages
// per channel (§6.4).
const (
	queueTTL = 20 * time.Minute
	queueMax = 100
)

func (s *rcpn) channel(name string) *tchan {
	c := s.chans[name]
	if c == nil {
		c = &tchan{wake: make(chan struct{})}
		s.chans[name] = c
	}
	return c
}

// publish sends a notification to every live subscription's channel,
// encrypted with its key (or with key when set, to simulate a wrong
// one), and returns the uuids.
func (s *rcpn) publish(n int, key string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, sub := range s.subs {
		if !s.clock.Now().Before(sub.exp) {
			continue // an expired subscription is no longer delivered
		}
		for range n {
			s.n++
			id := fmt.Sprintf("uuid-%05d", s.n)
			note := fmt.Sprintf(`{"uuid":"%s","event":"/restapi/v1.0/account/~/extension/222/presence","timestamp":"%s","subscriptionId":"%s","ownerId":"222","body":{"extensionId":222,"telephonyStatus":"Ringing","presenceStatus":"Busy"}}`,
				id, s.clock.Now().UTC().Format("2006-01-02T15:04:05.000Z"), sub.id)
			d := note
			if k := sub.key; k != "" || key != "" {
				if key != "" {
					k = key
				}
				b, _ := json.Marshal(ecb(k, []byte(note)))
				d = string(b)
			}
			s.enqueue(sub.channel, d)
			ids = append(ids, id)
		}
	}
	return ids
}

// enqueue adds one envelope to a channel's queue and wakes its polls.
// Caller holds mu.
func (s *rcpn) enqueue(channel, d string) {
	c := s.channel(channel)
	tt := s.timetokenLocked()
	env := fmt.Sprintf(`{"a":"3","f":0,"i":"rc-publisher","p":{"t":"%d","r":12},"k":"%s","c":"%s","b":"%s","d":%s}`, tt, testSubKey, channel, channel, d)
	c.queue = append(c.queue, tmsg{tt: tt, at: s.clock.Now(), env: env})
	if len(c.queue) > queueMax {
		c.queue = c.queue[len(c.queue)-queueMax:]
	}
	close(c.wake)
	c.wake = make(chan struct{})
}

func (s *rcpn) isDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.down
}

// reset cuts the connection with no answer, as a TCP reset would.
func (s *rcpn) reset(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			_ = c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// dropPolls resets every poll held now.
func (s *rcpn) dropPolls() {
	s.mu.Lock()
	close(s.drop)
	s.drop = make(chan struct{})
	s.mu.Unlock()
}

// subscribe is GET /v2/subscribe/{sk}/{ch}/0 (§6.1-6.4).
func (s *rcpn) subscribe(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/v2/subscribe/"), "/")
	if len(parts) != 3 {
		pubnubJSON(w, 400, `{"status":400,"error":true,"error_message":"Invalid Arguments","channels":{}}`)
		return
	}
	s.mu.Lock()
	s.polls++
	refuse, down := s.refuse, s.down
	s.mu.Unlock()
	switch {
	case down:
		s.reset(w)
		return
	case refuse == 403:
		s.record(r, 403)
		pubnubJSON(w, 403, `{"message":"Forbidden","payload":{"channels":["`+parts[1]+`"]},"error":true,"service":"Access Manager","status":403}`)
		return
	case refuse == 400 || parts[0] != testSubKey:
		s.record(r, 400)
		pubnubJSON(w, 400, `{"status":400,"error":true,"message":"Invalid Subscribe Key","service":"Access Manager"}`)
		return
	}
	channel := parts[1]
	tt := r.URL.Query().Get("tt")
	if tt == "" || tt == "0" {
		s.record(r, 200)
		pubnubJSON(w, 200, fmt.Sprintf(`{"t":{"t":"%d","r":12},"m":[]}`, s.timetoken()))
		return
	}
	from, err := strconv.ParseUint(tt, 10, 64)
	if err != nil {
		s.record(r, 400)
		pubnubJSON(w, 400, `{"status":400,"error":true,"error_message":"Invalid Arguments","channels":{}}`)
		return
	}
	hold := time.NewTimer(s.hold)
	defer hold.Stop()
	for {
		s.mu.Lock()
		c := s.channel(channel)
		cutoff := s.clock.Now().Add(-queueTTL)
		for len(c.queue) > 0 && c.queue[0].at.Before(cutoff) {
			c.queue = c.queue[1:] // older than 20 minutes: gone
		}
		var out []string
		newest := from
		for _, m := range c.queue {
			if m.tt > from {
				out = append(out, m.env)
				newest = m.tt
			}
		}
		wake, drop := c.wake, s.drop
		if len(out) == 0 {
			s.holding(channel, +1)
		}
		s.mu.Unlock()
		if len(out) > 0 {
			s.record(r, 200)
			pubnubJSON(w, 200, fmt.Sprintf(`{"t":{"t":"%d","r":12},"m":[%s]}`, newest, strings.Join(out, ",")))
			return
		}
		why := ""
		select {
		case <-wake:
			why = "wake"
		case <-hold.C:
			why = "hold"
		case <-drop:
			why = "drop"
		case <-r.Context().Done():
		case <-s.closed:
		}
		s.mu.Lock()
		s.holding(channel, -1)
		s.mu.Unlock()
		switch why {
		case "wake":
			continue
		case "hold":
			s.record(r, 200)
			pubnubJSON(w, 200, fmt.Sprintf(`{"t":{"t":"%d","r":12},"m":[]}`, from))
		case "drop":
			s.reset(w)
		}
		return // answered, reset, or the client went away
	}
}

// holding counts a poll held on channel. Caller holds mu.
func (s *rcpn) holding(channel string, d int) {
	s.held[channel] += d
	close(s.heldCh)
	s.heldCh = make(chan struct{})
}

// waitHeld waits until a poll is held on channel (any when "").
func (s *rcpn) waitHeld(channel string) {
	s.t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		n := 0
		for c, k := range s.held {
			if channel == "" || c == channel {
				n += k
			}
		}
		ch := s.heldCh
		s.mu.Unlock()
		if n > 0 {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			s.t.Fatalf("no poll held on %q", channel)
		}
	}
}

// channelOf is the channel of subscription id.
func (s *rcpn) channelOf(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sub := s.subs[id]; sub != nil {
		return sub.channel
	}
	return ""
}

// newest is the id of the subscription made last.
func (s *rcpn) newest() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	best, n := "", 0
	for id := range s.subs {
		if k, _ := strconv.Atoi(strings.TrimPrefix(id, "sub-")); k > n {
			best, n = id, k
		}
	}
	return best
}

// set changes the server's behaviour under its lock.
func (s *rcpn) set(f func(s *rcpn)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}
