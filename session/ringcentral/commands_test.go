package ringcentral_test

import (
	"strings"
	"testing"

	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session/ringcentral"
	sim "github.com/evtap/evtap/sim/ringcentral"
)

// Rule: a filter the server refuses is shown with the server's error,
// and the previous subscription stays in force and keeps delivering.
func TestRejectedFilterKeepsSubscription(t *testing.T) {
	r := start(t, sim.Config{}, nil)
	ups := r.out.waitFor("live", isLive)
	old := subscriptions(ups)[0]

	mark := len(ups)
	bad := []string{"/restapi/v1.0/account/~/extension/~/nonsense"}
	if err := r.s.Do(protocol.Command{Kind: protocol.CmdSetFilters, Filters: bad}); err != nil {
		t.Fatal(err)
	}
	ups = r.out.waitFor("the refusal and live again", after(mark, func(ups []protocol.Update) bool {
		return len(subscriptions(ups)) == 1 && isLive(ups)
	}))
	got := subscriptions(ups[mark:])[0]
	if got.Error == nil || got.Error.Status < 400 || got.Error.Message == "" || len(got.Requested) != 1 || got.Requested[0] != bad[0] {
		t.Fatalf("refusal = %+v, want the server's error and what was asked", got)
	}
	if got.ID != "" {
		t.Errorf("a refusal must not look like a new subscription: %+v", got)
	}
	if !hasPhase(protocol.PhaseSubscribing)(ups[mark:]) {
		t.Error("no subscribing phase while the request was in flight")
	}

	r.generate(t, 2)
	ups = r.out.waitFor("2 events", countEvents(2))
	for _, e := range events(ups) {
		if e.Subscription != old.ID {
			t.Errorf("event for %s, want the old subscription %s", e.Subscription, old.ID)
		}
	}

	// A valid change replaces the subscription.
	mark = len(ups)
	presence := "/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true"
	_ = r.s.Do(protocol.Command{Kind: protocol.CmdSetFilters, Filters: []string{presence}})
	ups = r.out.waitFor("the new subscription", after(mark, func(ups []protocol.Update) bool {
		return len(subscriptions(ups)) == 1 && isLive(ups)
	}))
	s := subscriptions(ups[mark:])[0]
	if s.Error != nil || s.ID == "" || len(s.Filters) != 1 || !strings.Contains(s.Filters[0], "/presence") || s.Status != "Active" {
		t.Fatalf("new subscription = %+v", s)
	}
	if n, _ := r.sim.Generate("", "presence", 1); n != 1 {
		t.Fatal("the emulator did not generate presence for the new filters")
	}
	ups = r.out.waitFor("a presence event", countEvents(3))
	if e := events(ups)[2]; e.Label != "presence" || e.Subscription != s.ID {
		t.Errorf("event %+v", e)
	}
}

// Rule: with keepalives stopped the server's idle timeout shows: its
// WSG-902 error is reported, the drop names the close, and the client
// recovers.
func TestIdleTimeoutIsReportedAndRecovered(t *testing.T) {
	r := start(t, sim.Config{IdleTimeout: 300e6, PingInterval: -1}, nil)
	ups := r.out.waitFor("live", isLive)
	mark := len(ups)
	_ = r.s.Do(protocol.Command{Kind: protocol.CmdStopHeartbeats, On: true})
	ups = r.out.waitFor("idle timeout, then recovered", after(mark, func(ups []protocol.Update) bool {
		return hasPhase(protocol.PhaseRecovered)(ups) && isLive(ups)
	}))
	_ = r.s.Do(protocol.Command{Kind: protocol.CmdStopHeartbeats, On: false})
	var sawError bool
	for _, u := range ups[mark:] {
		if u.Error != nil && strings.Contains(u.Error.Message, "WSG-902") {
			sawError = true
		}
	}
	d := stateOf(ups[mark:], protocol.PhaseDropped)
	if !sawError || d == nil || d.CloseCode == 0 || !strings.Contains(d.Cause, "closed by the server") {
		t.Errorf("want the WSG-902 error and a drop naming the close; dropped = %+v\n%s", d, dump(ups[mark:]))
	}
}

