package raw

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session"
	"github.com/evtap/evtap/session/raw/rawtest"
)

// server starts a rawtest server for the test.
func server(t *testing.T, o rawtest.Options) *rawtest.Server {
	t.Helper()
	s, err := rawtest.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// seen waits for cond to hold of what srv has seen.
func seen(t *testing.T, srv *rawtest.Server, what string, cond func(rawtest.Snapshot) bool) rawtest.Snapshot {
	t.Helper()
	snap, err := srv.Wait(10*time.Second, what, cond)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// collector keeps every Update a session publishes and lets a test wait
// for one, with a deadline.
type collector struct {
	mu      sync.Mutex
	ups     []protocol.Update
	changed chan struct{}
}

func newCollector() *collector { return &collector{changed: make(chan struct{})} }

func (c *collector) emit(u protocol.Update) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ups = append(c.ups, u)
	close(c.changed)
	c.changed = make(chan struct{})
}

func (c *collector) snapshot() []protocol.Update {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]protocol.Update(nil), c.ups...)
}

// waitFor waits until some Update satisfies match and returns it.
func (c *collector) waitFor(t *testing.T, what string, match func(protocol.Update) bool) protocol.Update {
	t.Helper()
	deadline := time.After(10 * time.Second)
	seen := 0
	for {
		c.mu.Lock()
		ups, ch := c.ups[seen:], c.changed
		c.mu.Unlock()
		for _, u := range ups {
			if match(u) {
				return u
			}
		}
		seen += len(ups)
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("timed out waiting for %s; got:\n%s", what, dump(c.snapshot()))
		}
	}
}

func dump(ups []protocol.Update) string {
	var b strings.Builder
	for _, u := range ups {
		line, _ := json.Marshal(u)
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func event(label, summary string) func(protocol.Update) bool {
	return func(u protocol.Update) bool {
		return u.Kind == protocol.KindEvent && u.Event.Label == label && strings.Contains(u.Event.Summary, summary)
	}
}

func phase(p protocol.Phase, conn int) func(protocol.Update) bool {
	return func(u protocol.Update) bool {
		return u.Kind == protocol.KindState && u.State.Phase == p && u.Conn == conn
	}
}

// fast are engine options for tests: short backoff, no waiting on pings.
func fast() session.Options {
	return session.Options{Backoff: session.Backoff{Base: 10 * time.Millisecond, Max: 50 * time.Millisecond}, CloseWait: 200 * time.Millisecond}
}

// running is a session under test.
type running struct {
	s    *Session
	out  *collector
	done chan error
	stop context.CancelFunc
}

func start(t *testing.T, c Config) *running {
	t.Helper()
	s, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{s: s, out: newCollector(), done: make(chan error, 1), stop: cancel}
	go func() { r.done <- s.Run(ctx, r.out.emit) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("the session did not end")
		}
	})
	return r
}

func (r *running) result(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		r.done <- err // for Cleanup
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
		return nil
	}
}

