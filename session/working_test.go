package session

import (
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

// subscribeThenCut is a server that answers every connection with
// "subscribed" and then cuts it, like the soak's drop every few seconds
// after a successful recovery.
func subscribeThenCut(t *testing.T) string {
	return wsServer(t, nil, func(ws *websocket.Conn, _ *http.Request) {
		_ = ws.WriteMessage(websocket.TextMessage, []byte("subscribed"))
		_ = ws.NetConn().Close()
	})
}

// backoffAttempts lists the Attempt of every backoff state.
func backoffAttempts(ups []protocol.Update) []int {
	var out []int
	for _, st := range states(ups) {
		if st.Phase == protocol.PhaseBackoff {
			out = append(out, st.Attempt)
		}
	}
	return out
}

// Rule (issue 13, item 10): a connection the provider calls working
// (subscribed, recovered) restarts the backoff, however short it was:
// seven drops, each after a successful subscription, each wait the first
// step. Before Link.Working, only a connection lasting StableAfter reset
// the count, so a drop every few seconds drove the waits to the cap.
func TestBackoffRestartsAfterEveryWorkingConnection(t *testing.T) {
	const drops = 7
	opt := fast()
	opt.Backoff.Base, opt.Backoff.Max = 2*time.Millisecond, time.Second
	p := &fake{url: subscribeThenCut(t), opened: func(l Link) { l.Healthy() }, receive: func(l Link, msg any) {
		if msg == "subscribed" {
			l.Working()
			l.State(protocol.State{Phase: protocol.PhaseLive})
		}
	}}
	r := run(t, p, opt) // StableAfter is an hour: only Working can restart the count
	ups := r.out.waitFor(t, "seven drops", func(ups []protocol.Update) bool { return len(backoffAttempts(ups)) >= drops })
	for i, st := range states(ups) {
		if st.Phase == protocol.PhaseBackoff && (st.Attempt != 1 || st.Delay.Duration() > opt.Backoff.Base) {
			t.Fatalf("backoff %d: attempt %d, delay %s; want attempt 1 within the first step (%s) after a working connection\n%s",
				i, st.Attempt, st.Delay.Duration(), opt.Backoff.Base, dump(ups))
		}
	}
}

// Rule: a connection that is only healthy (greeting, no subscription)
// and shorter than StableAfter does not restart the backoff: the waits
// grow, so a server that accepts and drops at once is not hammered.
func TestBackoffGrowsWhenConnectionsNeverWork(t *testing.T) {
	p := &fake{url: subscribeThenCut(t), opened: func(l Link) { l.Healthy() }}
	r := run(t, p, fast())
	ups := r.out.waitFor(t, "four drops", func(ups []protocol.Update) bool { return len(backoffAttempts(ups)) >= 4 })
	got := backoffAttempts(ups)[:4]
	for i, a := range got {
		if a != i+1 {
			t.Fatalf("backoff attempts %v, want 1, 2, 3, 4", got)
		}
	}
}
