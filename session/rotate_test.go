package session

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

// ticker is a server that numbers events and sends each to every open
// connection, as Dialpad sends every event to each socket holding the
// subscription. A connection is subscribed before its upgrade completes,
// so a client that sees its socket open cannot miss what follows.
type ticker struct {
	mu    sync.Mutex
	conns map[chan int]bool
}

func newTicker(t *testing.T) string {
	tk := &ticker{conns: map[chan int]bool{}}
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for seq := 1; ; seq++ {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			tk.mu.Lock()
			for ch := range tk.conns {
				select {
				case ch <- seq:
				default: // a stuck client: it will see a gap
				}
			}
			tk.mu.Unlock()
		}
	}()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ch := make(chan int, 4096)
		tk.mu.Lock()
		tk.conns[ch] = true
		tk.mu.Unlock()
		defer func() {
			tk.mu.Lock()
			delete(tk.conns, ch)
			tk.mu.Unlock()
		}()
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		gone := make(chan struct{})
		go func() { drain(ws); close(gone) }()
		for {
			select {
			case seq := <-ch:
				if ws.WriteMessage(websocket.TextMessage, []byte(strconv.Itoa(seq))) != nil {
					return
				}
			case <-gone:
				return
			}
		}
	}))
	t.Cleanup(func() { close(stop); hs.CloseClientConnections(); hs.Close() })
	return "ws" + strings.TrimPrefix(hs.URL, "http")
}

// expiring returns a target function for url whose targets expire after
// life, rotated lead before expiry.
func expiring(url string, life, lead time.Duration, mbb bool) func(context.Context, Link) (Target, error) {
	return func(_ context.Context, l Link) (Target, error) {
		u := url + "?conn=" + strconv.Itoa(l.Conn())
		return Target{URL: u, Masked: u, ExpiresAt: time.Now().Add(life), RotateLead: lead, MakeBeforeBreak: mbb}, nil
	}
}

// liveOn reports whether connection n reported itself live.
func liveOn(n int) func([]protocol.Update) bool {
	return func(ups []protocol.Update) bool {
		for _, u := range ups {
			if u.Conn == n && u.State != nil && u.State.Phase == protocol.PhaseLive {
				return true
			}
		}
		return false
	}
}

func index(ups []protocol.Update, ok func(protocol.Update) bool) int {
	for i, u := range ups {
		if ok(u) {
			return i
		}
	}
	return -1
}

func gapsIn(ups []protocol.Update) []protocol.Gap {
	var out []protocol.Gap
	for _, u := range ups {
		if u.Gap != nil {
			out = append(out, *u.Gap)
		}
	}
	return out
}

