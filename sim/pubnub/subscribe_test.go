package pubnub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Every client version opens with a different handshake (§6.2): no tt
// (PN4, PN12), tt=0 (PN8's event engine), tt= ; parameters in any order.
// Each is answered at once with a fresh timetoken and no messages.
func TestHandshakeForms(t *testing.T) {
	_, base := start(t, Config{})
	prev := ""
	for _, q := range []string{
		"heartbeat=300&uuid=pn-1&pnsdk=PubNub-JS-Nodejs%2F4.37.0",
		"heartbeat=300&uuid=u&requestid=r1&pnsdk=PubNub-NodeJS%2F8.10.0",
		"tt=0&ee=&uuid=u&requestid=r2",
		"ee=&uuid=u&requestid=r3",
		"uuid=u&tt=&heartbeat=300",
		"requestid=r3&uuid=u&ee=", // a repeated requestid is fine
	} {
		a := get(subURL(base, "ch1", q))
		s := decodeSub(t, a)
		if len(s.T.T) != 17 || len(s.M) != 0 {
			t.Errorf("?%s: t %q (want 17 digits), %d messages (want 0)", q, s.T.T, len(s.M))
		}
		if !strings.Contains(string(a.body), `"m":[]`) {
			t.Errorf("?%s: m must be an empty array, got %s", q, a.body)
		}
		if s.T.T <= prev {
			t.Errorf("?%s: handshake t %s does not grow past %s", q, s.T.T, prev)
		}
		if ct := a.header.Get("Content-Type"); ct != ContentType {
			t.Errorf("?%s: Content-Type %q, want %q", q, ct, ContentType)
		}
		prev = s.T.T
	}
}

// The envelope carries what the real clients check: p (PN4 dereferences
// p.t), b and c equal to the channel (PN8 drops others), k, and d as
// published; t is the newest message's timetoken.
func TestEnvelope(t *testing.T) {
	p, base := start(t, Config{})
	tt0 := handshake(t, base, "222_abc")
	pub := publish(t, p, "222_abc", "n1", `"bm90aWZpY2F0aW9u"`)
	a := get(subURL(base, "222_abc", "tt="+tt0+"&tr=12&uuid=u"))
	s := decodeSub(t, a)
	if len(s.M) != 1 {
		t.Fatalf("want 1 message, got %s", a.body)
	}
	m := s.M[0]
	if m.P == nil || m.P.T != pub.String() || m.P.R != DefaultRegion {
		t.Errorf("p = %+v, want {t:%s r:%d}", m.P, pub, DefaultRegion)
	}
	if m.C != "222_abc" || m.B != "222_abc" || m.K != testKey || m.F == nil || m.A == "" || m.I == "" {
		t.Errorf("envelope fields: %s", a.body)
	}
	if string(m.D) != `"bm90aWZpY2F0aW9u"` {
		t.Errorf("d = %s, want the payload as published", m.D)
	}
	if s.T.T != pub.String() || s.T.R != DefaultRegion {
		t.Errorf("t = %+v, want the message's timetoken %s", s.T, pub)
	}
	if pub.String() <= tt0 {
		t.Errorf("publish timetoken %s is not after the handshake's %s", pub, tt0)
	}
}

// With a tt the answer holds exactly the queued messages newer than it,
// oldest first, at once.
func TestOnlyNewerOldestFirst(t *testing.T) {
	p, base := start(t, Config{})
	tt0 := handshake(t, base, "ch")
	publish(t, p, "ch", "a", `{"n":"1"}`)
	second := publish(t, p, "ch", "b", `{"n":"2"}`)
	publish(t, p, "ch", "c", `{"n":"3"}`)
	publish(t, p, "other", "x", `{"n":"x"}`)
	if got := ids(decodeSub(t, get(subURL(base, "ch", "tt="+tt0)))); got != "1,2,3" {
		t.Errorf("from the handshake: %s, want 1,2,3", got)
	}
	if got := ids(decodeSub(t, get(subURL(base, "ch", "uuid=u&tr=12&tt="+second.String())))); got != "3" {
		t.Errorf("from the second's timetoken: %s, want 3", got)
	}
}

