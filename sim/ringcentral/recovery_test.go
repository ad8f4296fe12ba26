package ringcentral

import (
	"strings"
	"testing"

	rc "github.com/evtap/evtap/protocol/ringcentral"
)

// liveSubscribed connects, subscribes to SMS and returns the client,
// its ws token and the subscription. Rate 0: the test makes every event.
func liveSubscribed(t *testing.T, s *Server, base string) (*client, rc.WSTokenResponse, rc.SubscriptionInfo, *rc.WSC) {
	t.Helper()
	c, wt, _ := connect(t, base)
	cd := c.readType(rc.TypeConnectionDetails)
	return c, wt, c.mustSubscribe(smsFilter), cd.Meta.WSC
}

func TestDropThenRecoverReplaysMissedInOrderWithoutLoss(t *testing.T) {
	s, base := startSim(t, Config{})
	c, wt, info, _ := liveSubscribed(t, s, base)
	if _, err := s.Generate("", "sms", 3); err != nil {
		t.Fatal(err)
	}
	var last *rc.WSC
	for i := 0; i < 3; i++ {
		f, _ := c.notification()
		last = f.Meta.WSC
	}
	if s.Drop("") != 1 {
		t.Fatal("drop cut no connection")
	}
	c.readClosed()
	eventually(t, "the server to notice the drop", func() bool { return s.Counters().Open == 0 })
	if n, _ := s.Generate("", "sms", 5); n != 5 {
		t.Fatalf("generated %d while lost, want 5", n)
	}

	c2, resp, err := dialWS(t, wt, last.Token)
	if err != nil {
		t.Fatalf("recover: %v %v", err, resp)
	}
	cd := c2.readType(rc.TypeConnectionDetails)
	if d := details(t, cd); d.RecoveryState != rc.RecoverySuccessful {
		t.Fatalf("recoveryState %q, want Successful", d.RecoveryState)
	}
	if cd.Meta.WSC.Sequence != last.Sequence+5 {
		t.Fatalf("ConnectionDetails sequence %d, want the session's newest, %d: the client's position %d plus the 5 made while it was away",
			cd.Meta.WSC.Sequence, last.Sequence+5, last.Sequence)
	}
	if _, pos, err := s.wsc.decode(cd.Meta.WSC.Token); err != nil || pos != last.Sequence {
		t.Fatalf("ConnectionDetails token resumes at %d (%v), want the client's position %d", pos, err, last.Sequence)
	}
	for want := last.Sequence + 1; want <= last.Sequence+5; want++ {
		f, n := c2.notification()
		if f.Meta.WSC.Sequence != want || n.SubscriptionID != info.ID {
			t.Fatalf("replayed sequence %d sub %s, want %d sub %s", f.Meta.WSC.Sequence, n.SubscriptionID, want, info.ID)
		}
	}
	s.Generate("", "sms", 1)
	if f, n := c2.notification(); f.Meta.WSC.Sequence != last.Sequence+6 || n.SubscriptionID != info.ID {
		t.Fatalf("live after recovery: seq %d sub %s", f.Meta.WSC.Sequence, n.SubscriptionID)
	}
	got := s.Counters()
	if got.Recoveries.Successful != 1 || got.Generated != 9 {
		t.Fatalf("counters %+v", got)
	}
}

func TestMoreMissedThanTheBufferReplaysOnlyTheNewest(t *testing.T) {
	s, base := startSim(t, Config{})
	c, wt, _, cdWSC := liveSubscribed(t, s, base)
	s.Drop("")
	c.readClosed()
	s.Generate("", "sms", 150) // sequences 2..151
	c2, _, err := dialWS(t, wt, cdWSC.Token)
	if err != nil {
		t.Fatal(err)
	}
	if d := details(t, c2.readType(rc.TypeConnectionDetails)); d.RecoveryState != rc.RecoverySuccessful {
		t.Fatalf("recoveryState %q", d.RecoveryState)
	}
	first, _ := c2.notification()
	if first.Meta.WSC.Sequence != 52 {
		t.Fatalf("first replayed sequence %d, want 52 (the newest 100 of 2..151)", first.Meta.WSC.Sequence)
	}
	for want := uint64(53); want <= 151; want++ {
		if f, _ := c2.notification(); f.Meta.WSC.Sequence != want {
			t.Fatalf("sequence %d, want %d", f.Meta.WSC.Sequence, want)
		}
	}
}

func TestForgottenSessionFailsRecoveryAndResubscribesOnTheSameSocket(t *testing.T) {
	s, base := startSim(t, Config{})
	c, wt, old, cdWSC := liveSubscribed(t, s, base)
	if s.Forget("") != 1 {
		t.Fatal("forget discarded no session")
	}
	c.readClosed()
	c2, _, err := dialWS(t, wt, cdWSC.Token)
	if err != nil {
		t.Fatal(err)
	}
	cd := c2.readType(rc.TypeConnectionDetails)
	d := details(t, cd)
	if d.RecoveryState != rc.RecoveryFailed || d.RecoveryErrorCode != rc.WSGNoSubscription || cd.Meta.WSC.Sequence != 1 {
		t.Fatalf("details %+v wsc %+v, want Failed WSG-1005 and a new session at 1", d, cd.Meta.WSC)
	}
	if n, _ := s.Generate("", "", 1); n != 0 {
		t.Fatal("a failed recovery must leave no subscription")
	}
	info := c2.mustSubscribe(smsFilter)
	if info.ID == old.ID {
		t.Fatal("resubscribing reused the forgotten subscription id")
	}
	s.Generate("", "", 1)
	if f, n := c2.notification(); f.Meta.WSC.Sequence != 2 || n.SubscriptionID != info.ID {
		t.Fatalf("after resubscribe: seq %d sub %s", f.Meta.WSC.Sequence, n.SubscriptionID)
	}
	if got := s.Counters().Recoveries.Failed; got != 1 {
		t.Fatalf("failed recoveries %d", got)
	}
}