// Rule: the user's header, subprotocol and token reach the server; the
// connection is live once upgraded; the preamble, the echo of --send and
// a binary frame are events; after the server drops the connection the
// session reconnects, says how long it was down, and sends --send again.
func TestConnectReconnectAndSendAgain(t *testing.T) {
	srv := server(t, rawtest.Options{
		Header: "X-Team: evtap", Subprotocol: "echo.v1",
		Preamble: []string{"welcome to the echo server\nsecond line", `{"type":"hello","server":"echo"}`},
		Binary:   [][]byte{{0xde, 0xad, 0xbe, 0xef, 0x00}},
	})
	c := fast()
	r := start(t, Config{
		URL: srv.URL, Header: http.Header{"X-Team": {"evtap"}}, Subprotocols: []string{"other", "echo.v1"},
		Token: "s3cr3t-token-value", OnConnect: []string{`{"subscribe":"ticks"}`, "ping me"}, Options: c,
	})

	r.out.waitFor(t, "live on connection 1", phase(protocol.PhaseLive, 1))
	r.out.waitFor(t, "the preamble's first line", event("text", "welcome to the echo server …"))
	r.out.waitFor(t, "the JSON preamble, labelled by its type", event("hello", `{"type":"hello","server":"echo"}`))
	bin := r.out.waitFor(t, "the binary frame", event("binary", "5 bytes  de ad be ef 00"))
	var body struct {
		Size   int    `json:"size"`
		Hex    string `json:"hex"`
		Base64 string `json:"base64"`
	}
	if err := json.Unmarshal(bin.Event.Body, &body); err != nil || body.Size != 5 || body.Hex != "deadbeef00" || body.Base64 != "3q2+7wA=" {
		t.Errorf("binary body %s", bin.Event.Body)
	}
	r.out.waitFor(t, "the echo of --send", event("json", `{"subscribe":"ticks"}`))
	r.out.waitFor(t, "the echo of the second --send", event("text", "ping me"))

	first := seen(t, srv, "connection 1", func(s rawtest.Snapshot) bool { return len(s.Conns) >= 1 }).Conns[0]
	if got := first.Header.Get("Authorization"); got != "Bearer s3cr3t-token-value" {
		t.Errorf("server saw Authorization %q", got)
	}
	if first.Subprotocol != "echo.v1" {
		t.Errorf("server agreed on subprotocol %q", first.Subprotocol)
	}

	must(t, srv.Drop(1))
	r.out.waitFor(t, "the drop", phase(protocol.PhaseDropped, 1))
	r.out.waitFor(t, "a backoff before reconnecting", phase(protocol.PhaseBackoff, 1))
	gap := r.out.waitFor(t, "the outage window", func(u protocol.Update) bool { return u.Kind == protocol.KindGap })
	if gap.Gap.Start.IsZero() || gap.Gap.End.Before(gap.Gap.Start) || gap.Gap.Missed != 0 || gap.Conn != 2 {
		t.Errorf("gap %+v on connection %d, want an outage window ending on connection 2", gap.Gap, gap.Conn)
	}
	snap := seen(t, srv, "--send sent again on connection 2", func(s rawtest.Snapshot) bool {
		return len(s.Conns) >= 2 && len(s.Conns[1].Received) >= 2
	})
	if got := snap.Conns[1].Received; got[0] != `{"subscribe":"ticks"}` || got[1] != "ping me" {
		t.Errorf("connection 2 received %q, want the --send frames in order", got)
	}

	for _, u := range r.out.snapshot() {
		if line, _ := json.Marshal(u); strings.Contains(string(line), "s3cr3t-token-value") {
			t.Errorf("the token was published: %s", line)
		}
	}
}

// Rule: a refused upgrade shows the HTTP status and the answer's
// headers, and is final when it happens again before the session ever
// worked (exit 3).
func TestRefusedUpgrade(t *testing.T) {
	srv := server(t, rawtest.Options{Header: "X-Team: evtap"})
	r := start(t, Config{URL: srv.URL, Header: http.Header{"X-Team": {"someone else"}}, Options: fast()})
	err := r.result(t)
	var rej *session.RejectedError
	if !errors.As(err, &rej) || rej.Status != http.StatusUnauthorized {
		t.Fatalf("Run = %v, want a 401 rejection", err)
	}
	st := r.out.waitFor(t, "the rejected state", func(u protocol.Update) bool {
		return u.Kind == protocol.KindState && u.State.Phase == protocol.PhaseRejected
	}).State
	if st.HTTPStatus != 401 || st.Info["Www-Authenticate"] != `Bearer realm="rawtest"` || st.Info["X-Refused-By"] != "rawtest" {
		t.Errorf("rejected state %+v, want the status and the answer's headers", st)
	}
	if refused := srv.Snapshot().Refused; refused != 2 {
		t.Errorf("the server refused %d upgrades, want 2 (one retry)", refused)
	}
}