// An empty poll is held until a publish on its channel wakes it; a
// publish on another channel does not.
func TestHoldAndWake(t *testing.T) {
	p, base := start(t, Config{})
	tt0 := handshake(t, base, "ch")
	ch := getAsync(subURL(base, "ch", "tt="+tt0))
	waitUntil(t, "the poll is held", func() bool { return p.Counters().Held == 1 })
	publish(t, p, "elsewhere", "x", `{"n":"x"}`)
	select {
	case a := <-ch:
		t.Fatalf("a publish on another channel answered the poll: %s", a.body)
	default:
	}
	publish(t, p, "ch", "a", `{"n":"1"}`)
	if got := ids(decodeSub(t, await(t, ch))); got != "1" {
		t.Fatalf("woken poll got %q, want 1", got)
	}
	// The server counts a delivery once its answer is written, which may
	// be just after the client has read it.
	waitUntil(t, "the delivery is counted", func() bool {
		c := p.Counters()
		return c.Held == 0 && c.Answered == 1 && c.Deliveries == 1
	})
}

// A poll with nothing to deliver answers m:[] and the same t at the end
// of the hold, so the client asks again from where it was.
func TestHoldExpires(t *testing.T) {
	p, base := start(t, Config{Hold: 30 * time.Millisecond})
	tt0 := handshake(t, base, "ch")
	s := decodeSub(t, await(t, getAsync(subURL(base, "ch", "tt="+tt0))))
	if s.T.T != tt0 || len(s.M) != 0 {
		t.Fatalf("after the hold: t %s with %d messages, want the same t %s and none", s.T.T, len(s.M), tt0)
	}
	waitUntil(t, "the poll is released", func() bool { return p.Counters().Held == 0 })
	if c := p.Counters(); c.HoldExpired != 1 {
		t.Errorf("holdExpired %d, want 1", c.HoldExpired)
	}
}

// A held poll cut with a TCP reset gets no answer; what is published
// meanwhile is delivered once the client comes back with its last tt.
func TestCatchUpAfterReset(t *testing.T) {
	p, base := start(t, Config{})
	tt0 := handshake(t, base, "ch")
	ch := getAsync(subURL(base, "ch", "tt="+tt0))
	waitUntil(t, "the poll is held", func() bool { return p.Counters().Held == 1 })
	if n := p.ResetPolls("", 0); n != 1 {
		t.Fatalf("ResetPolls cut %d polls, want 1", n)
	}
	if a := await(t, ch); a.err == nil {
		t.Fatalf("a reset poll got an answer: %d %s", a.status, a.body)
	}
	publish(t, p, "ch", "a", `{"n":"1"}`)
	publish(t, p, "ch", "b", `{"n":"2"}`)
	if got := ids(decodeSub(t, get(subURL(base, "ch", "tt="+tt0)))); got != "1,2" {
		t.Fatalf("catch-up got %q, want 1,2", got)
	}
	waitUntil(t, "the deliveries are counted", func() bool { return p.Counters().Deliveries == 2 })
	for _, e := range p.Ledger("ch", "").Entries {
		if e.Deliveries != 1 || e.Queue != QueueHeld {
			t.Errorf("ledger %s: %d deliveries, queue %s; want 1, queued", e.ID, e.Deliveries, e.Queue)
		}
	}
	if c := p.Counters(); c.Reset != 1 {
		t.Errorf("reset counter %d, want 1", c.Reset)
	}
}

// During an outage every PubNub request is reset on arrival; ending it
// lets clients back in.
func TestOutage(t *testing.T) {
	fc := &fakeClock{t: time.Now()}
	p, base := start(t, Config{Now: fc.Now})
	tt0 := handshake(t, base, "ch")
	p.ResetPolls("", time.Minute)
	for _, u := range []string{subURL(base, "ch", "tt="+tt0), base + "/time/0", base + "/v2/presence/sub-key/" + testKey + "/channel/ch/leave"} {
		if a := get(u); a.err == nil {
			t.Errorf("%s during the outage answered %d", u, a.status)
		}
	}
	if !p.Counters().Outage {
		t.Error("counters do not show the outage")
	}
	fc.Add(time.Minute)
	if a := get(base + "/time/0"); a.err != nil || a.status != 200 {
		t.Fatalf("/time/0 after the outage: %v %d", a.err, a.status)
	}
	p.SetOutage(time.Hour)
	p.SetOutage(0)
	if a := get(base + "/time/0"); a.err != nil {
		t.Fatalf("/time/0 after the outage was ended: %v", a.err)
	}
}

