package ringcentral_test

import (
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session/ringcentral"
	sim "github.com/evtap/evtap/sim/ringcentral"
)

func subscriptions(ups []protocol.Update) []*protocol.Subscription {
	var out []*protocol.Subscription
	for _, u := range ups {
		if u.Subscription != nil {
			out = append(out, u.Subscription)
		}
	}
	return out
}

func stateOf(ups []protocol.Update, p protocol.Phase) *protocol.State {
	for _, u := range ups {
		if u.State != nil && u.State.Phase == p {
			return u.State
		}
	}
	return nil
}

// awayWhile cuts the connection, holds the client at its token request
// while during runs, then lets it back. It returns the index of the first
// Update after the cut.
func (r *rig) awayWhile(t *testing.T, cut func() int, during func()) int {
	t.Helper()
	r.gate.close()
	mark := len(r.out.snapshot())
	if n := cut(); n != 1 {
		t.Fatalf("cut %d connections, want 1", n)
	}
	r.out.waitFor("the client to ask for a new ws token", after(mark, func(ups []protocol.Update) bool {
		return hasPhase(protocol.PhaseDropped)(ups) && lastPhase(ups) == protocol.PhaseToken
	}))
	during()
	r.gate.open()
	return mark
}

// Rule: within the recovery window, a drop loses nothing. The client
// presents its wsc, gets Successful, keeps its subscription, and every
// notification generated while it was away arrives once, in order,
// marked as replayed.
func TestSuccessfulRecoveryLosesNothing(t *testing.T) {
	r := start(t, sim.Config{}, nil)
	r.out.waitFor("live", isLive)
	r.generate(t, 5)
	r.out.waitFor("5 events", countEvents(5))

	mark := r.awayWhile(t, func() int { return r.sim.Drop("") }, func() { r.generate(t, 20) })
	r.out.waitFor("recovered and live", after(mark, func(ups []protocol.Update) bool {
		return hasPhase(protocol.PhaseRecovered)(ups) && isLive(ups)
	}))
	r.generate(t, 5)
	ups := r.out.waitFor("30 events", countEvents(30))

	checkExactlyOnce(t, events(ups), 30)
	replayed := 0
	for _, e := range events(ups) {
		if e.Replayed {
			replayed++
		}
	}
	if replayed != 20 {
		t.Errorf("%d events marked replayed, want the 20 sent while away", replayed)
	}
	if g := gaps(ups); len(g) != 0 {
		t.Errorf("gaps reported after a lossless recovery: %+v", g)
	}
	if subs := subscriptions(ups); len(subs) != 1 {
		t.Errorf("%d subscription updates, want 1: a Successful recovery keeps the subscription", len(subs))
	}
	rec := stateOf(ups[mark:], protocol.PhaseRecovering)
	if rec == nil || rec.Recovery == nil || rec.Recovery.Token == "" {
		t.Fatalf("no recovering state with the presented token: %+v", rec)
	}
	if strings.Contains(rec.URL, rec.Recovery.Token) || !strings.Contains(rec.URL, "wsc=***") || !strings.Contains(rec.URL, "access_token=***") {
		t.Errorf("URL not masked: %s", rec.URL)
	}
	if c := r.sim.Counters().Recoveries; c.Successful != 1 || c.Failed != 0 {
		t.Errorf("emulator saw recoveries %+v, want one Successful", c)
	}
}

