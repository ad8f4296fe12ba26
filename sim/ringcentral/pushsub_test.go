package ringcentral

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/sim/pubnub"
)

// The REST subscriptions over PubNub are tested with net/http as the
// PubNub-era SDKs speak them, and their notifications fetched from the
// PubNub long-poll as pubnub 4.37 fetches them.

// noKeepAlive opens a connection per request, so a reset poll is not
// retried by Go's transport.
var noKeepAlive = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

type rest struct {
	t     testing.TB
	base  string
	token string
}

func newRest(t testing.TB, base string) *rest {
	return &rest{t: t, base: base, token: login(t, base).AccessToken}
}

// do sends a REST call and returns the status and body.
func (r *rest) do(method, path, body string) (int, []byte) {
	r.t.Helper()
	req, _ := http.NewRequest(method, r.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "bearer "+r.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := noKeepAlive.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (r *rest) create(body string) pushInfo {
	r.t.Helper()
	status, b := r.do("POST", pathSubscription, body)
	if status != 200 {
		r.t.Fatalf("create: %d %s", status, b)
	}
	var info pushInfo
	if err := json.Unmarshal(b, &info); err != nil {
		r.t.Fatal(err)
	}
	return info
}

func createBody(filters ...string) string {
	b, _ := json.Marshal(map[string]any{"eventFilters": filters, "deliveryMode": map[string]any{"transportType": "PubNub"}})
	return string(b)
}

func (r *rest) renew(id, body string) pushInfo {
	r.t.Helper()
	status, b := r.do("PUT", pathSubscription+"/"+id, body)
	if status != 200 {
		r.t.Fatalf("renew: %d %s", status, b)
	}
	var info pushInfo
	_ = json.Unmarshal(b, &info)
	return info
}

// errorCode reads the top-level errorCode of an RC error body and checks
// the body has message and errors[] too.
func errorCode(t testing.TB, b []byte) string {
	t.Helper()
	var e errBody
	if err := json.Unmarshal(b, &e); err != nil || e.Message == "" || len(e.Errors) == 0 || e.Errors[0].ErrorCode != e.ErrorCode {
		t.Errorf("not an RC error body (top-level errorCode and message, errors[]): %s", b)
	}
	return e.ErrorCode
}

// poll is one PubNub subscribe from tt ("" = handshake) and its answer.
type pollAnswer struct {
	T struct {
		T string `json:"t"`
	} `json:"t"`
	M []struct {
		P struct {
			T string `json:"t"`
		} `json:"p"`
		C string          `json:"c"`
		B string          `json:"b"`
		D json.RawMessage `json:"d"`
	} `json:"m"`
}

func pollPubNub(t testing.TB, base string, info pushInfo, tt string) pollAnswer {
	t.Helper()
	u := fmt.Sprintf("%s/v2/subscribe/%s/%s/0?heartbeat=300&uuid=t", base, info.DeliveryMode.SubscriberKey, info.DeliveryMode.Address)
	if tt != "" {
		u += "&tt=" + tt
	}
	resp, err := noKeepAlive.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var a pollAnswer
	if resp.StatusCode != 200 || json.Unmarshal(b, &a) != nil {
		t.Fatalf("subscribe: %d %s", resp.StatusCode, b)
	}
	return a
}

// decode reads a message's d as the RC SDKs do: decrypted with the key
// when there is one.
func decode(t testing.TB, d json.RawMessage, key string) notification {
	t.Helper()
	raw := []byte(d)
	if key != "" {
		var ct string
		if err := json.Unmarshal(d, &ct); err != nil {
			t.Fatalf("encrypted d is not a string: %s", d)
		}
		var err error
		if raw, err = decryptPush(key, ct); err != nil {
			t.Fatalf("decrypt: %v", err)
		}
	}
	var n notification
	if err := json.Unmarshal(raw, &n); err != nil {
		t.Fatalf("notification: %v: %s", err, raw)
	}
	return n
}

// A create answers 200 with everything the SDKs read: id, channel,
// subscribe key (subscribed() needs all three), expirationTime, and the
// key when a presence filter forces encryption.
func TestPushCreate(t *testing.T) {
	s, base := startSim(t, Config{})
	r := newRest(t, base)
	status, b := r.do("POST", pathSubscription, createBody(presenceFilter))
	if status != 200 {
		t.Fatalf("create: %d %s", status, b)
	}
	var raw map[string]any
	_ = json.Unmarshal(b, &raw)
	for _, k := range []string{"id", "uri", "creationTime", "expirationTime", "expiresIn", "status", "eventFilters", "deliveryMode"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("create answer has no %s: %s", k, b)
		}
	}
	var info pushInfo
	_ = json.Unmarshal(b, &info)
	dm := info.DeliveryMode
	if dm.TransportType != "PubNub" || !strings.HasPrefix(dm.Address, DemoExtensionID+"_") || !strings.HasPrefix(dm.SubscriberKey, "sub-c-") ||
		!dm.Encryption || dm.EncryptionAlgorithm != "AES" || len(dm.EncryptionKey) != 24 || info.Status != "Active" {
		t.Errorf("deliveryMode %+v, status %s", dm, info.Status)
	}
	if info.URI != pathSubscription+"/"+info.ID || info.ExpiresIn != 900 {
		t.Errorf("uri %s, expiresIn %d", info.URI, info.ExpiresIn)
	}
	c, _ := time.Parse(time.RFC3339, info.CreationTime)
	e, _ := time.Parse(time.RFC3339, info.ExpirationTime)
	if e.Sub(c) != PushDefaultLifetime {
		t.Errorf("lifetime %s, want %s", e.Sub(c), PushDefaultLifetime)
	}
	// Another subscription: another channel and key, the same subscribe key.
	other := r.create(createBody(presenceFilter))
	if other.ID == info.ID || other.DeliveryMode.Address == dm.Address || other.DeliveryMode.EncryptionKey == dm.EncryptionKey ||
		other.DeliveryMode.SubscriberKey != dm.SubscriberKey {
		t.Errorf("second subscription shares id, channel or key, or has another subscribe key: %+v", other)
	}
	if got := s.Counters().PubNub.Created; got != 2 {
		t.Errorf("counters created %d", got)
	}
}

// Encryption: forced by presence filters and on request, not otherwise;
// "always" and "request" change the rule.
func TestPushEncryptionPolicy(t *testing.T) {
	for _, tc := range []struct {
		policy, body string
		want         bool
	}{
		{EncryptSensitive, createBody(presenceFilter), true},
		{EncryptSensitive, createBody(smsFilter), false},
		{EncryptSensitive, `{"eventFilters":["` + smsFilter + `"],"deliveryMode":{"transportType":"PubNub","encryption":true}}`, true},
		{EncryptAlways, createBody(smsFilter), true},
		{EncryptOnRequest, createBody(presenceFilter), false},
		{EncryptOnRequest, `{"eventFilters":["` + presenceFilter + `"],"deliveryMode":{"transportType":"PubNub","encryption":true}}`, true},
	} {
		_, base := startSim(t, Config{PubNub: PubNubConfig{Encryption: tc.policy}})
		dm := newRest(t, base).create(tc.body).DeliveryMode
		if dm.Encryption != tc.want || (dm.EncryptionKey != "") != tc.want || (dm.EncryptionAlgorithm != "") != tc.want {
			t.Errorf("%s %s: encryption %v key %q, want %v", tc.policy, tc.body, dm.Encryption, dm.EncryptionKey, tc.want)
		}
	}
}

// Lifetimes: default 900 s, a request's expiresIn kept within 121-900 s
// (the SDKs refuse 120 s or less), on create and on renew.
func TestPushLifetime(t *testing.T) {
	fc := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	_, base := startSim(t, Config{Now: fc.Now, PubNub: PubNubConfig{Lifetime: 200 * time.Second}})
	r := newRest(t, base)
	life := func(info pushInfo) time.Duration {
		e, _ := time.Parse(time.RFC3339, info.ExpirationTime)
		return e.Sub(fc.Now())
	}
	with := func(n int) string {
		return fmt.Sprintf(`{"eventFilters":["%s"],"deliveryMode":{"transportType":"PubNub"},"expiresIn":%d}`, smsFilter, n)
	}
	for _, tc := range []struct {
		body string
		want time.Duration
	}{
		{createBody(smsFilter), 200 * time.Second},
		{with(60), PushMinLifetime},
		{with(500), 500 * time.Second},
		{with(86400), PushMaxLifetime},
	} {
		info := r.create(tc.body)
		if got := life(info); got != tc.want || info.ExpiresIn != int(tc.want/time.Second) {
			t.Errorf("%s: lifetime %s (expiresIn %d), want %s", tc.body, got, info.ExpiresIn, tc.want)
		}
	}
	info := r.create(with(300))
	fc.Add(100 * time.Second)
	if got := life(r.renew(info.ID, "")); got != 300*time.Second {
		t.Errorf("renewal keeps the granted lifetime: %s, want 300s", got)
	}
	if got := life(r.renew(info.ID, `{"expiresIn":1}`)); got != PushMinLifetime {
		t.Errorf("renewal asking 1 s: %s, want %s", got, PushMinLifetime)
	}
	if status, b := r.do("POST", pathSubscription, with(0)); status != 400 || errorCode(t, b) != "CMN-101" {
		t.Errorf("expiresIn 0: %d %s", status, b)
	}
}

// PUT with filters, PUT with an empty body and POST .../renew all renew:
// a new expirationTime; the id, channel, subscribe key and encryption key
// stay, so the SDKs keep their long-poll.
func TestPushRenewKeepsIdentity(t *testing.T) {
	fc := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	s, base := startSim(t, Config{Now: fc.Now})
	r := newRest(t, base)
	first := r.create(createBody(presenceFilter))
	for i, call := range []struct{ method, path, body string }{
		{"PUT", pathSubscription + "/" + first.ID, createBody(presenceFilter, smsFilter)},
		{"PUT", pathSubscription + "/" + first.ID, ""},
		{"POST", pathSubscription + "/" + first.ID + "/renew", "{}"},
		{"POST", pathSubscription + "/" + first.ID + "/renew", ""},
	} {
		fc.Add(time.Minute)
		status, b := r.do(call.method, call.path, call.body)
		var info pushInfo
		_ = json.Unmarshal(b, &info)
		if status != 200 {
			t.Fatalf("%s %s: %d %s", call.method, call.path, status, b)
		}
		if info.ID != first.ID || info.DeliveryMode.Address != first.DeliveryMode.Address ||
			info.DeliveryMode.SubscriberKey != first.DeliveryMode.SubscriberKey || info.DeliveryMode.EncryptionKey != first.DeliveryMode.EncryptionKey {
			t.Errorf("%d: renewal changed the subscription: %+v", i, info)
		}
		if want := rcTime(fc.Now().Add(PushDefaultLifetime)); info.ExpirationTime != want {
			t.Errorf("%d: expirationTime %s, want %s", i, info.ExpirationTime, want)
		}
		if i == 0 && len(info.EventFilters) != 2 {
			t.Errorf("PUT with filters: %v", info.EventFilters)
		}
	}
	if c := s.Counters().PubNub; c.Renewed != 4 || c.RenewedByPut != 2 || c.Created != 1 {
		t.Errorf("counters renewed %d byPut %d created %d", c.Renewed, c.RenewedByPut, c.Created)
	}
}

// GET lists and reads; DELETE answers 204 with no body, after which the
// id is unknown (404 CMN-102), and so is an expired one.
func TestPushReadDeleteExpire(t *testing.T) {
	fc := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	s, base := startSim(t, Config{Now: fc.Now})
	r := newRest(t, base)
	a := r.create(createBody(smsFilter))
	b := r.create(createBody(presenceFilter))
	status, body := r.do("GET", pathSubscription, "")
	var list struct {
		URI     string     `json:"uri"`
		Records []pushInfo `json:"records"`
	}
	_ = json.Unmarshal(body, &list)
	if status != 200 || len(list.Records) != 2 || list.Records[0].ID != a.ID || list.URI != pathSubscription {
		t.Fatalf("list: %d %s", status, body)
	}
	if status, body := r.do("GET", pathSubscription+"/"+b.ID, ""); status != 200 || !strings.Contains(string(body), b.ID) {
		t.Errorf("read: %d %s", status, body)
	}
	status, body = r.do("DELETE", pathSubscription+"/"+a.ID, "")
	if status != 204 || len(body) != 0 {
		t.Errorf("delete: %d %q, want 204 and no body", status, body)
	}
	for _, call := range [][2]string{{"GET", a.ID}, {"PUT", a.ID}, {"DELETE", a.ID}, {"GET", "no-such-id"}} {
		status, body := r.do(call[0], pathSubscription+"/"+call[1], "")
		if status != 404 || errorCode(t, body) != "CMN-102" {
			t.Errorf("%s %s: %d %s", call[0], call[1], status, body)
		}
	}
	fc.Add(PushDefaultLifetime)
	if status, body := r.do("PUT", pathSubscription+"/"+b.ID, ""); status != 404 || errorCode(t, body) != "CMN-102" {
		t.Errorf("renew after expirationTime: %d %s", status, body)
	}
	if n, _ := s.SendPush("", "", 1); n != 0 {
		t.Errorf("published %d notifications after expirationTime", n)
	}
}

// Every refusal is an RC error body with a top-level errorCode and
// message plus errors[].
func TestPushErrors(t *testing.T) {
	_, base := startSim(t, Config{})
	r := newRest(t, base)
	for _, tc := range []struct {
		method, path, body string
		status             int
		code               string
	}{
		{"POST", pathSubscription, "", 400, "CMN-101"},
		{"POST", pathSubscription, "{", 400, "CMN-101"},
		{"POST", pathSubscription, `{"eventFilters":["` + smsFilter + `"],"deliveryMode":{"transportType":"WebSocket"}}`, 400, "SUB-522"},
		{"POST", pathSubscription, createBody("/restapi/v1.0/account/~/extension/~/nonsense"), 400, "SUB-508"},
		{"POST", pathSubscription, createBody(), 400, "SUB-405"},
		{"PUT", pathSubscription + "/nope", "", 404, "CMN-102"},
		{"POST", pathSubscription + "/nope/renew", "", 404, "CMN-102"},
	} {
		status, body := r.do(tc.method, tc.path, tc.body)
		if status != tc.status || errorCode(t, body) != tc.code {
			t.Errorf("%s %s %q: %d %s, want %d %s", tc.method, tc.path, tc.body, status, body, tc.status, tc.code)
		}
	}
	info := r.create(createBody(smsFilter))
	if status, body := r.do("PUT", pathSubscription+"/"+info.ID, createBody("/bad")); status != 400 || errorCode(t, body) != "SUB-508" {
		t.Errorf("renew with a bad filter: %d %s", status, body)
	}
	r.token = "nope"
	if status, body := r.do("GET", pathSubscription, ""); status != 401 || errorCode(t, body) != "OAU-213" {
		t.Errorf("unknown token: %d %s", status, body)
	}
}

// The limit of live subscriptions answers SUB-505.
func TestPushLimit(t *testing.T) {
	_, base := startSim(t, Config{})
	r := newRest(t, base)
	for i := 0; i < maxPushSubscriptions; i++ {
		r.create(createBody(smsFilter))
	}
	if status, body := r.do("POST", pathSubscription, createBody(smsFilter)); status != 403 || errorCode(t, body) != "SUB-505" {
		t.Errorf("one too many: %d %s", status, body)
	}
}

// Notifications reach the subscription's channel encrypted with its key:
// the plaintext the SDKs decrypt, with the generator's bodies; the ledger
// names each by its uuid and subscription.
func TestPushNotifications(t *testing.T) {
	s, base := startSim(t, Config{Seed: 3})
	r := newRest(t, base)
	info := r.create(createBody(presenceFilter))
	tt := pollPubNub(t, base, info, "").T.T
	if n, err := s.SendPush(info.ID, "presence", 3); n != 3 || err != nil {
		t.Fatalf("SendPush: %d %v", n, err)
	}
	a := pollPubNub(t, base, info, tt)
	if len(a.M) != 3 {
		t.Fatalf("got %d messages, want 3", len(a.M))
	}
	ledger := s.PubNub().Ledger(info.DeliveryMode.Address, "")
	for i, m := range a.M {
		if m.C != info.DeliveryMode.Address || m.B != m.C {
			t.Errorf("message on %s/%s", m.C, m.B)
		}
		n := decode(t, m.D, info.DeliveryMode.EncryptionKey)
		if n.SubscriptionID != info.ID || n.OwnerID != DemoExtensionID || n.UUID != ledger.Entries[i].ID ||
			n.Event != "/restapi/v1.0/account/~/extension/"+DemoExtensionID+"/presence?detailedTelephonyState=true" {
			t.Errorf("notification %d: %+v (ledger %s)", i, n, ledger.Entries[i].ID)
		}
		var body presenceBody
		if err := json.Unmarshal(n.Body, &body); err != nil || body.ExtensionID != DemoExtensionID || body.TelephonyStatus == "" {
			t.Errorf("body %s", n.Body)
		}
		if _, err := time.Parse(time.RFC3339, n.Timestamp); err != nil {
			t.Errorf("timestamp %q", n.Timestamp)
		}
	}
	// Unencrypted subscriptions carry the notification object itself as d.
	plain := r.create(createBody(smsFilter))
	tt = pollPubNub(t, base, plain, "").T.T
	if n, err := s.InjectPush(plain.ID, Injection{Event: "/restapi/v1.0/x", Body: json.RawMessage(`{"a":1}`)}); n != 1 || err != nil {
		t.Fatal(n, err)
	}
	m := pollPubNub(t, base, plain, tt).M[0]
	if m.D[0] != '{' || decode(t, m.D, "").Event != "/restapi/v1.0/x" {
		t.Errorf("plain d: %s", m.D)
	}
}

// The pump publishes generated notifications to every live subscription
// and to none after its expirationTime.
func TestPushGenerated(t *testing.T) {
	fc := &fakeClock{t: time.Now()}
	s, base := startSim(t, Config{Now: fc.Now, Rate: 200})
	info := newRest(t, base).create(createBody(smsFilter))
	waitFor := time.Now().Add(5 * time.Second)
	for s.Counters().PubNub.Published < 5 {
		if time.Now().After(waitFor) {
			t.Fatal("the pump published nothing")
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.SetRate(0)
	s.ExpirePush(info.ID)
	before := s.Counters().PubNub.Published
	s.SetRate(200)
	ticks := s.Counters().PumpTicks
	for s.Counters().PumpTicks < ticks+5 {
		if time.Now().After(waitFor.Add(5 * time.Second)) {
			t.Fatal("the pump stopped")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := s.Counters().PubNub.Published; got != before {
		t.Errorf("%d published after the subscription expired", got-before)
	}
}

// The faults: a renew that fails with a documented code (a 404 also
// removes the subscription), a key rotated at the next renew, encryption
// switched off at once.
func TestPushFaults(t *testing.T) {
	s, base := startSim(t, Config{})
	r := newRest(t, base)
	info := r.create(createBody(presenceFilter))
	if err := s.Fault(protocol.Command{Kind: protocol.CmdFailRenew, Text: "SUB-505"}); err != nil {
		t.Fatal(err)
	}
	if status, body := r.do("PUT", pathSubscription+"/"+info.ID, ""); status != 403 || errorCode(t, body) != "SUB-505" {
		t.Errorf("failed renew: %d %s", status, body)
	}
	r.renew(info.ID, "") // only the next one fails
	if err := s.Fault(protocol.Command{Kind: protocol.CmdFailRenew}); err != nil {
		t.Fatal(err)
	}
	if status, body := r.do("PUT", pathSubscription+"/"+info.ID, ""); status != 404 || errorCode(t, body) != "CMN-102" {
		t.Errorf("failed renew: %d %s", status, body)
	}
	if status, _ := r.do("GET", pathSubscription+"/"+info.ID, ""); status != 404 {
		t.Errorf("after a 404 renew the subscription is still there: %d", status)
	}
	if err := s.FailNextRenew("XYZ-1"); err == nil {
		t.Error("an unknown code was accepted")
	}

	info = r.create(createBody(presenceFilter))
	s.Fault(protocol.Command{Kind: protocol.CmdRotateKey})
	rotated := r.renew(info.ID, "")
	if rotated.DeliveryMode.EncryptionKey == info.DeliveryMode.EncryptionKey || rotated.DeliveryMode.EncryptionKey == "" {
		t.Errorf("key not rotated: %q", rotated.DeliveryMode.EncryptionKey)
	}
	if again := r.renew(info.ID, ""); again.DeliveryMode.EncryptionKey != rotated.DeliveryMode.EncryptionKey {
		t.Error("the key rotated on a second renew too")
	}
	tt := pollPubNub(t, base, info, "").T.T
	s.Fault(protocol.Command{Kind: protocol.CmdSetEncryption, On: false})
	s.SendPush(info.ID, "", 1)
	if m := pollPubNub(t, base, info, tt).M[0]; m.D[0] != '{' {
		t.Errorf("encryption off, still sent encrypted: %s", m.D)
	}
	if off := r.renew(info.ID, ""); off.DeliveryMode.Encryption || off.DeliveryMode.EncryptionKey != "" {
		t.Errorf("renew after encryption off: %+v", off.DeliveryMode)
	}
	if err := s.Fault(protocol.Command{Kind: protocol.CmdExpireSubscription}); err != nil {
		t.Fatal(err)
	}
	if status, _ := r.do("PUT", pathSubscription+"/"+info.ID, ""); status != 404 {
		t.Errorf("renew after expire-now: %d", status)
	}
	if err := s.Fault(protocol.Command{Kind: protocol.CmdExpireSubscription}); err == nil {
		t.Error("expire with nothing to expire succeeded")
	}
	have := map[protocol.CommandKind]bool{}
	for _, f := range s.Faults() {
		have[f.Kind] = true
	}
	for _, k := range PushFaultKinds {
		if !have[k] {
			t.Errorf("fault %s not offered", k)
		}
	}
}

// A burst above 100 while the long-poll is down: the client back with its
// last timetoken gets the newest 100; the ledger says the oldest 50 were
// never delivered.
func TestPushBurstOverflow(t *testing.T) {
	s, base := startSim(t, Config{})
	info := newRest(t, base).create(createBody(smsFilter))
	tt := pollPubNub(t, base, info, "").T.T
	if n, err := s.Burst("", 150); n != 150 || err != nil {
		t.Fatalf("burst: %d %v", n, err)
	}
	a := pollPubNub(t, base, info, tt)
	ledger := s.PubNub().Ledger(info.DeliveryMode.Address, info.ID).Entries
	if len(a.M) != pubnub.DefaultQueueSize || len(ledger) != 150 {
		t.Fatalf("caught up %d of %d", len(a.M), len(ledger))
	}
	if first := decode(t, a.M[0].D, "").UUID; first != ledger[50].ID {
		t.Errorf("catch-up starts at %s, want the 51st (%s)", first, ledger[50].ID)
	}
	for i, e := range ledger {
		if lost := e.Queue == pubnub.QueueEvicted && e.Deliveries == 0; lost != (i < 50) {
			t.Errorf("ledger %d: %+v", i, e)
		}
	}
	if c := s.Counters().PubNub.Service; c.Lost != 50 || c.Outage {
		t.Errorf("service lost %d, outage %v", c.Lost, c.Outage)
	}
}

// The transport's scenario steps parse, with line numbers on mistakes.
func TestPushScenario(t *testing.T) {
	sc, err := ParseScenario([]byte(`
steps:
  - at: 1s
    pubnub-send: {event: presence, count: 2}
  - at: 2s
    fail-renew: SUB-507
  - at: 3s
    rotate-key: true
  - at: 4s
    encryption: false
  - at: 5s
    burst: 120
  - at: 6s
    expire-subscription: all
  - at: 7s
    refuse-subscribe: 403
  - at: 8s
    pubnub-reset: {outage: 2s}
`))
	if err != nil {
		t.Fatal(err)
	}
	s, base := startSim(t, Config{})
	newRest(t, base).create(createBody(presenceFilter))
	for _, st := range sc.Steps {
		if !s.doPush(st) {
			t.Errorf("step %s not done", st.Action)
		}
	}
	c := s.Counters().PubNub
	if c.Published != 122 || c.FailNextRenew != "SUB-507" || !c.RotateKeyNext || c.Expired != 1 || c.Service.RefuseSubscribe != 403 {
		t.Errorf("after the scenario: %+v", c)
	}
	if _, err := ParseScenario([]byte("steps:\n  - at: 1s\n    fail-renew: NOPE\n")); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("bad code: %v", err)
	}
}
