package voipbin

import (
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// The pane says what the server really does beside what VoIPBin is
// documented to do: a server pinging every 300 ms shows that gap, not only
// "every 10s"; pings that do not come are counted as missed.
func TestThePaneShowsTheGapBetweenTheServersPings(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	k := &keepalive{interval: 10 * time.Second}
	k.observe(&protocol.Update{Time: t0, Kind: protocol.KindState, State: &protocol.State{Phase: protocol.PhaseUpgraded}})
	for i := 1; i <= 3; i++ {
		k.observe(&protocol.Update{Time: t0.Add(time.Duration(i) * 300 * time.Millisecond), Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpPing}})
	}
	pings := k.fields(t0.Add(time.Second), 60*time.Second)[0].Value
	if !strings.Contains(pings, "3 · 0 missed") || !strings.Contains(pings, "last gap 300ms") {
		t.Errorf("pane says %q", pings)
	}
	if pings = k.fields(t0.Add(31*time.Second), 60*time.Second)[0].Value; !strings.Contains(pings, "2 missed") {
		t.Errorf("30 s after the last ping the pane says %q, want 2 missed", pings)
	}
}
