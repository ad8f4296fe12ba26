package session

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

// Rule: a Target's headers, subprotocols and Origin reach the server; the
// subprotocol the server chose is shown with the upgraded state.
func TestTargetHeadersSubprotocolsAndOriginReachTheServer(t *testing.T) {
	seen := make(chan http.Header, 1)
	up := &websocket.Upgrader{Subprotocols: []string{"v2.events"}, CheckOrigin: func(r *http.Request) bool {
		return r.Header.Get("Origin") == "https://app.example"
	}}
	url := wsServer(t, up, func(ws *websocket.Conn, r *http.Request) {
		seen <- r.Header.Clone()
		drain(ws)
	})
	p := &fake{opened: live, target: func(context.Context, Link) (Target, error) {
		return Target{URL: url, Header: http.Header{"X-Tenant": {"acme"}}, Subprotocols: []string{"v1.events", "v2.events"}, Origin: "https://app.example"}, nil
	}}
	r := run(t, p, fast())
	ups := r.out.waitFor(t, "live", liveOn(1))
	h := <-seen
	if h.Get("X-Tenant") != "acme" || h.Get("Sec-Websocket-Protocol") != "v1.events, v2.events" {
		t.Errorf("server saw %v", h)
	}
	i := index(ups, func(u protocol.Update) bool { return u.State != nil && u.State.Phase == protocol.PhaseUpgraded })
	if i < 0 || ups[i].State.Info["subprotocol"] != "v2.events" {
		t.Errorf("upgraded state %+v, want the chosen subprotocol", ups[i].State)
	}
}

// Rule: a refused upgrade shows its HTTP status and the answer's headers
// (State.Info) and the server's message; refused twice before the
// session ever worked, it is final.
func TestRefusedUpgradeShowsStatusAndHeaders(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="events", error="invalid_token"`)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"message":"token expired"}`))
	}))
	t.Cleanup(hs.Close)
	r := run(t, &fake{url: "ws" + strings.TrimPrefix(hs.URL, "http")}, fast())
	err := r.result(t)
	var rej *RejectedError
	if !errors.As(err, &rej) || rej.Where != "upgrade" || rej.Status != 401 || rej.Message != "token expired" {
		t.Fatalf("Run = %#v", err)
	}
	ups := r.out.snapshot()
	var dropped, rejected *protocol.State
	for _, st := range states(ups) {
		switch st.Phase {
		case protocol.PhaseDropped:
			dropped = &st
		case protocol.PhaseRejected:
			rejected = &st
		}
	}
	for _, st := range []*protocol.State{dropped, rejected} {
		if st == nil || st.HTTPStatus != 401 || st.Info["Www-Authenticate"] != `Bearer realm="events", error="invalid_token"` ||
			st.Info["Content-Type"] != "application/json" || !strings.Contains(st.Cause, "token expired") {
			t.Errorf("state %+v, want status, headers and message\n%s", st, dump(ups))
		}
	}
}

// Rule: TLS to a server with a certificate the system does not trust
// fails with a hint; Insecure, or the server's CA in CAFile, connects.
func TestTLSOptions(t *testing.T) {
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		drain(ws)
	}))
	hs.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is the point
	hs.StartTLS()
	t.Cleanup(hs.Close)
	url := "wss" + strings.TrimPrefix(hs.URL, "https")
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hs.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("untrusted", func(t *testing.T) {
		opt := fast()
		opt.MaxRetries = 1
		r := run(t, &fake{url: url}, opt)
		err := r.result(t)
		if !errors.Is(err, ErrGaveUp) || !strings.Contains(err.Error(), "CA file") {
			t.Errorf("Run = %v, want a certificate failure with a hint", err)
		}
	})
	for name, set := range map[string]func(*Options){
		"insecure": func(o *Options) { o.Insecure = true },
		"CA file":  func(o *Options) { o.CAFile = ca },
	} {
		t.Run(name, func(t *testing.T) {
			opt := fast()
			set(&opt)
			r := run(t, &fake{url: url, opened: live}, opt)
			r.out.waitFor(t, "live over TLS", liveOn(1))
		})
	}
	t.Run("bad CA file", func(t *testing.T) {
		opt := fast()
		opt.CAFile = filepath.Join(t.TempDir(), "missing.pem")
		if _, err := opt.TLSConfig(); err == nil {
			t.Error("TLSConfig accepted a missing CA file")
		}
		r := run(t, &fake{url: url}, opt)
		if err := r.result(t); err == nil || !strings.Contains(err.Error(), "CA file") {
			t.Errorf("Run = %v, want the CA file named", err)
		}
	})
}

