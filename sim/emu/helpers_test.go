package emu

import (
	"bytes"
	"encoding/json"

	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The tests build a tiny emulator on the core, as a provider would: a
// socket at /ws that greets, echoes what it reads, and gets numbered
// events from the pump ({"n":1}, {"n":2}, ...).

const waitFor = 5 * time.Second

type echo struct {
	*Server
	mu    sync.Mutex
	conns map[*Conn]bool
	n     int
}

func newEcho(t testing.TB, cfg Config) (*echo, string) {
	t.Helper()
	e := &echo{conns: map[*Conn]bool{}}
	if cfg.Name == "" {
		cfg.Name = "Echo"
	}
	cfg.Generate = e.generate
	e.Server = New(cfg)
	e.Handle("GET /ws", e.handleWS)
	base, err := e.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, base
}

func (e *echo) handleWS(w http.ResponseWriter, r *http.Request) {
	c, err := e.Upgrade(w, r, ConnOptions{})
	if err != nil {
		return
	}
	e.mu.Lock()
	e.conns[c] = true
	e.mu.Unlock()
	c.Send([]byte(`"hello"`))
	c.Serve(func(typ int, data []byte) { c.Send(data) })
	e.mu.Lock()
	delete(e.conns, c)
	e.mu.Unlock()
}

// generate makes n events for every connection.
func (e *echo) generate(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for c := range e.conns {
		for i := 0; i < n; i++ {
			e.n++
			e.AddGenerated(1)
			c.SendEvent([]byte(`{"n":`+strconv.Itoa(e.n)+`}`), nil)
		}
	}
}

// sendAll queues count events of size bytes on every connection.
func (e *echo) sendAll(count, size int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	body := bytes.Repeat([]byte("x"), size)
	for c := range e.conns {
		for i := 0; i < count; i++ {
			e.AddGenerated(1)
			c.SendEvent(body, nil)
		}
	}
}

type client struct {
	t  testing.TB
	ws *websocket.Conn
}

// dial connects and reads the greeting.
func dial(t testing.TB, base string) *client {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	c := &client{t: t, ws: ws}
	if got := c.read(); got != `"hello"` {
		t.Fatalf("greeting %q", got)
	}
	return c
}

func (c *client) read() string {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(waitFor))
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return string(data)
}

// readClosed expects the connection to end and returns how.
func (c *client) readClosed() error {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(waitFor))
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
				c.t.Fatalf("connection still open")
			}
			return err
		}
		_ = data
	}
}

func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// post calls a control action and returns the status and decoded answer.
func post(t testing.TB, base, action, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(base+ControlPrefix+action, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: answer %q is not JSON", action, b)
	}
	return resp.StatusCode, out
}

func getCounters(t testing.TB, base string) Counters {
	t.Helper()
	resp, err := http.Get(base + ControlPrefix + "counters")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c Counters
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
		t.Fatal(err)
	}
	return c
}
