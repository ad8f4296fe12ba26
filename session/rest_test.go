package session

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

// restSession is a session ready to make exchanges without running:
// what Run sets up, minus the connection loop.
func restSession(t *testing.T) (*Session, *collector) {
	t.Helper()
	s := New(&fake{}, fast())
	var err error
	if s.dialer, s.client, err = s.opt.clients(); err != nil {
		t.Fatal(err)
	}
	out := newCollector()
	s.emit, s.start = out.emit, time.Now()
	return s, out
}

// Rule: a REST call from Prepare is published as a sent http frame with
// the client's credentials masked (Authorization keeps its scheme; the
// secret form, JSON and query fields are hidden; everything else is
// verbatim) and its answer as a received one, verbatim, with its
// duration; the decoder's message for the answer comes back in
// Response.Msg.
func TestRESTFromPrepareIsPublishedMasked(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Authorization") != "Basic QUJDOkRFRg==" || !strings.Contains(string(body), "assertion=JWT-SECRET") {
			w.WriteHeader(http.StatusBadRequest) // the real values reach the server
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"AT-ISSUED","expires_in":3600}`))
	}))
	t.Cleanup(api.Close)
	sock := wsServer(t, nil, func(ws *websocket.Conn, _ *http.Request) { drain(ws) })

	var got *Response
	p := &fake{opened: live, target: func(ctx context.Context, l Link) (Target, error) {
		var err error
		got, err = l.REST(ctx, Request{Where: "token", Method: http.MethodPost, URL: api.URL + "/oauth/token?apikey=K1&page=2",
			Header: http.Header{"Authorization": {"Basic QUJDOkRFRg=="}, "Content-Type": {"application/x-www-form-urlencoded"}},
			Body:   []byte("grant_type=urn%3Ajwt&assertion=JWT-SECRET&client_id=app")})
		if err != nil {
			return Target{}, err
		}
		return Target{URL: sock}, nil
	}}
	r := run(t, p, fast())
	ups := r.out.waitFor(t, "live", func(ups []protocol.Update) bool { return countPhase(ups, protocol.PhaseLive) > 0 })
	reqs, resps := httpFrames(t, ups)
	if len(reqs) != 1 || len(resps) != 1 {
		t.Fatalf("%d requests and %d answers published, want 1 and 1\n%s", len(reqs), len(resps), dump(ups))
	}
	q, a := reqs[0], resps[0]
	if q.Method != "POST" || q.URL != api.URL+"/oauth/token?apikey=***&page=2" {
		t.Errorf("request %s %s", q.Method, q.URL)
	}
	if q.Header["Authorization"] != "Basic ***" || q.Header["Content-Type"] != "application/x-www-form-urlencoded" {
		t.Errorf("request headers %v", q.Header)
	}
	if q.Body != "grant_type=urn%3Ajwt&assertion=***&client_id=app" {
		t.Errorf("request body %q", q.Body)
	}
	if a.ID != q.ID || a.Status != 200 || a.Body != `{"access_token":"AT-ISSUED","expires_in":3600}` || a.Header["Content-Type"] != "application/json" {
		t.Errorf("answer %+v: want it verbatim, paired with its request", a)
	}
	if a.Duration <= 0 {
		t.Error("answer without a duration")
	}
	for _, u := range ups {
		if u.Frame == nil {
			continue
		}
		for _, secret := range []string{"JWT-SECRET", "QUJDOkRFRg", "K1"} {
			if strings.Contains(u.Frame.Data, secret) {
				t.Errorf("credential %s was published: %s", secret, u.Frame.Data)
			}
		}
	}
	if m, ok := got.Msg.(protocol.HTTPResponse); !ok || m.Body != a.Body || string(got.Body) != a.Body || got.Status != 200 {
		t.Errorf("Response %+v: want the body and the decoder's message", got)
	}
}

// Rule: JSON bodies are masked field by field, at any depth, keeping key
// order and every other value.
func TestJSONBodiesAreMaskedFieldByField(t *testing.T) {
	m := masker{extra: []string{"PATH-KEY"}}
	cases := []struct{ in, want string }{
		{`{"user":{"name":"ann","password":"pw"},"apiKey":"k","list":[{"refresh_token":{"a":1}}],"n":1.50}`,
			`{"user":{"name":"ann","password":"***"},"apiKey":"***","list":[{"refresh_token":"***"}],"n":1.50}`},
		{`{ "eventFilters": ["/a"], "deliveryMode": {"transportType": "PubNub"} }`,
			`{ "eventFilters": ["/a"], "deliveryMode": {"transportType": "PubNub"} }`}, // nothing to mask: verbatim
		{`{"secret":"s", "note":"PATH-KEY"}`, `{"secret":"***","note":"***"}`},
		{`{"password": "unterminated`, `*** (the body could not be parsed to mask its credentials)`},
		{`not json {"password"`, `*** (the body could not be parsed to mask its credentials)`},
	}
	for _, c := range cases {
		if got := m.body("application/json", []byte(c.in)); got != c.want {
			t.Errorf("body(%s)\n = %s\nwant %s", c.in, got, c.want)
		}
	}
	deep := strings.Repeat(`{"a":`, 500) + `{"password":"DEEP"}` + strings.Repeat(`}`, 500)
	if got := m.body("application/json", []byte(deep)); strings.Contains(got, "DEEP") {
		t.Error("a secret nested 500 deep survived")
	}
	if got := m.url("https://user:pw@host/p/PATH-KEY?auth=a&x=1&Signature=s"); got != "https://user:***@host/p/***?auth=***&x=1&Signature=***" {
		t.Errorf("url = %s", got)
	}
	h := m.requestHeader(http.Header{"X-Api-Key": {"k"}, "Cookie": {"c"}, "Authorization": {"Bearer t"}, "Accept": {"a"}})
	if h["X-Api-Key"] != Mask || h["Cookie"] != Mask || h["Authorization"] != "Bearer ***" || h["Accept"] != "a" {
		t.Errorf("headers %v", h)
	}
}