// Rule (issue 13, item 17): a connection whose subscription is never
// answered does not stay idle for ever: after Target.WorkingTimeout it
// is dropped, said why, and retried; one that works in time stays.
func TestConnectionNotWorkingInTimeIsRetried(t *testing.T) {
	url := wsServer(t, nil, func(ws *websocket.Conn, r *http.Request) { drain(ws) }) // never answers
	p := &fake{opened: func(l Link) { l.Healthy() }, target: func(context.Context, Link) (Target, error) {
		return Target{URL: url, WorkingTimeout: 50 * time.Millisecond}, nil
	}}
	r := run(t, p, fast())
	ups := r.out.waitFor(t, "a second connection", func(ups []protocol.Update) bool { return countPhase(ups, protocol.PhaseBackoff) > 0 })
	i := index(ups, func(u protocol.Update) bool { return u.State != nil && u.State.Phase == protocol.PhaseDropped })
	if i < 0 || !strings.Contains(ups[i].State.Cause, "not working 50ms after opening") {
		t.Fatalf("no drop naming the missing confirmation\n%s", dump(ups))
	}

	// One that works in time stays: the server speaks again well after
	// the timeout, on the same connection.
	late := wsServer(t, nil, func(ws *websocket.Conn, r *http.Request) {
		_ = ws.WriteMessage(websocket.TextMessage, []byte("subscribed"))
		<-time.After(200 * time.Millisecond)
		_ = ws.WriteMessage(websocket.TextMessage, []byte("later"))
		drain(ws)
	})
	worked := &fake{receive: func(l Link, msg any) {
		if msg == "subscribed" {
			l.Working()
		}
	}, target: func(context.Context, Link) (Target, error) {
		return Target{URL: late, WorkingTimeout: 50 * time.Millisecond}, nil
	}}
	r2 := run(t, worked, fast())
	ups = r2.out.waitFor(t, "the late frame", func(ups []protocol.Update) bool { return recvText(ups, 0, "later") })
	if n := countPhase(ups, protocol.PhaseDropped); n != 0 || !recvText(ups, 1, "later") {
		t.Errorf("a working connection was dropped\n%s", dump(ups))
	}
}

// Rule: a Provider's End runs once when the session ends, after the last
// connection closed and before the closed state, with REST still
// working; a long-poll connection refuses to send.
func TestEndRunsBeforeTheClosedState(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(api.Close)
	var mu sync.Mutex
	var ended []error
	_, base := newPubsub(t, time.Minute)
	p := newPoller(base)
	p.end = func(ctx context.Context, l Link) {
		_, err := l.REST(ctx, Request{Where: "delete", Method: http.MethodDelete, URL: api.URL + "/subscription/1"})
		mu.Lock()
		ended = append(ended, err)
		mu.Unlock()
	}
	r := run(t, p, fast())
	r.out.waitFor(t, "live", liveOn(1))
	_ = r.s.Do(protocol.Command{Kind: protocol.CmdSend, Text: "hello"})
	r.out.waitFor(t, "the send refused", func(ups []protocol.Update) bool {
		return index(ups, func(u protocol.Update) bool { return u.Error != nil && strings.Contains(u.Error.Message, "long-poll") }) >= 0
	})
	_ = r.s.Do(protocol.Command{Kind: protocol.CmdClose})
	if err := r.result(t); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ended) != 1 || ended[0] != nil {
		t.Fatalf("End ran %d times (%v), want once with its REST call working", len(ended), ended)
	}
	ups := r.out.snapshot()
	del := index(ups, func(u protocol.Update) bool {
		return u.Kind == protocol.KindSent && u.Frame.Op == protocol.OpHTTP && strings.Contains(u.Frame.Data, `"DELETE"`)
	})
	st := states(ups)
	if del < 0 || st[len(st)-1].Phase != protocol.PhaseClosed || ups[len(ups)-1].State == nil {
		t.Errorf("the DELETE at %d, the last update %+v: want the DELETE, then closed last", del, ups[len(ups)-1])
	}
}

// A CA file given by mistake (/dev/zero) is refused, not read for ever.
func TestAnEndlessCAFileIsRefused(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := Options{CAFile: "/dev/zero"}.TLSConfig()
	if err == nil || !strings.Contains(err.Error(), "not a CA file") {
		t.Fatalf("got %v", err)
	}
}
