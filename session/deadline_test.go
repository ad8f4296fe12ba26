package session

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

// Rule: the read deadline follows the frames (it is moved lazily, but
// moved): a peer that streams for several read timeouts without ever
// answering a ping stays connected, and once it falls silent it is
// declared dead ("heartbeat timeout") no later than PingInterval+PongWait
// after its last frame, and no sooner than that less the deadline's slack.
func TestDeadlineFollowsTheStreamAndSilenceEndsIt(t *testing.T) {
	opt := fast()
	opt.PingInterval, opt.PongWait = 100*time.Millisecond, 100*time.Millisecond
	timeout := opt.PingInterval + opt.PongWait
	const streamFor = 700 * time.Millisecond
	url := wsServer(t, nil, func(ws *websocket.Conn, r *http.Request) {
		if r.URL.Query().Get("conn") != "1" {
			drain(ws)
			return
		}
		ws.SetPingHandler(func(string) error { return nil }) // no pongs, ever
		go drain(ws)
		end := time.Now().Add(streamFor)
		for i := 1; time.Now().Before(end); i++ {
			if ws.WriteMessage(websocket.TextMessage, []byte(strconv.Itoa(i))) != nil {
				return
			}
			time.Sleep(time.Millisecond) // pacing the stream, not waiting for a result
		}
		<-r.Context().Done() // silent, the TCP connection open
	})
	p := &fake{opened: live, target: func(_ context.Context, l Link) (Target, error) {
		return Target{URL: url + "?conn=" + strconv.Itoa(l.Conn())}, nil
	}}
	r := run(t, p, opt)
	ups := r.out.waitFor(t, "connection 1 dropped", func(ups []protocol.Update) bool { return countPhase(ups, protocol.PhaseDropped) > 0 })

	var first, last time.Time
	var drop protocol.Update
	for _, u := range ups {
		switch {
		case u.Conn == 1 && u.Kind == protocol.KindRecv && u.Frame.Op == protocol.OpText:
			if first.IsZero() {
				first = u.Time
			}
			last = u.Time
		case u.State != nil && u.State.Phase == protocol.PhaseDropped:
			drop = u
		}
	}
	if drop.Conn != 1 || !strings.Contains(drop.State.Cause, "heartbeat timeout") {
		t.Fatalf("connection %d dropped with %q, want connection 1's heartbeat timeout\n%s", drop.Conn, drop.State.Cause, dump(ups))
	}
	if streamed := last.Sub(first); streamed < 2*timeout {
		t.Fatalf("the stream lasted %s before the drop, want several read timeouts (%s)", streamed, timeout)
	}
	silence := drop.Time.Sub(last)
	if lo := timeout - deadlineSlack(timeout); silence < lo {
		t.Errorf("declared dead %s after the last frame, before the read timeout less its slack (%s)", silence, lo)
	}
	// The deadline fires at most timeout after the last frame; what
	// comes after is the time the runtime takes to say so.
	if hi := timeout + 500*time.Millisecond; silence > hi {
		t.Errorf("declared dead %s after the last frame, want within %s (the read timeout)", silence, timeout)
	}
}

// The reader takes the time it stamps a frame with as its arrival on the
// real clock (for the read deadline and the heartbeat) only when
// Options.Now is the real clock; a test's fixed clock must not stop the
// deadline from moving.
func TestIsTimeNow(t *testing.T) {
	fixed := func() time.Time { return time.Unix(0, 0) }
	if !isTimeNow(nil) || !isTimeNow(time.Now) || isTimeNow(fixed) {
		t.Errorf("isTimeNow(nil, time.Now, fixed) = %v, %v, %v; want true, true, false", isTimeNow(nil), isTimeNow(time.Now), isTimeNow(fixed))
	}
}
