package emu

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

type countTracker struct{ n, lost atomic.Int64 }

func (c *countTracker) Delivered() { c.n.Add(1) }
func (c *countTracker) Discarded() { c.lost.Add(1) }

// only returns the one open connection of e.
func (e *echo) only(t testing.TB) *Conn {
	t.Helper()
	var c *Conn
	eventually(t, "one connection", func() bool {
		e.mu.Lock()
		defer e.mu.Unlock()
		for x := range e.conns {
			c = x
		}
		return len(e.conns) == 1
	})
	return c
}

func TestFramesLeaveInOrderAndEventsAreCountedWhenWritten(t *testing.T) {
	e, base := newEcho(t, Config{})
	cl := dial(t, base)
	c := e.only(t)
	var tr countTracker
	const n = 5000 // several batches
	for i := 0; i < n; i++ {
		c.SendEvent([]byte(strconv.Itoa(i)), &tr)
	}
	for i := 0; i < n; i++ {
		if got := cl.read(); got != strconv.Itoa(i) {
			t.Fatalf("frame %d is %q", i, got)
		}
	}
	eventually(t, "every event counted", func() bool { return tr.n.Load() == n && e.Counters().Delivered == n })
	cl.ws.WriteMessage(websocket.TextMessage, []byte("ping me back"))
	if got := cl.read(); got != "ping me back" {
		t.Fatalf("echo %q", got)
	}
}

func TestHoldDelaysWhatFollows(t *testing.T) {
	e, base := newEcho(t, Config{})
	cl := dial(t, base)
	c := e.only(t)
	c.Send([]byte("before"))
	c.Hold(150 * time.Millisecond)
	c.Send([]byte("after"))
	cl.read()
	t0 := time.Now()
	if got := cl.read(); got != "after" {
		t.Fatalf("got %q", got)
	}
	if d := time.Since(t0); d < 100*time.Millisecond {
		t.Fatalf("the frame after Hold came %s after the one before", d)
	}
}

func TestCloseSendsPrefaceThenCodeAfterTheQueue(t *testing.T) {
	e, base := newEcho(t, Config{})
	cl := dial(t, base)
	c := e.only(t)
	c.Send([]byte("queued"))
	c.Close(4001, strings.Repeat("r", 200), []byte("last words"))
	if a, b := cl.read(), cl.read(); a != "queued" || b != "last words" {
		t.Fatalf("got %q, %q", a, b)
	}
	err := cl.readClosed()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4001 || len(ce.Text) != maxCloseReason {
		t.Fatalf("close: %v", err)
	}
	eventually(t, "the connection to end", func() bool { return e.Counters().Open == 0 })
}

func TestCloseNowGoesAheadOfTheQueue(t *testing.T) {
	e, base := newEcho(t, Config{})
	cl := dial(t, base)
	c := e.only(t)
	e.SetFrameDelay(50 * time.Millisecond) // the queue cannot drain before CloseNow
	for i := 0; i < 10; i++ {
		c.Send([]byte("backlog"))
	}
	c.CloseNow(1000, "idle", []byte("Error"))
	seen := 0
	for {
		_ = cl.ws.SetReadDeadline(time.Now().Add(waitFor))
		_, data, err := cl.ws.ReadMessage()
		if err != nil {
			break
		}
		if string(data) == "Error" {
			if seen > 1 {
				t.Fatalf("%d backlog frames went before the urgent close", seen)
			}
			return
		}
		seen++
	}
	t.Fatal("the preface of CloseNow never arrived")
}

func TestKillCutsWithoutHandshakeAndCountsWhatWasUnsent(t *testing.T) {
	e, base := newEcho(t, Config{})
	cl := dial(t, base)
	c := e.only(t)
	e.SetFrameDelay(time.Second)
	var tr countTracker
	for i := 0; i < 3; i++ {
		c.SendEvent([]byte("never"), &tr)
	}
	c.Kill()
	err := cl.readClosed()
	var ce *websocket.CloseError
	if errors.As(err, &ce) && ce.Code != websocket.CloseAbnormalClosure {
		t.Fatalf("a kill sent a close frame: %v", err)
	}
	eventually(t, "the connection to end", func() bool { return e.Counters().Open == 0 })
	// The first event may have left the queue before the delay; the rest
	// were discarded with it.
	if got := e.Counters().Unsent; got < 2 {
		t.Fatalf("unsent %d, want the events still queued", got)
	}
	if c.SendEvent([]byte("late"), &tr) {
		t.Fatal("a dead connection accepted a frame")
	}
	// Every event is accounted for exactly once: written or discarded.
	eventually(t, "each event written or discarded", func() bool { return tr.n.Load()+tr.lost.Load() == 4 })
	if tr.lost.Load() < 3 {
		t.Fatalf("tracker: %d delivered, %d discarded", tr.n.Load(), tr.lost.Load())
	}
}