// Rule: when recovery Failed, the client resubscribes on the same socket,
// reports a gap of unknown size, and events flow under the new
// subscription.
func TestFailedRecoveryResubscribes(t *testing.T) {
	r := start(t, sim.Config{}, nil)
	ups := r.out.waitFor("live", isLive)
	oldID := subscriptions(ups)[0].ID
	r.generate(t, 3)
	r.out.waitFor("3 events", countEvents(3))

	mark := len(r.out.snapshot())
	if n := r.sim.Forget(""); n != 1 {
		t.Fatalf("Forget = %d", n)
	}
	ups = r.out.waitFor("recovery failed, then live", after(mark, func(ups []protocol.Update) bool {
		return hasPhase(protocol.PhaseRecoveryFailed)(ups) && isLive(ups)
	}))
	failed := stateOf(ups[mark:], protocol.PhaseRecoveryFailed)
	if failed.Recovery == nil || failed.Recovery.Outcome != "Failed" || failed.Recovery.ErrorCode != "WSG-1005" {
		t.Errorf("recovery_failed state = %+v", failed.Recovery)
	}
	g := gaps(ups[mark:])
	if len(g) != 1 || g[0].Missed != 0 || !strings.Contains(g[0].Reason, "recovery failed") {
		t.Errorf("want one gap of unknown size, got %+v", g)
	}
	subs := subscriptions(ups[mark:])
	if len(subs) != 1 || subs[0].ID == "" || subs[0].ID == oldID || subs[0].Error != nil {
		t.Fatalf("want one new subscription, got %+v (old id %s)", subs, oldID)
	}
	// The resubscription went out on the connection that reported Failed.
	if failedConn, subConn := connOf(ups, mark, protocol.KindState, protocol.PhaseRecoveryFailed), connOfSub(ups, mark); failedConn != subConn {
		t.Errorf("resubscribed on connection %d, recovery failed on %d", subConn, failedConn)
	}

	r.generate(t, 4)
	ups = r.out.waitFor("4 more events", countEvents(7))
	newEvents := events(ups)[3:]
	checkExactlyOnce(t, newEvents, 4)
	for _, e := range newEvents {
		if e.Subscription != subs[0].ID {
			t.Errorf("event for subscription %s, want %s", e.Subscription, subs[0].ID)
		}
	}
	if len(gaps(ups[mark:])) != 1 {
		t.Errorf("a new session's sequence must not look like a gap: %+v", gaps(ups[mark:]))
	}
}

func connOf(ups []protocol.Update, from int, k protocol.Kind, p protocol.Phase) int {
	for _, u := range ups[from:] {
		if u.Kind == k && u.State != nil && u.State.Phase == p {
			return u.Conn
		}
	}
	return -1
}

func connOfSub(ups []protocol.Update, from int) int {
	for _, u := range ups[from:] {
		if u.Subscription != nil {
			return u.Conn
		}
	}
	return -2
}

// Rule: the server keeps only the newest 100 notifications; more than
// that missed is reported as a gap of the exact size, never hidden.
func TestBufferOverflowIsReportedAsGap(t *testing.T) {
	r := start(t, sim.Config{}, nil)
	r.out.waitFor("live", isLive)
	r.generate(t, 2)
	ups := r.out.waitFor("2 events", countEvents(2))
	lastSeen := events(ups)[1].Seq

	mark := r.awayWhile(t, func() int { return r.sim.Drop("") }, func() { r.generate(t, 150) })
	ups = r.out.waitFor("100 replayed events", countEvents(102))

	g := gaps(ups[mark:])
	if len(g) != 1 {
		t.Fatalf("want one gap, got %+v", g)
	}
	if g[0].Missed != 50 || g[0].From != lastSeen+1 || g[0].To != lastSeen+50 {
		t.Errorf("gap = %+v, want 50 missed from %d", *g[0], lastSeen+1)
	}
	// The gap comes before the first replayed event.
	for _, u := range ups[mark:] {
		if u.Event != nil {
			t.Fatalf("an event (seq %d) came before the gap", u.Event.Seq)
		}
		if u.Gap != nil {
			break
		}
	}
	checkExactlyOnce(t, events(ups)[2:], 100)
	if len(events(ups)) != 102 {
		t.Errorf("%d events", len(events(ups)))
	}
}

