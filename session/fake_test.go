package session

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

// fake is a Provider whose every step a test can replace. Its decoder
// hands Receive the text of a text frame, the bytes of a binary one and
// the HTTPResponse of an http answer, and derives outage windows.
type fake struct {
	target  func(ctx context.Context, l Link) (Target, error) // nil: Target{URL: url}
	opened  func(l Link)
	receive func(l Link, msg any)
	poll    func(l Link) (Request, error)
	end     func(ctx context.Context, l Link)
	url     string

	mu       sync.Mutex
	prepared []int // connection numbers Prepare ran for
	lost     int
	got      []any
}

func (p *fake) Name() string { return "fake" }

func (p *fake) Decoder() protocol.Decoder {
	var o protocol.Outages
	return protocol.DecoderFunc(func(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
		if g := o.Observe(u); g != nil {
			dst = append(dst, protocol.Update{Kind: protocol.KindGap, Gap: g})
		}
		if u.Kind != protocol.KindRecv || u.Frame == nil {
			return dst, nil
		}
		switch u.Frame.Op {
		case protocol.OpText:
			return dst, string(raw)
		case protocol.OpBinary:
			return dst, append([]byte(nil), raw...)
		case protocol.OpHTTP:
			var r protocol.HTTPResponse
			if json.Unmarshal(raw, &r) == nil {
				return dst, r
			}
		}
		return dst, nil
	})
}

func (p *fake) Prepare(ctx context.Context, l Link) (Target, error) {
	p.mu.Lock()
	p.prepared = append(p.prepared, l.Conn())
	p.mu.Unlock()
	if p.target != nil {
		return p.target(ctx, l)
	}
	return Target{URL: p.url}, nil
}

func (p *fake) Opened(l Link) {
	if p.opened != nil {
		p.opened(l)
	}
}

func (p *fake) Receive(l Link, msg any) {
	p.mu.Lock()
	p.got = append(p.got, msg)
	p.mu.Unlock()
	if p.receive != nil {
		p.receive(l, msg)
	}
}

func (p *fake) Poll(l Link) (Request, error) {
	if p.poll == nil {
		return Request{}, fmt.Errorf("no poll")
	}
	return p.poll(l)
}

func (p *fake) End(ctx context.Context, l Link) {
	if p.end != nil {
		p.end(ctx, l)
	}
}

func (p *fake) Heartbeat(Link) []byte { return nil }

func (p *fake) Lost(time.Time) {
	p.mu.Lock()
	p.lost++
	p.mu.Unlock()
}

func (p *fake) SetFilters(Link, []string) error { return nil }

func (p *fake) lostCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lost
}

func (p *fake) preparedFor() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int(nil), p.prepared...)
}

// live is an Opened that says the connection is live and healthy at once,
// as a receive-only provider (Dialpad, raw) does.
func live(l Link) {
	l.Healthy()
	l.State(protocol.State{Phase: protocol.PhaseLive})
}

// running is a session under test.
type running struct {
	s    *Session
	out  *collector
	done chan error
	stop context.CancelFunc
}

// run starts p with opt and stops it at the end of the test.
func run(t *testing.T, p Provider, opt Options) *running {
	t.Helper()
	r := &running{s: New(p, opt), out: newCollector(), done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	go func() { r.done <- r.s.Run(ctx, r.out.emit) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	return r
}

// result waits for Run to return.
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

// fast are options for tests: millisecond backoff, no pings unless asked.
func fast() Options {
	return Options{
		Backoff:      Backoff{Base: time.Millisecond, Max: 4 * time.Millisecond, Rand: rand.New(rand.NewPCG(1, 2))},
		PingInterval: -1, HeartbeatInterval: -1, CloseWait: 500 * time.Millisecond,
		StableAfter: time.Hour,
	}
}

// wsServer serves WebSockets with handle, one goroutine per connection,
// and returns the ws:// URL. Connections still open at the end of the
// test are closed.
func wsServer(t testing.TB, up *websocket.Upgrader, handle func(ws *websocket.Conn, r *http.Request)) string {
	t.Helper()
	return wsServerOn(t, nil, up, handle)
}

// wsServerOn is wsServer on a listener of the test's (nil: any).
func wsServerOn(t testing.TB, l net.Listener, up *websocket.Upgrader, handle func(ws *websocket.Conn, r *http.Request)) string {
	t.Helper()
	if up == nil {
		up = &websocket.Upgrader{}
	}
	var mu sync.Mutex
	var conns []*websocket.Conn
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		mu.Lock()
		conns = append(conns, ws)
		mu.Unlock()
		defer ws.Close()
		handle(ws, r)
	}))
	if l != nil {
		hs.Listener.Close()
		hs.Listener = l
	}
	hs.Start()
	t.Cleanup(func() {
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		hs.Close()
	})
	return "ws" + strings.TrimPrefix(hs.URL, "http")
}

// drain reads until the connection fails, answering nothing.
func drain(ws *websocket.Conn) {
	for {
		if _, _, err := ws.ReadMessage(); err != nil {
			return
		}
	}
}

// states returns the states of ups, in order.
func states(ups []protocol.Update) []protocol.State {
	var out []protocol.State
	for _, u := range ups {
		if u.State != nil {
			out = append(out, *u.State)
		}
	}
	return out
}

func countPhase(ups []protocol.Update, p protocol.Phase) int {
	n := 0
	for _, st := range states(ups) {
		if st.Phase == p {
			n++
		}
	}
	return n
}

// recvText reports whether a text frame with data was received on conn
// (0: any).
func recvText(ups []protocol.Update, conn int, data string) bool {
	for _, u := range ups {
		if u.Kind == protocol.KindRecv && u.Frame.Op == protocol.OpText && u.Frame.Data == data && (conn == 0 || u.Conn == conn) {
			return true
		}
	}
	return false
}

// dump lists Updates for a failure message.
func dump(ups []protocol.Update) string {
	var b strings.Builder
	for _, u := range ups {
		fmt.Fprintf(&b, "  %d %s", u.Conn, u.Kind)
		switch {
		case u.State != nil:
			fmt.Fprintf(&b, " %s %q attempt=%d", u.State.Phase, u.State.Cause, u.State.Attempt)
		case u.Frame != nil:
			d := u.Frame.Data
			if len(d) > 100 {
				d = d[:100] + "…"
			}
			fmt.Fprintf(&b, " %s %s", u.Frame.Op, d)
		case u.Error != nil:
			fmt.Fprintf(&b, " %s: %s", u.Error.Where, u.Error.Message)
		case u.Gap != nil:
			fmt.Fprintf(&b, " %+v", *u.Gap)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