// 101 messages while the client is away: the queue holds 100, so the
// oldest is gone, and the ledger says it was lost.
func TestQueueOverflow(t *testing.T) {
	p, base := start(t, Config{})
	tt0 := handshake(t, base, "ch")
	for i := 1; i <= 101; i++ {
		publish(t, p, "ch", fmt.Sprint("n", i), fmt.Sprintf(`{"n":"%d"}`, i))
	}
	s := decodeSub(t, get(subURL(base, "ch", "tt="+tt0)))
	if len(s.M) != 100 || ids(s)[:2] != "2," {
		t.Fatalf("catch-up after 101: %d messages starting %q, want 100 starting with 2", len(s.M), ids(s)[:5])
	}
	waitUntil(t, "the deliveries are counted", func() bool { return p.Counters().Deliveries == 100 })
	l := p.Ledger("ch", "").Entries
	if l[0].ID != "n1" || l[0].Queue != QueueEvicted || l[0].Deliveries != 0 {
		t.Errorf("ledger of the first: %+v, want evicted and never delivered", l[0])
	}
	if l[1].Deliveries != 1 || l[100].Deliveries != 1 {
		t.Errorf("ledger: second delivered %d, last %d; want 1 each", l[1].Deliveries, l[100].Deliveries)
	}
	if c := p.Counters(); c.Evicted != 1 || c.Lost != 1 || c.Queued != 100 {
		t.Errorf("counters evicted %d lost %d queued %d, want 1 1 100", c.Evicted, c.Lost, c.Queued)
	}
}

// A message lives 20 minutes in the queue.
func TestQueueAge(t *testing.T) {
	fc := &fakeClock{t: time.Now()}
	p, base := start(t, Config{Now: fc.Now, Hold: 20 * time.Millisecond})
	tt0 := handshake(t, base, "ch")
	publish(t, p, "ch", "old", `{"n":"old"}`)
	fc.Add(DefaultQueueTTL)
	publish(t, p, "ch", "new", `{"n":"new"}`)
	if got := ids(decodeSub(t, get(subURL(base, "ch", "tt="+tt0)))); got != "new" {
		t.Fatalf("after 20 min: %q, want only new", got)
	}
	if e := p.Ledger("", "").Entries[0]; e.Queue != QueueExpired {
		t.Errorf("ledger of the old message: %s, want expired", e.Queue)
	}
}

// The 100 counts across the channels of one subscribe: the newest 100 of
// both, in timetoken order.
func TestQueueSharedAcrossChannels(t *testing.T) {
	p, base := start(t, Config{})
	tt0 := handshake(t, base, "a,b")
	for i := 1; i <= 120; i++ {
		publish(t, p, []string{"a", "b"}[i%2], fmt.Sprint(i), fmt.Sprintf(`{"n":"%d"}`, i))
	}
	s := decodeSub(t, get(subURL(base, "a%2Cb", "tt="+tt0)))
	if len(s.M) != 100 {
		t.Fatalf("got %d messages, want 100", len(s.M))
	}
	for i, m := range s.M {
		want := []string{"a", "b"}[(i+21)%2]
		if m.C != want || m.B != want {
			t.Fatalf("message %d on %s/%s, want %s", i, m.C, m.B, want)
		}
		if i > 0 && m.P.T <= s.M[i-1].P.T {
			t.Fatalf("messages out of timetoken order at %d", i)
		}
	}
	if got := ids(s); !strings.HasPrefix(got, "21,22,") || !strings.HasSuffix(got, ",120") {
		t.Fatalf("got %s..., want 21..120", got[:12])
	}
}