// A client that lets too much pile up unread is cut, as a real server
// would cut it.
func TestAClientThatDoesNotReadIsCut(t *testing.T) {
	e, base := newEcho(t, Config{Limits: Limits{MaxConnFrames: 50}})
	cl := dial(t, base)
	c := e.only(t)
	e.SetFrameDelay(time.Second) // the writer takes nothing meanwhile
	for i := 0; i < 60; i++ {
		c.SendEvent([]byte("x"), nil)
	}
	cl.readClosed()
	eventually(t, "the cut to be counted", func() bool { return e.Counters().Cut == 1 && e.Counters().Open == 0 })
}

// Issue 13 item 18: memory was bounded per socket, not in total. With
// four clients that never read, all their backlogs together stay within
// MaxQueued: the longest is cut first.
func TestAllBacklogsTogetherStayWithinTheBudget(t *testing.T) {
	const budget = 1 << 20
	e, base := newEcho(t, Config{Limits: Limits{MaxQueued: budget}})
	var cls []*client
	for i := 0; i < 4; i++ {
		cls = append(cls, dial(t, base))
	}
	eventually(t, "four connections", func() bool { e.mu.Lock(); defer e.mu.Unlock(); return len(e.conns) == 4 })
	e.SetFrameDelay(time.Hour) // nothing leaves the queues
	for round := 0; round < 8; round++ {
		e.sendAll(1, 64<<10)
		if q := e.Counters().Queued; q > budget {
			t.Fatalf("round %d: %d bytes queued, budget %d", round, q, budget)
		}
	}
	c := e.Counters()
	if c.Cut == 0 {
		t.Fatalf("2 MiB queued against a 1 MiB budget and nobody was cut: %+v", c)
	}
	if c.Queued > budget {
		t.Fatalf("%d bytes queued, budget %d", c.Queued, budget)
	}
}

func TestConnectionsBeyondMaxConnsAreRefused(t *testing.T) {
	e, base := newEcho(t, Config{Limits: Limits{MaxConns: 2}})
	dial(t, base)
	dial(t, base)
	_, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("third connection: %v %v", resp, err)
	}
	if got := e.Counters().Refused; got != 1 {
		t.Fatalf("refused %d", got)
	}
}

func TestReorderSwapsAdjacentEventsOnly(t *testing.T) {
	e, base := newEcho(t, Config{})
	cl := dial(t, base)
	c := e.only(t)
	e.SetReorder(true)
	e.SetFrameDelay(20 * time.Millisecond) // all of them queue before the first leaves
	for _, f := range []string{"e1", "e2", "e3", "e4"} {
		c.SendEvent([]byte(f), nil)
	}
	c.Send([]byte("answer"))
	c.SendEvent([]byte("e5"), nil)
	var got []string
	for i := 0; i < 6; i++ {
		got = append(got, cl.read())
	}
	if want := "[e2 e1 e4 e3 answer e5]"; fmt.Sprint(got) != want {
		t.Fatalf("order %v, want %s", got, want)
	}
}

func TestNoFrameLargerThanMaxFrameIsWritten(t *testing.T) {
	var log syncBuffer
	e, base := newEcho(t, Config{Limits: Limits{MaxFrame: 1000}, Log: &log})
	cl := dial(t, base)
	c := e.only(t)
	if c.Send(make([]byte, 1001)) {
		t.Fatal("an oversized frame was queued")
	}
	c.Send([]byte("small"))
	if got := cl.read(); got != "small" {
		t.Fatalf("got %q", got)
	}
	if !strings.Contains(log.String(), "not sent: larger than") {
		t.Fatalf("log: %s", log.String())
	}
}

// With PongTimeout only a pong moves the read deadline: a client that
// keeps sending frames but never answers a ping is dropped when the
// timeout passes, and Serve reports a timeout.
func TestPongTimeoutIgnoresFramesAndReportsATimeout(t *testing.T) {
	s := New(Config{Name: "Pong"})
	errc := make(chan error, 1)
	s.Handle("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := s.Upgrade(w, r, ConnOptions{PingInterval: 10 * time.Millisecond, PongTimeout: 200 * time.Millisecond})
		if err != nil {
			return
		}
		errc <- c.Serve(func(int, []byte) {})
	})
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.SetPingHandler(func(string) error { return nil }) // never answers
	go func() {
		for ws.WriteMessage(websocket.TextMessage, []byte("still here")) == nil {
			time.Sleep(20 * time.Millisecond)
		}
	}()
	go func() {
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	select {
	case err := <-errc:
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("Serve returned %v, want a timeout", err)
		}
	case <-time.After(waitFor):
		t.Fatal("a client that never answers pings was not dropped")
	}
}
