package session

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

// bracket is a Placeholders that shows what it was asked for.
func bracket(kind, value string) string { return "[" + kind + ":" + value + "]" }

// Rule: a session run under WithPlaceholders masks each credential it
// publishes with that value's placeholder instead of ***: in a request's
// URL, headers and form or JSON body, a cookie it is given, and the URL
// its states name. Each secret so keeps its own name, and a token
// presented can be told to be the one issued.
func TestCredentialsAreMaskedWithThePlaceholdersGiven(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		w.Header().Set("Set-Cookie", "token=ISSUED; Path=/")
		_, _ = w.Write([]byte(`{"token":"ISSUED"}`))
	}))
	t.Cleanup(api.Close)
	sock := wsServer(t, nil, func(ws *websocket.Conn, _ *http.Request) { drain(ws) })
	p := &fake{opened: live, target: func(ctx context.Context, l Link) (Target, error) {
		if _, err := l.REST(ctx, Request{Where: "token", Method: http.MethodPost, URL: "http://u:p%40ss@" + strings.TrimPrefix(api.URL, "http://") + "/token?apikey=K%2B1&page=2",
			Header: http.Header{"Authorization": {"Basic QUJD"}, "Content-Type": {"application/x-www-form-urlencoded"}},
			Body:   []byte("grant_type=x&assertion=JWT-SECRET&client_id=app"), Mask: []string{"app"}}); err != nil {
			return Target{}, err
		}
		if _, err := l.REST(ctx, Request{Where: "login", Method: http.MethodPost, URL: api.URL + "/login",
			Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"user":"u","password":"pw","deep":{"token":{"a":1}}}`)}); err != nil {
			return Target{}, err
		}
		u := sock + "/events/T%2F1?token=ISSUED&x=1"
		return Target{URL: u, Masked: sock + "/events/***?token=***&x=1"}, nil
	}}
	r := &running{s: New(p, fast()), out: newCollector(), done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(WithPlaceholders(context.Background(), bracket))
	go func() { r.done <- r.s.Run(ctx, r.out.emit) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	ups := r.out.waitFor(t, "live", func(ups []protocol.Update) bool { return countPhase(ups, protocol.PhaseLive) > 0 })
	reqs, resps := httpFrames(t, ups)
	if len(reqs) != 2 || len(resps) != 2 {
		t.Fatalf("%d requests and %d answers, want 2 and 2\n%s", len(reqs), len(resps), dump(ups))
	}
	host := strings.TrimPrefix(api.URL, "http://")
	for what, c := range map[string][2]string{
		"the URL":           {reqs[0].URL, "http://u:[password:p@ss]@" + host + "/token?apikey=[apikey:K+1]&page=2"},
		"the Authorization": {reqs[0].Header["Authorization"], "Basic [authorization:QUJD]"},
		"the form body":     {reqs[0].Body, "grant_type=x&assertion=[assertion:JWT-SECRET]&client_id=[secret:app]"},
		"the JSON body":     {reqs[1].Body, `{"user":"u","password":"[password:pw]","deep":{"token":"***"}}`},
		"the cookie set":    {resps[0].Header["Set-Cookie"], "[set-cookie:token=ISSUED; Path=/]"},
		"the answer":        {resps[0].Body, `{"token":"ISSUED"}`},
	} {
		if c[0] != c[1] {
			t.Errorf("%s: %q, want %q", what, c[0], c[1])
		}
	}
	want := sock + "/events/[url_token:T/1]?token=[token:ISSUED]&x=1"
	for _, st := range states(ups) {
		if st.URL != "" && st.URL != want {
			t.Errorf("a state names %q, want %q", st.URL, want)
		}
	}
}

// Rule: a masked URL is rebuilt with placeholders only where it lines up
// with the URL dialled; otherwise it is shown masked, and nothing the
// mask hid comes back.
func TestRemaskKeepsTheMaskWhenTheURLsDoNotLineUp(t *testing.T) {
	cases := []struct{ url, masked, want string }{
		{"wss://h/ws?access_token=A1&wsc=W2", "wss://h/ws?access_token=***&wsc=***", "wss://h/ws?access_token=[access_token:A1]&wsc=[wsc:W2]"},
		{"wss://h/events/TOKEN", "wss://h/events/***", "wss://h/events/[url_token:TOKEN]"},
		{"ws://u:pw@h/x", "ws://u:***@h/x", "ws://u:[password:pw]@h/x"},
		{"wss://h/sub/KEY/c/0", "wss://h/sub/***/c/0", "wss://h/sub/[url_token:KEY]/c/0"},
		{"wss://other/ws?token=A", "wss://h/ws?token=***", "wss://h/ws?token=***"},
		{"wss://h/ws?token=A", "wss://h/ws?token=***&x=1", "wss://h/ws?token=***&x=1"},
		{"wss://h/ws?token=", "wss://h/ws?token=***", "wss://h/ws?token=***"},
		{"wss://h/a/b", "wss://h/******", "wss://h/******"},
	}
	for _, c := range cases {
		if got := remask(c.url, c.masked, bracket); got != c.want {
			t.Errorf("remask(%q, %q) = %q, want %q", c.url, c.masked, got, c.want)
		}
	}
}