// Rule: a frame sent by hand while no connection is open waits for the
// next one, after the --send frames, and goes out in order.
func TestSendWaitsForTheConnection(t *testing.T) {
	srv := server(t, rawtest.Options{})
	s, err := New(Config{URL: srv.URL, OnConnect: []string{"first"}, Options: fast()})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"a", "b"} {
		if err := s.Do(protocol.Command{Kind: protocol.CmdSend, Text: line}); err != nil {
			t.Fatalf("send before Run: %v", err)
		}
	}
	out := newCollector()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, out.emit) }()
	defer func() { cancel(); <-done }()
	snap := seen(t, srv, "three frames", func(s rawtest.Snapshot) bool { return len(s.Conns) == 1 && len(s.Conns[0].Received) == 3 })
	if got := snap.Conns[0].Received; strings.Join(got, ",") != "first,a,b" {
		t.Errorf("server received %q", got)
	}
	// Sent by hand on an open connection: at once, shown as sent.
	if err := s.Do(protocol.Command{Kind: protocol.CmdSend, Text: "c"}); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, "c shown as sent", func(u protocol.Update) bool {
		return u.Kind == protocol.KindSent && u.Frame.Op == protocol.OpText && u.Frame.Data == "c"
	})
	out.waitFor(t, "c echoed", event("text", "c"))
}

// Rule: the server's close frame is an event with its code and reason,
// and the session reconnects.
func TestServerCloseIsAnEvent(t *testing.T) {
	srv := server(t, rawtest.Options{})
	r := start(t, Config{URL: srv.URL, Options: fast()})
	r.out.waitFor(t, "live", phase(protocol.PhaseLive, 1))
	must(t, srv.CloseConn(1, 4001, "maintenance"))
	ev := r.out.waitFor(t, "the close event", event("close", "4001 (the application's own): maintenance"))
	if ev.Conn != 1 {
		t.Errorf("close event on connection %d", ev.Conn)
	}
	r.out.waitFor(t, "live again", phase(protocol.PhaseLive, 2))
}

// Rule: the session's secrets never reach an Update: a password or token
// in the URL, a secret header, the bearer token — in the URL shown, and
// in frames the server sends back.
func TestSecretsAreMasked(t *testing.T) {
	srv := server(t, rawtest.Options{})
	url := strings.Replace(srv.URL, "ws://", "ws://alice:pa55word@", 1) + "?room=1&token=query-secret"
	r := start(t, Config{URL: url, Header: http.Header{"X-Api-Key": {"key-secret-1"}, "X-Team": {"visible"}},
		OnConnect: []string{"echo: pa55word query-secret key-secret-1 visible"}, Options: fast()})
	if got := r.s.Endpoint(); strings.Contains(got, "pa55word") || strings.Contains(got, "query-secret") || !strings.Contains(got, "alice:***@") {
		t.Errorf("Endpoint = %q", got)
	}
	ev := r.out.waitFor(t, "the echo", event("text", "echo:"))
	if ev.Event.Summary != "echo: *** *** *** visible" {
		t.Errorf("echo shown as %q", ev.Event.Summary)
	}
	c := seen(t, srv, "the frame", func(s rawtest.Snapshot) bool { return len(s.Conns) == 1 && len(s.Conns[0].Received) == 1 }).Conns[0]
	if c.Header.Get("Authorization") != "Basic YWxpY2U6cGE1NXdvcmQ=" || c.Header.Get("X-Api-Key") != "key-secret-1" {
		t.Errorf("the server got %v: credentials must go out as given", c.Header)
	}
	if got := c.Received; len(got) != 1 || !strings.Contains(got[0], "pa55word") {
		t.Errorf("the server received %q: frames go out unmasked", got)
	}
	for _, u := range r.out.snapshot() {
		line, _ := json.Marshal(u)
		for _, s := range []string{"pa55word", "query-secret", "key-secret-1", "YWxpY2U6cGE1NXdvcmQ="} {
			if strings.Contains(string(line), s) {
				t.Errorf("%s was published: %s", s, line)
			}
		}
	}
	live := r.out.waitFor(t, "live", phase(protocol.PhaseLive, 1)).State
	var labels []string
	for _, f := range live.Context {
		labels = append(labels, f.Label+"="+f.Value)
	}
	if ctx := strings.Join(labels, "; "); !strings.Contains(ctx, "headers=Authorization (masked), X-Api-Key (masked), X-Team") {
		t.Errorf("context %s", ctx)
	}
}