// Rule: a target that expires is rotated before it does, make before
// break: rotating, a fresh Prepare, the new connection opened and live
// before the old one is closed. No drop, no backoff, no Lost, no outage
// window, and not one event lost across two rotations (the overlap
// delivers some twice, each with its own Conn).
func TestMakeBeforeBreakRotationLosesNothing(t *testing.T) {
	p := &fake{opened: live, target: expiring(newTicker(t), 400*time.Millisecond, 200*time.Millisecond, true)}
	r := run(t, p, fast())
	r.out.waitFor(t, "connection 3 live", liveOn(3))
	r.stop()
	if err := r.result(t); err != nil {
		t.Fatal(err)
	}
	ups := r.out.snapshot()
	for _, st := range states(ups) {
		switch st.Phase {
		case protocol.PhaseDropped, protocol.PhaseBackoff:
			t.Fatalf("a planned rotation reported %s (%s)\n%s", st.Phase, st.Cause, dump(ups))
		}
	}
	if n := countPhase(ups, protocol.PhaseRotating); n < 2 {
		t.Errorf("%d rotating states, want the rotations shown", n)
	}
	if p.lostCount() != 0 {
		t.Errorf("Lost ran %d times during make-before-break rotations", p.lostCount())
	}
	if g := gapsIn(ups); len(g) != 0 {
		t.Errorf("outage windows %+v across make-before-break rotations", g)
	}
	if got := p.preparedFor(); len(got) < 3 || got[0] != 1 || got[1] != 2 || got[2] != 3 {
		t.Errorf("Prepare ran for connections %v, want 1, 2, 3", got)
	}
	// Connection 2 was live before connection 1 closed.
	live2 := index(ups, func(u protocol.Update) bool {
		return u.Conn == 2 && u.State != nil && u.State.Phase == protocol.PhaseLive
	})
	close1 := index(ups, func(u protocol.Update) bool {
		return u.Conn == 1 && u.Kind == protocol.KindSent && u.Frame.Op == protocol.OpClose
	})
	if live2 < 0 || close1 < live2 {
		t.Errorf("connection 1 closed at %d, connection 2 live at %d: want live first", close1, live2)
	}
	if c := ups[close1].Frame.Data; c != "rotated to connection 2" {
		t.Errorf("close reason %q", c)
	}
	// Between connection 2's dial and its live, the pane said rotating.
	for _, u := range ups[:live2] {
		if u.Conn == 2 && u.State != nil && u.State.Phase != protocol.PhaseRotating {
			t.Errorf("connection 2 reported %s during the handover; want rotating", u.State.Phase)
		}
	}
	// Every event from the first to the last, none lost.
	seen := map[int]int{}
	lo, hi := 0, 0
	for _, u := range ups {
		if u.Kind == protocol.KindRecv && u.Frame.Op == protocol.OpText {
			n, err := strconv.Atoi(u.Frame.Data)
			if err != nil {
				t.Fatal(err)
			}
			if lo == 0 || n < lo {
				lo = n
			}
			hi = max(hi, n)
			seen[n] |= 1 << u.Conn
		}
	}
	twice := 0
	for n := lo; n <= hi; n++ {
		switch seen[n] {
		case 0:
			t.Fatalf("event %d lost (received %d..%d)", n, lo, hi)
		case 1<<1 | 1<<2, 1<<2 | 1<<3:
			twice++
		}
	}
	t.Logf("%d events, %d delivered twice during the overlaps", hi-lo+1, twice)
}

// Rule: without make-before-break, the old connection is closed first
// and the new one opened at once: rotating, no drop, no backoff, and the
// window between is an outage (events may have been lost).
func TestBreakBeforeMakeRotationIsNoFailure(t *testing.T) {
	p := &fake{opened: live, target: expiring(newTicker(t), 200*time.Millisecond, 100*time.Millisecond, false)}
	r := run(t, p, fast())
	ups := r.out.waitFor(t, "connection 2 live", liveOn(2))
	for _, st := range states(ups) {
		if st.Phase == protocol.PhaseDropped || st.Phase == protocol.PhaseBackoff {
			t.Fatalf("a planned rotation reported %s\n%s", st.Phase, dump(ups))
		}
	}
	rot := index(ups, func(u protocol.Update) bool { return u.State != nil && u.State.Phase == protocol.PhaseRotating })
	closed := index(ups, func(u protocol.Update) bool {
		return u.Conn == 1 && u.Kind == protocol.KindRecv && u.Frame.Op == protocol.OpClose
	})
	dial2 := index(ups, func(u protocol.Update) bool { return u.Conn == 2 && u.State != nil })
	if rot < 0 || closed < rot || dial2 < closed {
		t.Errorf("rotating at %d, close answered at %d, connection 2 dialled at %d: want that order\n%s", rot, closed, dial2, dump(ups))
	}
	if st := ups[rot].State; st.Info["expires_at"] == "" || st.Info["rotates_at"] == "" {
		t.Errorf("rotating state without its plan: %+v", st.Info)
	}
	if g := gapsIn(ups); len(g) != 1 {
		t.Errorf("outage windows %+v, want one for the break", g)
	}
	if p.lostCount() != 1 {
		t.Errorf("Lost ran %d times, want once for the break", p.lostCount())
	}
}