// Every error answer is the real service's body, with Content-Type.
func TestErrorBodies(t *testing.T) {
	p, base := start(t, Config{})
	check := func(name string, a answer, status int, body string) {
		t.Helper()
		if a.err != nil || a.status != status {
			t.Errorf("%s: %v %d, want %d", name, a.err, a.status, status)
			return
		}
		if string(a.body) != body {
			t.Errorf("%s: body\n%s\nwant\n%s", name, a.body, body)
		}
		if ct := a.header.Get("Content-Type"); ct != ContentType {
			t.Errorf("%s: Content-Type %q", name, ct)
		}
	}
	check("unknown key", get(base+"/v2/subscribe/sub-c-nope/ch/0?uuid=u"), 400,
		`{"status":400,"error":true,"message":"Invalid Subscribe Key","service":"Access Manager"}`)
	check("bad tt", get(subURL(base, "ch", "tt=yesterday")), 400,
		`{"status":400,"error":true,"error_message":"Invalid Arguments","channels":{}}`)
	check("oversized", get(subURL(base, "ch", "uuid="+strings.Repeat("u", MaxURL))), 413,
		`{"status":413,"error":true,"service":"Balancer","message":"Request Entity Too Large."}`)
	check("unknown key on leave", get(base+"/v2/presence/sub-key/sub-c-nope/channel/ch/leave"), 400,
		`{"status":400,"error":true,"message":"Invalid Subscribe Key","service":"Access Manager"}`)
	for status, body := range map[int]string{
		403: `{"message":"Forbidden","payload":{"channels":["a","b"],"channel-groups":[]},"error":true,"service":"Access Manager","status":403}`,
		400: `{"status":400,"error":true,"message":"Invalid Subscribe Key","service":"Access Manager"}`,
		413: `{"status":413,"error":true,"service":"Balancer","message":"Request Entity Too Large."}`,
		429: `{"status":429,"error":true,"message":"Too many requests."}`,
	} {
		if err := p.RefuseSubscribe(status); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprint("refused ", status), get(subURL(base, "a,b", "")), status, body)
	}
	if err := p.RefuseSubscribe(500); err == nil {
		t.Error("RefuseSubscribe(500) accepted a status whose body the documents do not give")
	}
	p.RefuseSubscribe(0)
	if a := get(subURL(base, "ch", "")); a.status != 200 {
		t.Errorf("after the refusal was stopped: %d", a.status)
	}
	if c := p.Counters(); c.Refused["403"] != 1 || c.Refused["400"] != 3 {
		t.Errorf("refused counters %v", c.Refused)
	}
}

// The omit-Content-Type fault leaves the header out entirely (net/http
// would otherwise sniff one), on errors and successes alike.
func TestOmitContentType(t *testing.T) {
	p, base := start(t, Config{})
	p.OmitContentType(true)
	p.RefuseSubscribe(http.StatusForbidden)
	for _, u := range []string{subURL(base, "ch", ""), base + "/time/0"} {
		a := get(u)
		if a.err != nil {
			t.Fatal(a.err)
		}
		if v, ok := a.header["Content-Type"]; ok {
			t.Errorf("%s: Content-Type %q present", u, v)
		}
	}
	p.OmitContentType(false)
	if ct := get(subURL(base, "ch", "")).header.Get("Content-Type"); ct != ContentType {
		t.Errorf("after the fault: %q", ct)
	}
}

// /time/0 answers one 17-digit number in an array; presence heartbeat and
// leave answer the Presence service's OK.
func TestTimeAndPresence(t *testing.T) {
	p, base := start(t, Config{})
	a := get(base + "/time/0?uuid=u&pnsdk=x")
	var v []json.Number
	if err := json.Unmarshal(a.body, &v); err != nil || len(v) != 1 || len(v[0].String()) != 17 {
		t.Fatalf("/time/0: %s", a.body)
	}
	if a.header.Get("Content-Type") != ContentType {
		t.Errorf("/time/0 Content-Type %q", a.header.Get("Content-Type"))
	}
	hb := get(base + "/v2/presence/sub-key/" + testKey + "/channel/ch/heartbeat?heartbeat=300&uuid=u")
	if string(hb.body) != `{"status":200,"message":"OK","service":"Presence"}` {
		t.Errorf("heartbeat: %d %s", hb.status, hb.body)
	}
	lv := get(base + "/v2/presence/sub-key/" + testKey + "/channel/ch/leave?uuid=u")
	if string(lv.body) != `{"status":200,"message":"OK","action":"leave","service":"Presence"}` {
		t.Errorf("leave: %d %s", lv.status, lv.body)
	}
	if c := p.Counters(); c.Heartbeats != 1 || c.Leaves != 1 || c.TimeRequests != 1 {
		t.Errorf("counters: %+v", c)
	}
}

// A stalled /time/0 answers only once the stall ends.
func TestStallTime(t *testing.T) {
	p, base := start(t, Config{})
	p.StallTime(true)
	ch := getAsync(base + "/time/0")
	waitUntil(t, "the /time/0 request arrived", func() bool { return p.Counters().TimeRequests == 1 })
	select {
	case a := <-ch:
		t.Fatalf("stalled /time/0 answered: %s", a.body)
	default:
	}
	p.StallTime(false)
	if a := await(t, ch); a.status != 200 {
		t.Fatalf("released /time/0: %v %d", a.err, a.status)
	}
}
