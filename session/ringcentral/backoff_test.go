package ringcentral_test

import (
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session/ringcentral"
)

// Rule (issue 13, item 10): a successful recovery restarts the backoff.
// Seven drops, each followed by a Successful recovery, each wait the
// first step, however short the connections were; before the provider
// said so (Link.Working), the waits grew 1, 2, … 7 steps towards the cap.
func TestEveryRecoveryRestartsTheBackoff(t *testing.T) {
	r := start(t, simConfig{}, func(c *ringcentral.Config) {
		c.Session.StableAfter = time.Hour // only a recovery can restart the count
	})
	r.out.waitFor("live", isLive)
	for i := 0; i < 7; i++ {
		mark := len(r.out.snapshot())
		if n := r.sim.Drop(""); n != 1 {
			t.Fatalf("drop %d cut %d connections", i, n)
		}
		r.out.waitFor("recovered and live", after(mark, func(ups []protocol.Update) bool {
			return hasPhase(protocol.PhaseRecovered)(ups) && isLive(ups)
		}))
	}
	var attempts []int
	for _, u := range r.out.snapshot() {
		if u.State != nil && u.State.Phase == protocol.PhaseBackoff {
			attempts = append(attempts, u.State.Attempt)
		}
	}
	if len(attempts) != 7 {
		t.Fatalf("%d backoffs, want 7: %v", len(attempts), attempts)
	}
	for i, a := range attempts {
		if a != 1 {
			t.Fatalf("backoff %d was attempt %d (%v): a successful recovery must restart the count", i+1, a, attempts)
		}
	}
}