// Rule: a server close the target answers with ReplaceOnClose is a
// rotation (an immediate fresh Prepare, no backoff, no drop); a close it
// does not, or a second quick one in a row, is a drop with backoff, so a
// server that closes at once every time is not hammered.
func TestReplaceOnCloseReconnectsAtOnceButNotInALoop(t *testing.T) {
	url := wsServer(t, nil, func(ws *websocket.Conn, r *http.Request) {
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4001, "token expired"), time.Now().Add(time.Second))
		drain(ws)
	})
	p := &fake{opened: live, target: func(_ context.Context, l Link) (Target, error) {
		return Target{URL: url, ReplaceOnClose: func(code int, reason string) bool { return code == 4001 && reason == "token expired" }}, nil
	}}
	r := run(t, p, fast())
	ups := r.out.waitFor(t, "two backoffs", func(ups []protocol.Update) bool { return countPhase(ups, protocol.PhaseBackoff) >= 2 })
	// Per connection: how it ended.
	var ends []string
	for _, st := range states(ups) {
		switch st.Phase {
		case protocol.PhaseRotating:
			ends = append(ends, "rotating")
			if st.CloseCode != 4001 || !strings.Contains(st.Cause, "token expired") {
				t.Errorf("rotating state %+v, want the close named", st)
			}
		case protocol.PhaseDropped:
			ends = append(ends, "dropped")
		case protocol.PhaseBackoff:
			ends = append(ends, "backoff "+strconv.Itoa(st.Attempt))
		}
	}
	want := "rotating dropped backoff 1 rotating dropped backoff 2"
	if got := strings.Join(ends[:6], " "); got != want {
		t.Errorf("ends %q, want %q\n%s", got, want, dump(ups))
	}
}

// Rule: when the old connection dies before the new one of a
// make-before-break rotation is live, that is a drop of the old one (an
// outage window until the new one is live), but the session goes on
// with the new connection: no backoff, no second Prepare.
func TestOldConnectionLostDuringHandover(t *testing.T) {
	kill1, go2 := make(chan struct{}), make(chan struct{})
	url := wsServer(t, nil, func(ws *websocket.Conn, r *http.Request) {
		switch r.URL.Query().Get("conn") {
		case "1":
			_ = ws.WriteMessage(websocket.TextMessage, []byte("hi"))
			<-kill1
			_ = ws.NetConn().Close()
		case "2":
			<-go2
			_ = ws.WriteMessage(websocket.TextMessage, []byte("go"))
			drain(ws)
		}
	})
	p := &fake{opened: func(l Link) { l.Healthy() }, receive: func(l Link, msg any) {
		l.State(protocol.State{Phase: protocol.PhaseLive})
	}, target: expiring(url, 200*time.Millisecond, 100*time.Millisecond, true)}
	r := run(t, p, fast())
	r.out.waitFor(t, "connection 2 open in the handover", func(ups []protocol.Update) bool {
		return index(ups, func(u protocol.Update) bool {
			return u.Conn == 2 && u.State != nil && u.State.Phase == protocol.PhaseRotating && strings.Contains(u.State.Cause, "upgraded")
		}) >= 0
	})
	close(kill1)
	r.out.waitFor(t, "connection 1 dropped", func(ups []protocol.Update) bool { return countPhase(ups, protocol.PhaseDropped) > 0 })
	close(go2)
	ups := r.out.waitFor(t, "connection 2 live", liveOn(2))
	var drop *protocol.State
	for _, u := range ups {
		if u.State != nil && u.State.Phase == protocol.PhaseDropped {
			if u.Conn != 1 || drop != nil {
				t.Fatalf("drop on connection %d\n%s", u.Conn, dump(ups))
			}
			drop = u.State
		}
	}
	if !strings.Contains(drop.Cause, "connection 2 takes over") {
		t.Errorf("drop cause %q", drop.Cause)
	}
	if n := countPhase(ups, protocol.PhaseBackoff); n != 0 {
		t.Errorf("%d backoffs: the new connection was already open", n)
	}
	if g := gapsIn(ups); len(g) != 1 {
		t.Errorf("outage windows %+v, want one from the old one's drop to the new live", g)
	}
	if got := p.preparedFor(); len(got) != 2 {
		t.Errorf("Prepare ran for %v, want 1 and 2 only", got)
	}
	// The held phase was published as it is once connection 2 took over.
	if index(ups, func(u protocol.Update) bool {
		return u.Conn == 2 && u.State != nil && u.State.Phase == protocol.PhaseUpgraded
	}) < 0 {
		t.Errorf("connection 2's upgraded phase was not published after it took over\n%s", dump(ups))
	}
}

