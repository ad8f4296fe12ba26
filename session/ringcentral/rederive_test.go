package ringcentral_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/session/ringcentral"
	sim "github.com/evtap/evtap/sim/ringcentral"
)

// Rule: everything the decoder derives follows from the frames and
// states alone. A live session goes through recovery, reordering, bad
// frames, a mid-stream greeting, a refused filter, a failed recovery and
// a buffer overflow; a fresh decoder run over what a recording keeps of
// it (the Updates that are not derived, through JSON and back) derives
// exactly the same events, gaps, subscriptions, heartbeats and decode
// errors, and names the frames the same.
func TestAFreshDecoderDerivesWhatTheLiveSessionDid(t *testing.T) {
	r := start(t, sim.Config{}, func(c *ringcentral.Config) {
		c.Session.HeartbeatInterval = 50 * time.Millisecond
		// The engine times ping round trips itself for now; only the
		// provider's Heartbeat frames are in this test.
		c.Session.PingInterval = -1
	})
	r.out.waitFor("live", isLive)
	r.generate(t, 5)
	r.out.waitFor("5 events", countEvents(5))
	r.out.waitFor("a Heartbeat round trip", func(ups []protocol.Update) bool {
		for _, u := range ups {
			if u.Heartbeat != nil {
				return true
			}
		}
		return false
	})

	// a recovery with a replay
	mark := r.awayWhile(t, func() int { return r.sim.Drop("") }, func() { r.generate(t, 20) })
	r.out.waitFor("recovered", after(mark, func(ups []protocol.Update) bool { return hasPhase(protocol.PhaseRecovered)(ups) && isLive(ups) }))
	r.generate(t, 5)
	r.out.waitFor("30 events", countEvents(30))

	// reordering, bad frames, a greeting in mid-stream
	r.sim.SetReorder(true)
	r.sim.SetFrameDelay(2 * time.Millisecond)
	r.generate(t, 10)
	r.out.waitFor("40 events", countEvents(40))
	r.sim.SetReorder(false)
	r.sim.SetFrameDelay(0)
	for _, f := range []string{`not json`, `[{"type":"Mystery"}]`,
		`[{"type":"ConnectionDetails","messageId":"again","status":200,"wsc":{"token":"x","sequence":1}},{"recoveryTimeout":180}]`} {
		r.sim.InjectRaw("", []byte(f))
	}
	r.generate(t, 1)
	r.out.waitFor("41 events", countEvents(41))

	// a refused filter change
	mark = len(r.out.snapshot())
	_ = r.s.Do(protocol.Command{Kind: protocol.CmdSetFilters, Filters: []string{"/restapi/v1.0/account/~/extension/~/nonsense"}})
	r.out.waitFor("the refusal", after(mark, func(ups []protocol.Update) bool { return len(subscriptions(ups)) == 1 && isLive(ups) }))

	// a failed recovery, then a buffer overflow
	mark = len(r.out.snapshot())
	r.sim.Forget("")
	r.out.waitFor("resubscribed", after(mark, func(ups []protocol.Update) bool {
		return hasPhase(protocol.PhaseRecoveryFailed)(ups) && isLive(ups)
	}))
	r.generate(t, 3)
	r.out.waitFor("44 events", countEvents(44))
	r.awayWhile(t, func() int { return r.sim.Drop("") }, func() { r.generate(t, 120) })
	r.out.waitFor("144 events", countEvents(144))
	r.stop()
	if err := r.result(t); err != nil {
		t.Fatal(err)
	}

	live := r.out.snapshot()
	var want, got []protocol.Update
	var types []string
	dec := rc.NewDecoder()
	for _, u := range live {
		if protocol.Derived(&u) {
			want = append(want, u)
			continue
		}
		line, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		var rec protocol.Update
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Frame != nil {
			types = append(types, rec.Frame.Type)
			rec.Frame.Type = ""
		}
		out, _ := dec.Decode(nil, &rec, nil)
		if rec.Frame != nil && rec.Frame.Type != types[len(types)-1] {
			t.Errorf("frame %.60s named %q, live %q", rec.Frame.Data, rec.Frame.Type, types[len(types)-1])
		}
		for _, d := range out {
			d.Time, d.Offset, d.Conn = rec.Time, rec.Offset, rec.Conn
			got = append(got, d)
		}
	}
	kinds := map[protocol.Kind]int{}
	for _, u := range want {
		kinds[u.Kind]++
	}
	for _, k := range []protocol.Kind{protocol.KindEvent, protocol.KindGap, protocol.KindSubscription, protocol.KindHeartbeat, protocol.KindError} {
		if kinds[k] == 0 {
			t.Errorf("the live session derived no %s: the test proves less than it says", k)
		}
	}
	if len(got) != len(want) {
		t.Errorf("live derived %d Updates, the fresh decoder %d", len(want), len(got))
	}
	for i := range min(len(got), len(want)) {
		w, _ := json.Marshal(want[i])
		g, _ := json.Marshal(got[i])
		if string(w) != string(g) {
			t.Fatalf("derived Update %d differs:\nlive   %s\nfresh  %s", i, w, g)
		}
	}
}
