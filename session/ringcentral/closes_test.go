package ringcentral_test

import (
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	sim "github.com/evtap/evtap/sim/ringcentral"
)

// Rule: a clean close by the server is shown with its code and reason,
// and the client recovers the session.
func TestServerCloseIsShownAndRecovered(t *testing.T) {
	r := start(t, sim.Config{}, nil)
	r.out.waitFor("live", isLive)
	mark := len(r.out.snapshot())
	if r.sim.CloseConn("", 1001, "maintenance") != 1 {
		t.Fatal("CloseConn")
	}
	ups := r.out.waitFor("recovered", after(mark, func(ups []protocol.Update) bool {
		return hasPhase(protocol.PhaseRecovered)(ups) && isLive(ups)
	}))
	d := stateOf(ups[mark:], protocol.PhaseDropped)
	if d == nil || d.CloseCode != 1001 || !strings.Contains(d.Cause, "maintenance") || !strings.Contains(d.Cause, "closed by the server") {
		t.Errorf("dropped = %+v", d)
	}
}

// Rule: the absolute timeout (WSG-903) is reported and the client
// reconnects and recovers, as RingCentral.Net does.
func TestAbsoluteTimeoutIsReportedAndRecovered(t *testing.T) {
	r := start(t, sim.Config{AbsoluteTimeout: 400 * time.Millisecond}, nil)
	ups := r.out.waitFor("WSG-903 then recovered", func(ups []protocol.Update) bool {
		var saw bool
		for i, u := range ups {
			if u.Error != nil && strings.Contains(u.Error.Message, "WSG-903") {
				saw = true
				return hasPhase(protocol.PhaseRecovered)(ups[i:]) && isLive(ups[i:])
			}
		}
		return saw
	})
	if stateOf(ups, protocol.PhaseDropped) == nil {
		t.Error("no dropped state")
	}
}
