// Package rawtest is a WebSocket server for the tests of evtap's raw
// provider: written from RFC 6455 and from what wscat and websocat users
// point their tools at, never from evtap's client (if both were wrong the
// same way, the tests would pass and users would fail). It imports
// nothing of evtap's.
//
// It can want an upgrade header and a subprotocol, and refuses the
// upgrade with 401, a challenge and a header of its own otherwise; it
// greets each connection with a preamble and binary frames, echoes every
// frame it is sent, records what each connection sent, and drops or
// closes a connection when told.
package rawtest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Options shape the server.
type Options struct {
	// Header is "Name: value", a header every upgrade must carry; ""
	// requires none.
	Header string
	// Subprotocol must be among those offered; the server then agrees
	// on it. "" requires none.
	Subprotocol string
	// Preamble are text frames sent first on every connection.
	Preamble []string
	// Binary are binary frames sent after the preamble.
	Binary [][]byte
	// DropAfter cuts the first connection, with no close frame, once it
	// has received this many text frames (and echoed them); 0 never.
	DropAfter int
}

// Server is a running server.
type Server struct {
	// URL is ws://127.0.0.1:port/events; any path is served.
	URL string

	o       Options
	ln      net.Listener
	srv     *http.Server
	mu      sync.Mutex
	snap    Snapshot
	conns   []*conn
	changed chan struct{} // closed and replaced on every change
}

// Snapshot is what the server has seen so far.
type Snapshot struct {
	Conns   []Conn // in the order they were upgraded
	Refused int    // upgrades refused
}

// Conn is one connection as the server saw it.
type Conn struct {
	Header      http.Header // the upgrade request's headers
	Subprotocol string      // agreed on
	Received    []string    // text frames, in order
	Binary      int         // binary frames received
	Open        bool
}

type conn struct {
	ws   *websocket.Conn
	done chan struct{}
}

// Start listens on a free loopback port.
func Start(o Options) (*Server, error) {
	if o.Header != "" && !strings.Contains(o.Header, ":") {
		return nil, fmt.Errorf("rawtest: header %q: want 'Name: value'", o.Header)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "ws://" + ln.Addr().String() + "/events", o: o, ln: ln, changed: make(chan struct{})}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 5 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server and cuts every connection.
func (s *Server) Close() {
	_ = s.srv.Close()
	s.mu.Lock()
	conns := append([]*conn(nil), s.conns...)
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.ws.NetConn().Close()
		<-c.done
	}
}

func (s *Server) accepts(r *http.Request) bool {
	if s.o.Header != "" {
		name, value, _ := strings.Cut(s.o.Header, ":")
		if r.Header.Get(strings.TrimSpace(name)) != strings.TrimSpace(value) {
			return false
		}
	}
	if s.o.Subprotocol != "" {
		for _, p := range websocket.Subprotocols(r) {
			if p == s.o.Subprotocol {
				return true
			}
		}
		return false
	}
	return true
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if !s.accepts(r) {
		s.update(func() { s.snap.Refused++ })
		w.Header().Set("WWW-Authenticate", `Bearer realm="rawtest"`)
		w.Header().Set("X-Refused-By", "rawtest")
		http.Error(w, "missing the header or subprotocol this server wants", http.StatusUnauthorized)
		return
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	if s.o.Subprotocol != "" {
		up.Subprotocols = []string{s.o.Subprotocol}
	}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader answered
	}
	c := &conn{ws: ws, done: make(chan struct{})}
	var n int
	s.update(func() {
		s.conns = append(s.conns, c)
		s.snap.Conns = append(s.snap.Conns, Conn{Header: r.Header.Clone(), Subprotocol: ws.Subprotocol(), Open: true})
		n = len(s.conns)
	})
	defer func() {
		ws.Close()
		s.update(func() { s.snap.Conns[n-1].Open = false })
		close(c.done)
	}()
	for _, p := range s.o.Preamble {
		if ws.WriteMessage(websocket.TextMessage, []byte(p)) != nil {
			return
		}
	}
	for _, b := range s.o.Binary {
		if ws.WriteMessage(websocket.BinaryMessage, b) != nil {
			return
		}
	}
	texts := 0
	for {
		typ, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		s.update(func() {
			if typ == websocket.TextMessage {
				s.snap.Conns[n-1].Received = append(s.snap.Conns[n-1].Received, string(data))
			} else {
				s.snap.Conns[n-1].Binary++
			}
		})
		if ws.WriteMessage(typ, data) != nil {
			return
		}
		if typ == websocket.TextMessage {
			texts++
		}
		if n == 1 && s.o.DropAfter > 0 && texts == s.o.DropAfter {
			return // no close frame: the deferred Close cuts the TCP connection
		}
	}
}

func (s *Server) update(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
	close(s.changed)
	s.changed = make(chan struct{})
}

// Snapshot is a copy of what the server has seen.
func (s *Server) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.copyLocked()
}

func (s *Server) copyLocked() Snapshot {
	c := Snapshot{Refused: s.snap.Refused, Conns: make([]Conn, len(s.snap.Conns))}
	for i, sc := range s.snap.Conns {
		sc.Received = append([]string(nil), sc.Received...)
		c.Conns[i] = sc
	}
	return c
}

// Wait waits up to d for cond to hold of what the server has seen, and
// returns it; the error names what was waited for.
func (s *Server) Wait(d time.Duration, what string, cond func(Snapshot) bool) (Snapshot, error) {
	deadline := time.After(d)
	for {
		s.mu.Lock()
		snap, ch := s.copyLocked(), s.changed
		s.mu.Unlock()
		if cond(snap) {
			return snap, nil
		}
		select {
		case <-ch:
		case <-deadline:
			return snap, fmt.Errorf("rawtest: waited %s for %s; the server saw %d connection(s), %d refused", d, what, len(snap.Conns), snap.Refused)
		}
	}
}

func (s *Server) conn(n int) (*conn, error) {
	if _, err := s.Wait(10*time.Second, fmt.Sprintf("connection %d", n), func(sn Snapshot) bool { return len(sn.Conns) >= n }); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns[n-1], nil
}

// Drop cuts connection n (1-based) with no close frame, as a network
// failure would, and returns once the server has let go of it.
func (s *Server) Drop(n int) error {
	c, err := s.conn(n)
	if err != nil {
		return err
	}
	_ = c.ws.NetConn().Close()
	<-c.done
	return nil
}

// CloseConn closes connection n cleanly, with code and reason, and
// returns once the server has let go of it.
func (s *Server) CloseConn(n, code int, reason string) error {
	c, err := s.conn(n)
	if err != nil {
		return err
	}
	err = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	if err != nil && !errors.Is(err, websocket.ErrCloseSent) {
		return err
	}
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		_ = c.ws.NetConn().Close() // the client never answered the close
		<-c.done
	}
	return nil
}