// Rule: set_filters is not offered and refused: a raw stream has none.
func TestNoFilters(t *testing.T) {
	s, err := New(Config{URL: "ws://127.0.0.1:1/"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Controls().Has(protocol.CmdSetFilters) || !s.Controls().Has(protocol.CmdSend) || !s.Controls().Has(protocol.CmdDrop) {
		t.Errorf("controls %v", s.Controls())
	}
	if err := s.Do(protocol.Command{Kind: protocol.CmdSetFilters, Filters: []string{"x"}}); err == nil {
		t.Error("set_filters accepted")
	}
}

func TestParseHeader(t *testing.T) {
	for in, want := range map[string]string{
		"X-Team: evtap":             "X-Team=evtap",
		"x-team:evtap":              "X-Team=evtap",
		"Cookie:  a=1; b=2 ":        "Cookie=a=1; b=2",
		"Host: example.com":         "Host=example.com",
		"X-Empty:":                  "X-Empty=",
		"X-Url: http://a:b@c/d?e":   "X-Url=http://a:b@c/d?e",
		"no colon":                  "error: want 'Name: value'",
		": value":                   "error: has no name",
		"Bad Name: v":               "error: is not a header name",
		"X-Bad: a\r\nInjected: b":   "error: control character",
		"Upgrade: h2c":              "error: set by the WebSocket handshake",
		"sec-websocket-key: x":      "error: set by the WebSocket handshake",
		"Sec-WebSocket-Protocol: x": "error: --subprotocol",
	} {
		n, v, err := ParseHeader(in)
		got := n + "=" + v
		if err != nil {
			got = "error: " + err.Error()
		}
		if !strings.HasPrefix(want, "error: ") && got != want || strings.HasPrefix(want, "error: ") && !strings.Contains(got, strings.TrimPrefix(want, "error: ")) {
			t.Errorf("ParseHeader(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestCheckURL(t *testing.T) {
	for in, want := range map[string]string{
		"ws://127.0.0.1:8080/path?q=1": "",
		"wss://example.com":            "",
		"ws://[::1]:9/":                "",
		"http://example.com/":          "want ws:// or wss://",
		"ws:example.com":               "two slashes",
		"ws://":                        "has no host",
		"ws://:80/":                    "has no host",
		"ws://host/#frag":              "fragment",
		"ws://host:http/":              "", // url.Parse's own error
		"ws://ho st/":                  "invalid character",
	} {
		_, err := CheckURL(in)
		switch {
		case want == "" && err != nil && in != "ws://host:http/":
			t.Errorf("CheckURL(%q) = %v", in, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("CheckURL(%q) = %v, want %q", in, err, want)
		case in == "ws://host:http/" && err == nil:
			t.Errorf("CheckURL(%q) accepted a port that is no number", in)
		}
	}
}

// Rule: what cannot work is said before anything is dialled.
func TestNewRefusesWhatCannotWork(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.pem")
	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		c    Config
		want string
	}{
		{Config{URL: "http://x/"}, "want ws:// or wss://"},
		{Config{URL: "ws://x/", Subprotocols: []string{"a b"}}, "not a subprotocol name"},
		{Config{URL: "ws://x/", Subprotocols: []string{""}}, "not a subprotocol name"},
		{Config{URL: "wss://x/", Options: session.Options{CAFile: missing}}, "CA file"},
		{Config{URL: "wss://x/", Options: session.Options{CAFile: notPEM}}, "holds no PEM certificate"},
		{Config{URL: "ws://x/", Token: "t0ken", Header: http.Header{"Authorization": {"Basic x"}}}, "both given"},
		{Config{URL: "ws://u:p@x/", Token: "t0ken"}, "give one"},
		{Config{URL: "ws://x/", Origin: "https://a", Header: http.Header{"Origin": {"https://b"}}}, "Origin is given twice"},
		{Config{URL: "ws://x/", Token: "a\nb"}, "line break"},
	} {
		_, err := New(tc.c)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want %q", tc.c, err, tc.want)
		}
	}
}