// Rule: answers are classified as the providers need them: 2xx ok; a
// 4xx (not 408 or 429) a *RejectedError with the status, the provider's
// code and message and the answer for the caller's own parsing; 408, 429,
// 5xx and network errors a *Retryable, with Retry-After (429, 503).
func TestRESTAnswersAreClassified(t *testing.T) {
	type answer struct {
		status int
		header map[string]string
		body   string
	}
	next := make(chan answer, 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := <-next
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}))
	t.Cleanup(api.Close)
	s, out := restSession(t)
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	cases := []struct {
		name     string
		a        answer
		rejected bool
		retry    bool
		after    time.Duration // at least
		code     string
	}{
		{name: "ok", a: answer{status: 201, body: `{}`}},
		{name: "refused", a: answer{status: 401, body: `{"errorCode":"OAU-123","message":"Invalid token"}`}, rejected: true, code: "OAU-123"},
		{name: "not found", a: answer{status: 404, body: `{"error":{"message":"no such websocket"}}`}, rejected: true},
		{name: "timeout", a: answer{status: 408}, retry: true},
		{name: "rate limited", a: answer{status: 429, header: map[string]string{"Retry-After": "3"}}, retry: true, after: 3 * time.Second},
		{name: "unavailable", a: answer{status: 503, header: map[string]string{"Retry-After": date}}, retry: true, after: 80 * time.Second},
		{name: "hostile retry-after", a: answer{status: 429, header: map[string]string{"Retry-After": "99999999"}}, retry: true, after: MaxRetryAfter},
		{name: "server error", a: answer{status: 500, body: "boom"}, retry: true},
	}
	for _, c := range cases {
		next <- c.a
		resp, err := s.exchange(context.Background(), 1, Request{Where: "renew", URL: api.URL}, time.Second)
		var rej *RejectedError
		var rt *Retryable
		switch {
		case c.rejected:
			if !errors.As(err, &rej) || rej.Where != "renew" || rej.Status != c.a.status || rej.Code != c.code || rej.Message == "" {
				t.Errorf("%s: err = %#v, want a refusal with status, code and message", c.name, err)
			}
		case c.retry:
			if !errors.As(err, &rt) || rt.Status != c.a.status || rt.RetryAfter < c.after || rt.RetryAfter > MaxRetryAfter {
				t.Errorf("%s: err = %#v, want retryable after at least %s", c.name, err, c.after)
			}
		default:
			if err != nil {
				t.Errorf("%s: err = %v", c.name, err)
			}
		}
		if resp == nil || resp.Status != c.a.status || string(resp.Body) != c.a.body {
			t.Errorf("%s: response %+v, want the answer for the caller to parse", c.name, resp)
		}
	}
	api.Close()
	_, err := s.exchange(context.Background(), 1, Request{Where: "renew", URL: api.URL}, time.Second)
	var rt *Retryable
	if !errors.As(err, &rt) || !strings.HasPrefix(err.Error(), "renew: ") {
		t.Errorf("network error: %v, want a retryable one", err)
	}
	_, resps := httpFrames(t, out.snapshot())
	if last := resps[len(resps)-1]; last.Status != 0 || last.Error == "" {
		t.Errorf("the failed exchange was published as %+v, want its error", last)
	}
	s.ended.Store(true)
	if _, err := s.exchange(context.Background(), 1, Request{URL: api.URL}, time.Second); err == nil {
		t.Error("an exchange after the session ended was made")
	}
}

// Rule: a refusal from Prepare's REST call before the session ever
// worked is final: rejected, with the status and the answer's headers in
// Info for the connection pane, and Run returns it.
func TestRESTRefusalInPrepareIsFinal(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"bad \u001b[31mkey"}`))
	}))
	t.Cleanup(api.Close)
	p := &fake{target: func(ctx context.Context, l Link) (Target, error) {
		_, err := l.REST(ctx, Request{Where: "token", Method: "POST", URL: api.URL})
		return Target{}, err
	}}
	r := run(t, p, fast())
	err := r.result(t)
	var rej *RejectedError
	if !errors.As(err, &rej) || rej.Where != "token" || rej.Code != "invalid_client" || rej.Message != "bad [31mkey" {
		t.Fatalf("Run = %#v, want the token refusal, sanitised", err)
	}
	var st *protocol.State
	for _, s := range states(r.out.snapshot()) {
		if s.Phase == protocol.PhaseRejected {
			st = &s
		}
	}
	if st == nil || st.HTTPStatus != 401 || st.Info["Www-Authenticate"] != `Bearer error="invalid_token"` {
		t.Fatalf("rejected state %+v", st)
	}
}

func TestRetryAfterReadsSecondsAndDates(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"0":                             0,
		"-5":                            0,
		"12":                            12 * time.Second,
		"soon":                          0,
		"Thu, 01 Jan 2026 00:00:30 GMT": 30 * time.Second,
		"Wed, 31 Dec 2025 00:00:00 GMT": 0, // in the past
		"999999999999999999999":         0, // not a number Go can hold
		"86400":                         MaxRetryAfter,
	} {
		if got := retryAfter(in, now); got != want {
			t.Errorf("retryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}