func TestWSCFromAnotherOAuthSessionFailsWithWSG1003(t *testing.T) {
	s, base := startSim(t, Config{})
	c, _, _, cdWSC := liveSubscribed(t, s, base)
	s.Drop("")
	c.readClosed()
	other := login(t, base) // a second OAuth session
	_, wt2 := getWSToken(t, base, other.AccessToken)
	c2, _, err := dialWS(t, wt2, cdWSC.Token)
	if err != nil {
		t.Fatal(err)
	}
	if d := details(t, c2.readType(rc.TypeConnectionDetails)); d.RecoveryState != rc.RecoveryFailed || d.RecoveryErrorCode != rc.WSGOtherSession {
		t.Fatalf("details %+v, want Failed WSG-1003", d)
	}
}

func TestRecoveryWithoutSubscriptionFailsWithWSG1005(t *testing.T) {
	s, base := startSim(t, Config{})
	c, wt, _ := connect(t, base)
	cd := c.readType(rc.TypeConnectionDetails)
	s.Drop("")
	c.readClosed()
	c2, _, _ := dialWS(t, wt, cd.Meta.WSC.Token)
	if d := details(t, c2.readType(rc.TypeConnectionDetails)); d.RecoveryState != rc.RecoveryFailed || d.RecoveryErrorCode != rc.WSGNoSubscription {
		t.Fatalf("details %+v", d)
	}
}

func TestBadWSCGetsWSG400ThenClose(t *testing.T) {
	s, base := startSim(t, Config{})
	_, wt, _, cdWSC := liveSubscribed(t, s, base)
	tampered := []byte(cdWSC.Token)
	tampered[len(tampered)/2] ^= 1 // still URL-safe base64, wrong MAC
	if tampered[len(tampered)/2] == '-' || tampered[len(tampered)/2] == '_' {
		tampered[len(tampered)/2] = 'A'
	}
	for _, bad := range []string{"garbage!!", string(tampered), ""} {
		c, _, err := dialWS(t, wt, bad)
		if err != nil {
			t.Fatal(err)
		}
		if bad == "" { // SocketURL omits an empty wsc: a plain connect
			c.readType(rc.TypeConnectionDetails)
			continue
		}
		f := c.readType(rc.TypeError)
		if e := errorBody(t, f); e.ErrorCode != rc.WSGBadContext || !strings.Contains(e.Message, "Malformed") {
			t.Fatalf("%q: error %+v", bad, e)
		}
		c.readClosed()
	}
	if got := s.Counters().Recoveries.Malformed; got != 2 {
		t.Fatalf("malformed counter %d, want 2", got)
	}
}

func TestRecoveryWindowExpires(t *testing.T) {
	s, base := startSim(t, Config{RecoveryTimeout: 50 * 1e6}) // 50 ms
	c, wt, _, cdWSC := liveSubscribed(t, s, base)
	s.Drop("")
	c.readClosed()
	eventually(t, "the lost session to expire", func() bool { return len(s.Counters().Sessions) == 0 })
	c2, _, _ := dialWS(t, wt, cdWSC.Token)
	if d := details(t, c2.readType(rc.TypeConnectionDetails)); d.RecoveryState != rc.RecoveryFailed {
		t.Fatalf("recovery after the window: %q", d.RecoveryState)
	}
}

func TestSeveralSocketsPerOAuthSessionAreIndependentSessions(t *testing.T) {
	s, base := startSim(t, Config{})
	tr := login(t, base)
	_, wt := getWSToken(t, base, tr.AccessToken)
	var clients []*client
	for i := 0; i < 2; i++ {
		c, _, err := dialWS(t, wt, "")
		if err != nil {
			t.Fatal(err)
		}
		if cd := c.readType(rc.TypeConnectionDetails); cd.Meta.WSC.Sequence != 1 {
			t.Fatalf("socket %d starts at %d", i, cd.Meta.WSC.Sequence)
		}
		clients = append(clients, c)
	}
	a, b := clients[0].mustSubscribe(smsFilter), clients[1].mustSubscribe(voicemailF)
	if n, _ := s.Generate("", "", 1); n != 2 {
		t.Fatalf("generated %d, want one per session", n)
	}
	for i, want := range []rc.SubscriptionInfo{a, b} {
		f, n := clients[i].notification()
		if n.SubscriptionID != want.ID || f.Meta.WSC.Sequence != 2 {
			t.Fatalf("socket %d got sub %s seq %d", i, n.SubscriptionID, f.Meta.WSC.Sequence)
		}
	}
}

func TestRecoveringWhileTheOldSocketIsStillOpenTakesTheSessionOver(t *testing.T) {
	s, base := startSim(t, Config{})
	old, wt, info, cdWSC := liveSubscribed(t, s, base)
	c2, _, err := dialWS(t, wt, cdWSC.Token) // the server never saw the old one die
	if err != nil {
		t.Fatal(err)
	}
	if d := details(t, c2.readType(rc.TypeConnectionDetails)); d.RecoveryState != rc.RecoverySuccessful {
		t.Fatalf("takeover: %q", d.RecoveryState)
	}
	old.readClosed()
	s.Generate("", "", 1)
	if _, n := c2.notification(); n.SubscriptionID != info.ID {
		t.Fatalf("after takeover: sub %s", n.SubscriptionID)
	}
	eventually(t, "the old socket to be gone", func() bool { return s.Counters().Open == 1 })
	if got := s.Counters(); len(got.Sessions) != 1 {
		t.Fatalf("counters %+v", got)
	}
}
