package raw

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// echoServer is a WebSocket server written for these tests from RFC 6455
// and what wscat and websocat users point their tools at, not from the
// client: it wants a header and a subprotocol, refuses the upgrade with
// 401 and a challenge otherwise, greets each connection with a preamble,
// echoes what it is sent, sends a binary frame, and drops or closes a
// connection when told.
type echoServer struct {
	t   *testing.T
	url string // ws://127.0.0.1:port/events

	wantHeader, wantValue string // required header; "" requires none
	wantProto             string // required subprotocol; "" requires none
	preamble              []string
	binary                []byte

	mu      sync.Mutex
	conns   []*serverConn
	refused int
	changed chan struct{} // closed and replaced whenever anything above changes
}

// serverConn is one connection as the server saw it.
type serverConn struct {
	header   http.Header
	proto    string
	received []string // text frames, in order
	ws       *websocket.Conn
	done     chan struct{}
}

func newEchoServer(t *testing.T, configure func(*echoServer)) *echoServer {
	s := &echoServer{t: t, changed: make(chan struct{})}
	if configure != nil {
		configure(s)
	}
	hs := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
	})
	s.url = "ws" + strings.TrimPrefix(hs.URL, "http") + "/events"
	return s
}

func (s *echoServer) serve(w http.ResponseWriter, r *http.Request) {
	offered := websocket.Subprotocols(r)
	ok := s.wantHeader == "" || r.Header.Get(s.wantHeader) == s.wantValue
	if s.wantProto != "" {
		found := false
		for _, p := range offered {
			found = found || p == s.wantProto
		}
		ok = ok && found
	}
	if !ok {
		s.update(func() { s.refused++ })
		w.Header().Set("WWW-Authenticate", `Bearer realm="echo"`)
		w.Header().Set("X-Refused-By", "echo-server")
		http.Error(w, "who are you?", http.StatusUnauthorized)
		return
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	if s.wantProto != "" {
		up.Subprotocols = []string{s.wantProto}
	}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &serverConn{header: r.Header.Clone(), proto: ws.Subprotocol(), ws: ws, done: make(chan struct{})}
	s.update(func() { s.conns = append(s.conns, c) })
	defer close(c.done)
	defer ws.Close()
	for _, p := range s.preamble {
		if ws.WriteMessage(websocket.TextMessage, []byte(p)) != nil {
			return
		}
	}
	if s.binary != nil && ws.WriteMessage(websocket.BinaryMessage, s.binary) != nil {
		return
	}
	for {
		typ, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if typ == websocket.TextMessage {
			s.update(func() { c.received = append(c.received, string(data)) })
		}
		if ws.WriteMessage(typ, data) != nil {
			return
		}
	}
}

func (s *echoServer) update(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor waits until cond holds of the server's state, or fails the
// test after a deadline.
func (s *echoServer) waitFor(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		ok, ch := cond(), s.changed
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			s.t.Fatalf("server: timed out waiting for %s", what)
		}
	}
}

// conn returns the server's n-th connection (1-based) once it exists.
func (s *echoServer) conn(n int) *serverConn {
	s.t.Helper()
	s.waitFor(fmt.Sprintf("connection %d", n), func() bool { return len(s.conns) >= n })
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns[n-1]
}

// receivedOn is what connection n received, as the server saw it.
func (s *echoServer) receivedOn(n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.conns[n-1].received...)
}

// drop cuts connection n with no close frame, as a network failure would.
func (s *echoServer) drop(n int) {
	c := s.conn(n)
	_ = c.ws.NetConn().Close()
	<-c.done
}

// closeWith closes connection n cleanly with code and reason.
func (s *echoServer) closeWith(n int, code int, reason string) {
	c := s.conn(n)
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	<-c.done
}