// Rule: when the next connection of a rotation cannot be prepared, the
// current one stays; the rotation is retried (an error says so) and
// completes with a later connection.
func TestFailedRotationIsRetriedWhileTheOldConnectionLives(t *testing.T) {
	url := newTicker(t)
	base := expiring(url, time.Second, 800*time.Millisecond, true)
	p := &fake{opened: live, target: func(ctx context.Context, l Link) (Target, error) {
		if l.Conn() == 2 {
			return Target{}, &Retryable{Status: 503, Err: errors.New("websocket: 503 from GET /websockets/1")}
		}
		return base(ctx, l)
	}}
	r := run(t, p, fast())
	ups := r.out.waitFor(t, "connection 3 live", liveOn(3))
	if index(ups, func(u protocol.Update) bool { return u.Error != nil && u.Error.Where == "rotate" && u.Conn == 2 }) < 0 {
		t.Errorf("no rotate error for the failed connection 2\n%s", dump(ups))
	}
	for _, st := range states(ups) {
		if st.Phase == protocol.PhaseDropped || st.Phase == protocol.PhaseBackoff {
			t.Fatalf("%s while the old connection lived\n%s", st.Phase, dump(ups))
		}
	}
	close1 := index(ups, func(u protocol.Update) bool {
		return u.Conn == 1 && u.Kind == protocol.KindSent && u.Frame.Op == protocol.OpClose
	})
	if close1 >= 0 && ups[close1].Frame.Data != "rotated to connection 3" {
		t.Errorf("connection 1 closed with %q", ups[close1].Frame.Data)
	}
}

// Rule: when the old connection dies while the next one is still being
// prepared, the preparation is abandoned (its context cancelled) and the
// session reconnects as after any drop.
func TestOldConnectionLostWhilePreparingTheNext(t *testing.T) {
	kill1 := make(chan struct{})
	url := wsServer(t, nil, func(ws *websocket.Conn, r *http.Request) {
		if r.URL.Query().Get("conn") == "1" {
			<-kill1
			_ = ws.NetConn().Close()
			return
		}
		drain(ws)
	})
	base := expiring(url, 200*time.Millisecond, 100*time.Millisecond, true)
	preparing, abandoned := make(chan struct{}), make(chan struct{})
	p := &fake{opened: live, target: func(ctx context.Context, l Link) (Target, error) {
		if l.Conn() == 2 {
			close(preparing)
			<-ctx.Done() // a REST call that hangs
			close(abandoned)
			return Target{}, ctx.Err()
		}
		return base(ctx, l)
	}}
	r := run(t, p, fast())
	select {
	case <-preparing:
	case <-time.After(10 * time.Second):
		t.Fatal("the rotation never prepared connection 2")
	}
	close(kill1)
	ups := r.out.waitFor(t, "connection 3 live", liveOn(3))
	select {
	case <-abandoned:
	default:
		t.Error("connection 2's Prepare was not cancelled")
	}
	if countPhase(ups, protocol.PhaseDropped) != 1 || countPhase(ups, protocol.PhaseBackoff) != 1 {
		t.Errorf("want one drop and one backoff\n%s", dump(ups))
	}
}

