package voipbin

import (
	"fmt"
	"sync"
	"time"

	"github.com/evtap/evtap/protocol"
)

// keepalive follows the server's pings as the decoder sees them pass
// (the engine answers them). It has its own lock because the decoder runs
// under the engine's emit lock, which the provider's own lock may be
// waiting for.
type keepalive struct {
	mu       sync.Mutex
	interval time.Duration // the server's ping interval (A9)
	opened   time.Time     // the connection's upgrade, on the session clock
	last     time.Time     // the last server ping
	pings    int
	gap      time.Duration // between the last two pings, as they came
	missed   int           // pings that did not come, from the gaps between those that did
	dropCode int           // the close code of the last drop (0: no close frame)
}

// observe notes what one Update says about the keepalive.
func (k *keepalive) observe(u *protocol.Update) {
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case u.Kind == protocol.KindState && u.State.Phase == protocol.PhaseUpgraded:
		k.opened, k.last, k.pings, k.missed, k.gap = u.Time, time.Time{}, 0, 0, 0
	case u.Kind == protocol.KindState && u.State.Phase == protocol.PhaseDropped:
		k.dropCode = u.State.CloseCode
	case u.Kind == protocol.KindRecv && u.Frame != nil && u.Frame.Op == protocol.OpPing:
		from := k.last
		if from.IsZero() {
			from = k.opened
		}
		k.missed += missedBetween(from, u.Time, k.interval)
		if !k.last.IsZero() {
			k.gap = u.Time.Sub(k.last)
		}
		k.last = u.Time
		k.pings++
	}
}

// missedBetween counts the pings that should have come between two
// moments, allowing half an interval of lateness.
func missedBetween(from, to time.Time, every time.Duration) int {
	if from.IsZero() || every <= 0 {
		return 0
	}
	n := int((to.Sub(from) + every/2) / every)
	return max(n-1, 0)
}

// lastDropCode is the close code of the drop that just happened.
func (k *keepalive) lastDropCode() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.dropCode
}

// fields are the keepalive lines of the context pane as of now.
func (k *keepalive) fields(now time.Time, pongTimeout time.Duration) []protocol.Field {
	k.mu.Lock()
	defer k.mu.Unlock()
	missed := k.missed
	since := k.last
	if since.IsZero() {
		since = k.opened
	}
	running := missedBetween(since, now, k.interval)
	missed += running
	// what the server really does beside what VoIPBin is documented to do
	pings := fmt.Sprintf("%d · %d missed (VoIPBin pings every %s", k.pings, missed, k.interval)
	if k.gap > 0 {
		pings += fmt.Sprintf("; last gap %s", k.gap.Round(time.Millisecond))
	}
	pings += ")"
	out := []protocol.Field{{Label: "Server pings", Value: pings}}
	if !since.IsZero() {
		// Short values, so the countdowns still show in a narrow pane.
		out = append(out, protocol.Field{Label: "No ping", At: since},
			protocol.Field{Label: "Pong deadline", At: since.Add(pongTimeout)})
	}
	return out
}