// Rule: a malformed wsc is refused with WSG-400; the client forgets the
// token, connects without it, reports a gap of unknown size and
// subscribes again.
func TestBadWSCStartsNewSession(t *testing.T) {
	r := start(t, sim.Config{}, nil)
	r.out.waitFor("live", isLive)
	// A frame whose wsc has a higher sequence replaces the stored token
	// (the SDKs' rule), so the next recovery presents this forged one.
	forged := `[{"type":"Heartbeat","messageId":"forged","wsc":{"token":"Zm9yZ2VkLXRva2Vu","sequence":1000000}}]`
	if r.sim.InjectRaw("", []byte(forged)) != 1 {
		t.Fatal("InjectRaw")
	}
	// Its sequence claims a jump, which is reported as a gap (the server
	// said so); wait for that too, so the marks below are clean.
	r.out.waitFor("the forged frame and its gap", func(ups []protocol.Update) bool {
		for _, g := range gaps(ups) {
			if g.To == 999999 {
				return true
			}
		}
		return false
	})
	mark := len(r.out.snapshot())
	r.sim.Drop("")
	ups := r.out.waitFor("live again", after(mark, func(ups []protocol.Update) bool {
		return hasPhase(protocol.PhaseRecovering)(ups) && hasPhase(protocol.PhaseConnected)(ups) && isLive(ups)
	}))
	if rec := stateOf(ups[mark:], protocol.PhaseRecovering); rec.Recovery.Token != "Zm9yZ2VkLXRva2Vu" {
		t.Errorf("presented %q, want the forged token", rec.Recovery.Token)
	}
	var sawWSG400 bool
	for _, u := range ups[mark:] {
		if u.Error != nil && strings.Contains(u.Error.Message, "WSG-400") {
			sawWSG400 = true
		}
	}
	if !sawWSG400 {
		t.Error("no error Update naming WSG-400")
	}
	if c := r.sim.Counters().Recoveries; c.Malformed != 1 {
		t.Errorf("emulator recoveries %+v, want one malformed", c)
	}
	g := gaps(ups[mark:])
	if len(g) != 1 || g[0].Missed != 0 {
		t.Errorf("want one gap of unknown size, got %+v", g)
	}
	if subs := subscriptions(ups[mark:]); len(subs) != 1 || subs[0].Error != nil {
		t.Errorf("want a new subscription, got %+v", subs)
	}
}

// Rule: notifications the server swaps in pairs arrive once each and are
// not reported as lost.
func TestReorderedNotificationsAreNotAGap(t *testing.T) {
	r := start(t, sim.Config{}, nil)
	r.out.waitFor("live", isLive)
	r.sim.SetReorder(true)
	// A short delay per frame lets the notifications queue up, so the
	// emulator has pairs to swap however fast its writer is.
	r.sim.SetFrameDelay(5 * time.Millisecond)
	r.generate(t, 20)
	ups := r.out.waitFor("20 events", countEvents(20))
	evs := events(ups)
	swapped := 0
	ids := map[string]bool{}
	for i, e := range evs {
		ids[e.ID] = true
		if i > 0 && e.Seq < evs[i-1].Seq {
			swapped++
		}
	}
	if swapped == 0 {
		t.Fatal("the emulator did not reorder; the test proves nothing")
	}
	if len(ids) != 20 || len(gaps(ups)) != 0 {
		t.Errorf("%d distinct events, gaps %+v", len(ids), gaps(ups))
	}
	for _, u := range ups {
		if u.Error != nil {
			t.Errorf("error for a reordered frame: %s", u.Error.Message)
		}
	}
}

// Rule: after the recovery window has passed the client does not present
// its stale wsc; it connects afresh, subscribes again and reports that
// notifications may have been lost.
func TestOutageLongerThanRecoveryWindowIsAGap(t *testing.T) {
	c := &clock{t: time.Now()}
	r := start(t, sim.Config{}, func(cfg *ringcentral.Config) { cfg.Now = c.now })
	r.out.waitFor("live", isLive)
	r.generate(t, 2)
	r.out.waitFor("2 events", countEvents(2))

	mark := r.awayWhile(t, func() int { return r.sim.Drop("") }, func() {
		c.advance(sim.DefaultRecoveryTimeout + time.Second) // the client's view of the outage
	})
	ups := r.out.waitFor("live again", after(mark, func(ups []protocol.Update) bool {
		return hasPhase(protocol.PhaseConnected)(ups) && isLive(ups)
	}))
	if hasPhase(protocol.PhaseRecovering)(ups[mark:]) {
		t.Error("presented a wsc after the recovery window")
	}
	g := gaps(ups[mark:])
	if len(g) != 1 || g[0].Missed != 0 || !strings.Contains(g[0].Reason, "without recovery") {
		t.Errorf("want one gap of unknown size, got %+v", g)
	}
	if subs := subscriptions(ups[mark:]); len(subs) != 1 || subs[0].Error != nil {
		t.Errorf("want a new subscription, got %+v", subs)
	}
	if c := r.sim.Counters().Recoveries; c.Successful+c.Failed+c.Malformed != 0 {
		t.Errorf("emulator saw recoveries %+v", c)
	}
}