// Rule: a rotation whose Prepare the server answers with a Retry-After
// (a 429 on Dialpad's GET for a fresh URL) is tried again no sooner than
// the server asked, however short the backoff step, while the old
// connection stays up: no drop, no backoff state.
func TestRotationRetryWaitsForRetryAfter(t *testing.T) {
	const wait = 600 * time.Millisecond
	base := expiring(newTicker(t), 400*time.Millisecond, 200*time.Millisecond, true)
	var mu sync.Mutex
	var refusedAt, nextAt time.Time
	p := &fake{opened: live, target: func(ctx context.Context, l Link) (Target, error) {
		mu.Lock()
		defer mu.Unlock()
		switch l.Conn() {
		case 2:
			refusedAt = time.Now()
			return Target{}, &Retryable{Status: 429, RetryAfter: wait, Err: errors.New("fresh URL: rate limit exceeded")}
		case 3:
			nextAt = time.Now()
		}
		return base(ctx, l)
	}}
	r := run(t, p, fast())
	ups := r.out.waitFor(t, "connection 3 live", liveOn(3))
	mu.Lock()
	waited := nextAt.Sub(refusedAt)
	mu.Unlock()
	if waited < wait {
		t.Errorf("the rotation was tried again %s after a 429 with Retry-After %s\n%s", waited.Round(time.Millisecond), wait, dump(ups))
	}
	i := index(ups, func(u protocol.Update) bool { return u.Error != nil && u.Error.Where == "rotate" && u.Conn == 2 })
	if i < 0 || !strings.Contains(ups[i].Error.Message, "retry after 600ms") || !strings.Contains(ups[i].Error.Message, "next try in") {
		t.Errorf("no rotate error naming the wait\n%s", dump(ups))
	}
	for _, st := range states(ups) {
		if st.Phase == protocol.PhaseDropped || st.Phase == protocol.PhaseBackoff {
			t.Fatalf("%s while the old connection lived\n%s", st.Phase, dump(ups))
		}
	}
}

// Rule: when the connection a rotation was keeping ends while the
// rotation waits out a server's Retry-After, the reconnect still waits
// for it: the backoff after the drop lasts until the server's time.
func TestRetryAfterOfARotationOutlivesItsConnection(t *testing.T) {
	const wait = 600 * time.Millisecond
	kill1 := make(chan struct{})
	url := wsServer(t, nil, func(ws *websocket.Conn, r *http.Request) {
		if r.URL.Query().Get("conn") == "1" {
			<-kill1
			_ = ws.NetConn().Close()
			return
		}
		drain(ws)
	})
	base := expiring(url, 400*time.Millisecond, 200*time.Millisecond, true)
	var mu sync.Mutex
	var refusedAt, nextAt time.Time
	p := &fake{opened: live, target: func(ctx context.Context, l Link) (Target, error) {
		mu.Lock()
		defer mu.Unlock()
		switch l.Conn() {
		case 2:
			refusedAt = time.Now()
			close(kill1)
			return Target{}, &Retryable{Status: 429, RetryAfter: wait, Err: errors.New("fresh URL: rate limit exceeded")}
		case 3:
			nextAt = time.Now()
		}
		return base(ctx, l)
	}}
	r := run(t, p, fast())
	ups := r.out.waitFor(t, "connection 3 live", liveOn(3))
	mu.Lock()
	waited := nextAt.Sub(refusedAt)
	mu.Unlock()
	if waited < wait {
		t.Errorf("prepared again %s after a 429 with Retry-After %s\n%s", waited.Round(time.Millisecond), wait, dump(ups))
	}
	var backoff *protocol.State
	for _, st := range states(ups) {
		if st.Phase == protocol.PhaseBackoff {
			backoff = &st
		}
	}
	if backoff == nil || !strings.Contains(backoff.Cause, "the server asked for no new target before") {
		t.Errorf("backoff %+v, want the server's wait named\n%s", backoff, dump(ups))
	}
}
