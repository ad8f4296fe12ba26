package pubnub

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evtap/evtap/sim/emu"
)

// The tests speak to the service over HTTP with net/http, the way the
// real clients do, never with evtap's client packages.

const (
	testKey = "sub-c-test"
	waitFor = 5 * time.Second
)

// fakeClock is a settable clock for the queue's age limit and the
// outage window.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// start mounts a service on a fresh emulator listening on loopback.
func start(t testing.TB, cfg Config) (*Service, string) {
	t.Helper()
	p := New(cfg)
	srv := emu.New(emu.Config{Name: "PubNub"})
	p.Mount(srv)
	p.AddKey(testKey)
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return p, base
}

// answer is one HTTP answer, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
	err    error // the request failed: no answer (a reset, a refused connection)
}

// client opens a connection per request, as most PubNub clients do
// (Connection: close), so that Go's transport does not silently retry a
// request whose reused connection was reset.
var client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

func get(url string) answer {
	resp, err := client.Get(url)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: b, err: err}
}

// getAsync starts a request and returns where its answer will arrive.
func getAsync(url string) <-chan answer {
	ch := make(chan answer, 1)
	go func() { ch <- get(url) }()
	return ch
}

func await(t testing.TB, ch <-chan answer) answer {
	t.Helper()
	select {
	case a := <-ch:
		return a
	case <-time.After(waitFor):
		t.Fatalf("no answer within %v", waitFor)
		return answer{}
	}
}

// subAnswer is a subscribe answer as a client reads it.
type subAnswer struct {
	T struct {
		T string `json:"t"`
		R int    `json:"r"`
	} `json:"t"`
	M []struct {
		A string `json:"a"`
		F *int   `json:"f"`
		I string `json:"i"`
		P *struct {
			T string `json:"t"`
			R int    `json:"r"`
		} `json:"p"`
		K string          `json:"k"`
		C string          `json:"c"`
		B string          `json:"b"`
		D json.RawMessage `json:"d"`
	} `json:"m"`
}

func decodeSub(t testing.TB, a answer) subAnswer {
	t.Helper()
	if a.err != nil {
		t.Fatalf("subscribe failed: %v", a.err)
	}
	if a.status != http.StatusOK {
		t.Fatalf("subscribe: %d %s", a.status, a.body)
	}
	var s subAnswer
	if err := json.Unmarshal(a.body, &s); err != nil {
		t.Fatalf("subscribe answer is not JSON: %v: %s", err, a.body)
	}
	return s
}

func subURL(base, channels, query string) string {
	u := base + "/v2/subscribe/" + testKey + "/" + channels + "/0"
	if query != "" {
		u += "?" + query
	}
	return u
}

// handshake subscribes with no tt and returns the timetoken.
func handshake(t testing.TB, base, channels string) string {
	t.Helper()
	return decodeSub(t, get(subURL(base, channels, "heartbeat=300&uuid=u1&pnsdk=PubNub-JS-Nodejs%2F4.37.0"))).T.T
}

func publish(t testing.TB, p *Service, channel, id string, d string) Timetoken {
	t.Helper()
	tt, err := p.Publish(Message{SubKey: testKey, Channel: channel, ID: id, Data: json.RawMessage(d)})
	if err != nil {
		t.Fatal(err)
	}
	return tt
}

// waitUntil polls cond until it holds, failing after waitFor.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, waitFor)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func ids(s subAnswer) string {
	var out []string
	for _, m := range s.M {
		var v struct {
			N string `json:"n"`
		}
		_ = json.Unmarshal(m.D, &v)
		out = append(out, v.N)
	}
	return strings.Join(out, ",")
}