// Rule: keepalives are measured: the WebSocket ping and the Heartbeat
// frame each report a round trip.
func TestHeartbeatsReportRoundTrips(t *testing.T) {
	r := start(t, sim.Config{}, func(c *ringcentral.Config) { c.Session.HeartbeatInterval = 100 * time.Millisecond })
	r.out.waitFor("a ping and a Heartbeat round trip", func(ups []protocol.Update) bool {
		via := map[string]bool{}
		for _, u := range ups {
			if u.Heartbeat != nil && u.Heartbeat.RTT >= 0 {
				via[u.Heartbeat.Via] = true
			}
		}
		return via["ping"] && via["message"]
	})
	for _, u := range r.out.snapshot() {
		if u.Kind == protocol.KindSent && u.Frame.Type == "Heartbeat" && u.Frame.Data[0] != '[' {
			t.Errorf("heartbeat frame %s", u.Frame.Data)
		}
	}
}

// Rule: frames the client cannot use are published as received,
// reported as errors, and the session goes on.
func TestBadFramesAreReportedNotFatal(t *testing.T) {
	r := start(t, sim.Config{}, nil)
	ups := r.out.waitFor("live", isLive)
	mark := len(ups)
	bad := []string{
		`not json at all`,
		`{"type":"ServerNotification"}`,
		`[{"type":"Mystery","messageId":"m1"}]`,
		`[{"type":"ServerNotification","messageId":"m2"},null]`,
		`[{"type":"ClientRequest","messageId":"nobody-asked","status":200},{}]`,
	}
	for _, f := range bad {
		r.sim.InjectRaw("", []byte(f))
	}
	// A notification with no wsc and a body is still an event.
	r.sim.InjectRaw("", []byte(`[{"type":"ServerNotification","messageId":"m3"},{"uuid":"u-1","event":"/restapi/v1.0/account/1/extension/2/presence","timestamp":"2024-01-01T00:00:00.000Z","subscriptionId":"s","body":{"telephonyStatus":"Ringing"}}]`))
	r.generate(t, 1)
	ups = r.out.waitFor("the generated event after the bad frames", func(ups []protocol.Update) bool { return len(events(ups)) == 2 })
	var errs, recv int
	for _, u := range ups[mark:] {
		if u.Error != nil {
			errs++
		}
		if u.Kind == protocol.KindRecv && u.Frame.Op == protocol.OpText {
			recv++
		}
	}
	if errs != len(bad) {
		t.Errorf("%d errors for %d bad frames:\n%s", errs, len(bad), dump(ups[mark:]))
	}
	if recv < len(bad)+2 {
		t.Errorf("only %d frames published as received", recv)
	}
	if e := events(ups)[0]; e.ID != "u-1" || e.Seq != 0 || e.Label != "presence" || !strings.Contains(e.Summary, "Ringing") {
		t.Errorf("event without wsc = %+v", e)
	}
	if lastPhase(ups) != protocol.PhaseLive || len(gaps(ups)) != 0 {
		t.Errorf("session disturbed: %v, gaps %v", phases(ups[mark:]), gaps(ups))
	}
}

// Rule: the operator can drop a marker, send a raw frame, and close
// cleanly; Run then returns nil.
func TestMarkerSendAndClose(t *testing.T) {
	r := start(t, sim.Config{}, nil)
	r.out.waitFor("live", isLive)
	_ = r.s.Do(protocol.Command{Kind: protocol.CmdMarker, Text: "customer called"})
	_ = r.s.Do(protocol.Command{Kind: protocol.CmdSend, Text: `[{"type":"Heartbeat","messageId":"by-hand"}]`})
	r.out.waitFor("the echo of the hand-made heartbeat", func(ups []protocol.Update) bool {
		for _, u := range ups {
			if u.Kind == protocol.KindRecv && strings.Contains(u.Frame.Data, "by-hand") {
				return true
			}
		}
		return false
	})
	if err := r.s.Do(protocol.Command{Kind: protocol.CmdForget}); err == nil {
		t.Error("a command outside Controls was accepted")
	}
	_ = r.s.Do(protocol.Command{Kind: protocol.CmdClose, Code: 1000, Text: "bye"})
	if err := r.result(t); err != nil {
		t.Fatalf("Run = %v after a clean close", err)
	}
	ups := r.out.snapshot()
	var marker bool
	for _, u := range ups {
		if u.Marker != nil && u.Marker.Label == "customer called" {
			marker = true
		}
	}
	last := ups[len(ups)-1]
	if !marker || last.State == nil || last.State.Phase != protocol.PhaseClosed || last.State.CloseCode != 1000 {
		t.Errorf("marker %v, last update %s", marker, dump(ups[len(ups)-1:]))
	}
}
