package ringcentral

import (
	"strings"
	"testing"
	"time"
)

// liveSubscribed connects, subscribes to SMS and returns the client,
// its ws token and the subscription. Rate 0: the test makes every event.
func liveSubscribed(t *testing.T, s *Server, base string) (*client, wsTokenResponse, subscriptionInfo, *wscRef) {
	t.Helper()
	c, wt, _ := connect(t, base)
	cd := c.readType(typeConnectionDetails)
	return c, wt, c.mustSubscribe(smsFilter), cd.Meta.WSC
}

func TestDropThenRecoverReplaysMissedInOrderWithoutLoss(t *testing.T) {
	s, base := startSim(t, Config{})
	c, wt, info, _ := liveSubscribed(t, s, base)
	if _, err := s.Generate("", "sms", 3); err != nil {
		t.Fatal(err)
	}
	var last *wscRef
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
	cd := c2.readType(typeConnectionDetails)
	if d := details(t, cd); d.RecoveryState != recoverySuccessful {
		t.Fatalf("recoveryState %q, want Successful", d.RecoveryState)
	}
	if cd.Meta.WSC.Sequence != last.Sequence+5 {
		t.Fatalf("ConnectionDetails sequence %d, want the session's newest, %d: the client's position %d plus the 5 made while it was away",
			cd.Meta.WSC.Sequence, last.Sequence+5, last.Sequence)
	}
	s.mu.Lock()
	_, pos, err := s.wsc.decode(cd.Meta.WSC.Token)
	s.mu.Unlock()
	if err != nil || pos != last.Sequence {
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
	if d := details(t, c2.readType(typeConnectionDetails)); d.RecoveryState != recoverySuccessful {
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
	cd := c2.readType(typeConnectionDetails)
	d := details(t, cd)
	if d.RecoveryState != recoveryFailed || d.RecoveryErrorCode != wsgNoSubscription || cd.Meta.WSC.Sequence != 1 {
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
	if d := details(t, c2.readType(typeConnectionDetails)); d.RecoveryState != recoveryFailed || d.RecoveryErrorCode != wsgOtherSession {
		t.Fatalf("details %+v, want Failed WSG-1003", d)
	}
}

func TestRecoveryWithoutSubscriptionFailsWithWSG1005(t *testing.T) {
	s, base := startSim(t, Config{})
	c, wt, _ := connect(t, base)
	cd := c.readType(typeConnectionDetails)
	s.Drop("")
	c.readClosed()
	c2, _, _ := dialWS(t, wt, cd.Meta.WSC.Token)
	if d := details(t, c2.readType(typeConnectionDetails)); d.RecoveryState != recoveryFailed || d.RecoveryErrorCode != wsgNoSubscription {
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
			c.readType(typeConnectionDetails)
			continue
		}
		f := c.readType(typeError)
		if e := errorBody(t, f); e.ErrorCode != wsgBadContext || !strings.Contains(e.Message, "Malformed") {
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
	if d := details(t, c2.readType(typeConnectionDetails)); d.RecoveryState != recoveryFailed {
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
		if cd := c.readType(typeConnectionDetails); cd.Meta.WSC.Sequence != 1 {
			t.Fatalf("socket %d starts at %d", i, cd.Meta.WSC.Sequence)
		}
		clients = append(clients, c)
	}
	a, b := clients[0].mustSubscribe(smsFilter), clients[1].mustSubscribe(voicemailF)
	if n, _ := s.Generate("", "", 1); n != 2 {
		t.Fatalf("generated %d, want one per session", n)
	}
	for i, want := range []subscriptionInfo{a, b} {
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
	if d := details(t, c2.readType(typeConnectionDetails)); d.RecoveryState != recoverySuccessful {
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

// The known defect of the previous closing note: "a drop within the 100
// ms pause between a successful recovery's ConnectionDetails and its
// replay can lose buffered notifications" (seen as sequences 12-17
// missing of 116, Delivered 110 against Generated 116).
//
// The cause is not in the buffer or in attach: a connection cut inside
// the pause delivered nothing, so the client comes back from the same
// position, and consecutive cuts add up to one outage. In that run the
// client had read 10 notifications; with its backoff growing, more than
// 100 (the buffer) were made before a connection survived the pause, so
// the oldest six were evicted unread — 10 + 100 delivered, 116 made — and
// the client reported the jump, as RingCentral's buffer of
// recoveryBufferSize (newest kept) means it must. What was missing was
// the emulator saying so: it now counts them as dropped and logs them.
//
// Rule: cuts inside the pause lose nothing the buffer still holds; once
// more than BufferSize are made since the client's position, exactly the
// oldest are gone, the sequence jump shows how many, and the emulator's
// dropped counter and log agree.
func TestCutsInsideTheReplayPauseLoseOnlyWhatTheBufferNoLongerHolds(t *testing.T) {
	var log syncBuffer
	s, base := startSim(t, Config{BufferSize: 10, ReplayDelay: 500 * time.Millisecond, Log: &log})
	c, wt, _, _ := liveSubscribed(t, s, base)
	s.Generate("", "sms", 3) // 2..4
	var last *wscRef
	for i := 0; i < 3; i++ {
		f, _ := c.notification()
		last = f.Meta.WSC
	}
	// cutInPause recovers with token, then cuts the connection before the
	// pause ends: nothing but ConnectionDetails reaches the client.
	cutInPause := func(token string) *wscRef {
		t.Helper()
		eventually(t, "no connection", func() bool { return s.Counters().Open == 0 })
		cl, _, err := dialWS(t, wt, token)
		if err != nil {
			t.Fatal(err)
		}
		cd := cl.readType(typeConnectionDetails)
		if d := details(t, cd); d.RecoveryState != recoverySuccessful {
			t.Fatalf("recoveryState %q", d.RecoveryState)
		}
		s.Drop("")
		cl.readClosed() // a notification here would fail the test: none may leave in the pause
		return cd.Meta.WSC
	}
	s.Drop("")
	c.readClosed()
	s.Generate("", "sms", 4) // 5..8, while away
	tok := cutInPause(last.Token)
	s.mu.Lock()
	_, pos, err := s.wsc.decode(tok.Token)
	s.mu.Unlock()
	if tok.Sequence != 8 || err != nil || pos != last.Sequence {
		t.Fatalf("ConnectionDetails of a recovery from %d says %d and resumes at %d (%v), want 8 (the newest made) and %d",
			last.Sequence, tok.Sequence, pos, err, last.Sequence)
	}
	s.Generate("", "sms", 4) // 9..12
	tok = cutInPause(tok.Token)

	// Within the buffer: everything since the position arrives once.
	eventually(t, "no connection", func() bool { return s.Counters().Open == 0 })
	c3, _, err := dialWS(t, wt, tok.Token)
	if err != nil {
		t.Fatal(err)
	}
	c3.readType(typeConnectionDetails)
	for want := uint64(5); want <= 12; want++ {
		f, _ := c3.notification()
		if f.Meta.WSC.Sequence != want {
			t.Fatalf("replayed %d, want %d", f.Meta.WSC.Sequence, want)
		}
		last = f.Meta.WSC
	}
	if d := s.Counters().Dropped; d != 0 {
		t.Fatalf("dropped %d with everything inside the buffer", d)
	}

	// Beyond it: 15 made since the client's position (12), in an outage
	// stretched by two cuts inside the pause; the buffer holds 10.
	s.Drop("")
	c3.readClosed()
	s.Generate("", "sms", 5) // 13..17
	tok = cutInPause(last.Token)
	s.Generate("", "sms", 10) // 18..27
	tok = cutInPause(tok.Token)
	eventually(t, "no connection", func() bool { return s.Counters().Open == 0 })
	c4, _, err := dialWS(t, wt, tok.Token)
	if err != nil {
		t.Fatal(err)
	}
	c4.readType(typeConnectionDetails)
	first, _ := c4.notification()
	if first.Meta.WSC.Sequence != 18 {
		t.Fatalf("first replayed %d, want 18 (the newest 10 of 13..27)", first.Meta.WSC.Sequence)
	}
	for want := uint64(19); want <= 27; want++ {
		if f, _ := c4.notification(); f.Meta.WSC.Sequence != want {
			t.Fatalf("replayed %d, want %d", f.Meta.WSC.Sequence, want)
		}
	}
	if d := s.Counters().Dropped; d != 5 {
		t.Fatalf("the client lost 13..17 (5); the emulator counted %d dropped", d)
	}
	if !strings.Contains(log.String(), "15 made since, the oldest 5 no longer buffered; replaying 10") {
		t.Fatalf("the log does not say what the buffer no longer held:\n%s", log.String())
	}
}
