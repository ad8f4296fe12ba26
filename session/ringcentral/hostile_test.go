package ringcentral_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/evtap/evtap/protocol"
	sim "github.com/evtap/evtap/sim/ringcentral"
)

// Rule (hostile server): a ConnectionDetails in the middle of a live
// connection is not a reconnect. The client reports it, reports no gap,
// does not subscribe again, and events keep coming, numbered as before.
func TestMidStreamConnectionDetailsIsNotAReconnect(t *testing.T) {
	r := start(t, sim.Config{}, nil)
	r.out.waitFor("live", isLive)
	r.generate(t, 2)
	ups := r.out.waitFor("2 events", countEvents(2))
	mark := len(ups)
	r.sim.InjectRaw("", []byte(`[{"type":"ConnectionDetails","messageId":"again","status":200,"wsc":{"token":"Zm9v","sequence":1}},`+
		`{"creationTime":"2024-05-01T10:00:00.000+0000","recoveryTimeout":180,"recoveryState":"Failed","recoveryErrorCode":"WSG-1005"}]`))
	r.generate(t, 2)
	ups = r.out.waitFor("2 more events", countEvents(4))
	later := ups[mark:]
	var said int
	for _, u := range later {
		if u.Error != nil && strings.Contains(u.Error.Message, "mid-stream") {
			said++
		}
		if u.Kind == protocol.KindSent && u.Frame.Type == "ClientRequest" {
			t.Errorf("subscribed again: %s", u.Frame.Data)
		}
	}
	if said != 1 {
		t.Errorf("the mid-stream greeting was reported %d times, want once:\n%s", said, dump(later))
	}
	if len(gaps(later)) != 0 || hasPhase(protocol.PhaseSubscribing)(later) || hasPhase(protocol.PhaseRecoveryFailed)(later) || hasPhase(protocol.PhaseConnected)(later) {
		t.Errorf("taken as a reconnect:\n%s", dump(later))
	}
	checkExactlyOnce(t, events(ups), 4)
	if rec := r.sim.Counters().Recoveries; rec.Successful+rec.Failed != 0 {
		t.Errorf("the emulator saw a recovery: %+v", rec)
	}
}

// Rule (hostile server): a notification whose sequence jumps by 2^62 is
// said once (and the return to the real numbering once more); no gap is
// reported for it, and the notifications after it are neither gaps, nor
// late, nor duplicates.
func TestImplausibleSequenceJumpIsSaidOnce(t *testing.T) {
	r := start(t, sim.Config{}, nil)
	ups := r.out.waitFor("live", isLive)
	subID := subscriptions(ups)[0].ID
	r.generate(t, 2)
	ups = r.out.waitFor("2 events", countEvents(2))
	seq := events(ups)[1].Seq
	r.sim.InjectRaw("", []byte(fmt.Sprintf(`[{"type":"ServerNotification","messageId":"far","status":200,"wsc":{"token":"x","sequence":%d}},`+
		`{"uuid":"far","event":"/restapi/v1.0/account/1/extension/2/message-store/instant?type=SMS","timestamp":"2024-05-01T10:00:00.000Z","subscriptionId":%q,"body":{}}]`,
		seq+1<<62, subID)))
	r.generate(t, 10)
	ups = r.out.waitFor("13 events", countEvents(13))
	var notes []string
	for _, u := range ups {
		if u.Error != nil {
			notes = append(notes, u.Error.Message)
		}
	}
	if len(notes) != 2 || len(gaps(ups)) != 0 {
		t.Fatalf("notes %q, gaps %+v; want two notes (the jump, the return) and no gap", notes, gaps(ups))
	}
	for _, e := range events(ups) {
		if e.Duplicate || e.Replayed {
			t.Errorf("event %d marked %+v", e.Seq, e)
		}
	}
}
