package protocol

import (
	"strconv"
	"testing"
	"time"
)

// The round trip of a ping follows from the pong's payload (its send
// time) and the pong's arrival, so a replay derives it again exactly.
func TestAPongOfOurPingGivesItsRoundTrip(t *testing.T) {
	sent := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	pong := Update{Kind: KindRecv, Time: sent.Add(42 * time.Millisecond),
		Frame: &Frame{Op: OpPong, Data: strconv.FormatInt(sent.UnixNano(), 10)}}
	out, msg := WithPings(nil).Decode(nil, &pong, nil)
	if msg != nil || len(out) != 1 || out[0].Kind != KindHeartbeat || out[0].Heartbeat.Via != "ping" ||
		out[0].Heartbeat.RTT.Duration() != 42*time.Millisecond {
		t.Fatalf("got %+v", out)
	}
	again, _ := WithPings(nil).Decode(nil, &pong, nil)
	if len(again) != 1 || again[0].Heartbeat.RTT != out[0].Heartbeat.RTT {
		t.Fatalf("a second decoder derived %+v, the first %+v", again, out)
	}
}

func TestPongsThatAreNotOursAndOtherFramesGiveNothing(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	for _, u := range []Update{
		{Kind: KindRecv, Time: now, Frame: &Frame{Op: OpPong, Data: "hello"}},
		{Kind: KindRecv, Time: now, Frame: &Frame{Op: OpPong, Data: strconv.FormatInt(now.Add(time.Second).UnixNano(), 10)}},
		{Kind: KindRecv, Time: now, Frame: &Frame{Op: OpPong, Data: strconv.FormatInt(now.Add(-2*time.Hour).UnixNano(), 10)}},
		{Kind: KindSent, Time: now, Frame: &Frame{Op: OpPong, Data: strconv.FormatInt(now.UnixNano(), 10)}},
		{Kind: KindRecv, Time: now, Frame: &Frame{Op: OpText, Data: strconv.FormatInt(now.UnixNano(), 10)}},
		{Kind: KindState, Time: now, State: &State{Phase: PhaseLive}},
	} {
		if out, _ := WithPings(nil).Decode(nil, &u, nil); len(out) != 0 {
			t.Errorf("%s %+v gave %+v", u.Kind, u.Frame, out)
		}
	}
}

// The provider's decoder still sees every Update, and what it derives
// follows the round trip.
func TestThePingLayerHandsEveryUpdateOn(t *testing.T) {
	var seen []Kind
	inner := DecoderFunc(func(dst []Update, u *Update, raw []byte) ([]Update, any) {
		seen = append(seen, u.Kind)
		return append(dst, Update{Kind: KindMarker, Marker: &Marker{Label: "inner"}}), "msg"
	})
	now := time.Now()
	pong := Update{Kind: KindRecv, Time: now, Frame: &Frame{Op: OpPong, Data: strconv.FormatInt(now.Add(-time.Millisecond).UnixNano(), 10)}}
	out, msg := WithPings(inner).Decode(nil, &pong, nil)
	if msg != "msg" || len(out) != 2 || out[0].Kind != KindHeartbeat || out[1].Kind != KindMarker || len(seen) != 1 {
		t.Fatalf("got %+v, msg %v, inner saw %v", out, msg, seen)
	}
}
