package pubnub_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// Rule: every notification arrives exactly once across two dropped
// polls and one renewal: a dropped poll resumes from the last timetoken
// and PubNub's queue delivers what was published meanwhile, marked R;
// the renewal is a PUT and keeps the channel.
func TestEveryNotificationOnceAcrossDropsAndARenewal(t *testing.T) {
	clk := newClock()
	srv := newRCPN(t, clk)
	l := start(t, srv, clk, nil)
	l.out.waitFor("live", phase(protocol.PhaseLive, "handshake answered"))
	var ids []string
	channel := srv.channelOf("sub-1")

	srv.waitHeld(channel)
	ids = append(ids, srv.publish(3, "")...)
	l.out.waitFor("the first three", received(ids...))

	// The first drop: two published while no poll is held.
	srv.waitHeld(channel)
	srv.set(func(s *rcpn) { s.down = true })
	srv.dropPolls()
	l.out.waitFor("the drop", phase(protocol.PhaseDropped, ""))
	during := srv.publish(2, "")
	ids = append(ids, during...)
	clk.Advance(time.Second) // the resume comes after them
	srv.set(func(s *rcpn) { s.down = false })
	ups := l.out.waitFor("the catch-up", received(ids...))
	// A resume is a recovery: counted as one, in the transport's words.
	l.out.waitFor("recovered", phase(protocol.PhaseRecovered, "resumed from the last timetoken"))
	for _, e := range events(ups) {
		if slices.Contains(during, e.ID) && !e.Replayed {
			t.Errorf("%s came in the catch-up but is not marked R", e.ID)
		}
	}

	// The renewal: the subscription comes due (expiry − 120 s).
	clk.Advance(781 * time.Second)
	l.out.waitFor("the renewal", phase(protocol.PhaseLive, "subscription renewed (PUT 200)"))
	srv.waitHeld(channel)
	ids = append(ids, srv.publish(2, "")...)
	l.out.waitFor("two after the renewal", received(ids...))

	// The second drop, with one published during it.
	srv.waitHeld(channel)
	srv.set(func(s *rcpn) { s.down = true })
	srv.dropPolls()
	ids = append(ids, srv.publish(1, "")...)
	srv.set(func(s *rcpn) { s.down = false })
	ids = append(ids, srv.publish(1, "")...)
	ups = l.out.waitFor("everything", received(ids...))

	count := map[string]int{}
	for _, e := range events(ups) {
		count[e.ID]++
		if e.Seal == nil || !e.Seal.OK {
			t.Errorf("%s: seal %+v, want decrypted (presence forces encryption)", e.ID, e.Seal)
		}
	}
	for _, id := range ids {
		if count[id] != 1 {
			t.Errorf("%s arrived %d times", id, count[id])
		}
	}
	if len(count) != len(ids) {
		t.Errorf("%d distinct notifications, published %d", len(count), len(ids))
	}
	for _, u := range ups {
		if u.Gap != nil {
			t.Errorf("a gap after short drops: %s", u.Gap.Reason)
		}
	}
	if puts := srv.calls("PUT /restapi/v1.0/subscription 200"); len(puts) != 1 {
		t.Errorf("renewals %v, want one PUT", puts)
	}
	if posts := srv.calls("POST /restapi/v1.0/subscription"); len(posts) != 1 {
		t.Errorf("creates %v, want one", posts)
	}
	if probes := srv.calls("GET /time/0 200"); len(probes) == 0 {
		t.Error("no /time/0 probe before resuming")
	}
}

// Rule: after an outage longer than PubNub keeps messages (20 min), a
// gap is reported with how long the cursor was away; what is still
// queued arrives.
func TestGapAfterAnOutageLongerThanTheQueue(t *testing.T) {
	clk := newClock()
	srv := newRCPN(t, clk)
	srv.lifetime = time.Hour // not due during the outage (the test server does not cap it)
	l := start(t, srv, clk, nil)
	l.out.waitFor("live", phase(protocol.PhaseLive, "handshake answered"))
	channel := srv.channelOf("sub-1")
	srv.waitHeld(channel)
	srv.set(func(s *rcpn) { s.down = true })
	srv.dropPolls()
	l.out.waitFor("the drop", phase(protocol.PhaseDropped, ""))
	lost := srv.publish(3, "")
	clk.Advance(25 * time.Minute)
	kept := srv.publish(1, "")
	srv.set(func(s *rcpn) { s.down = false })
	ups := l.out.waitFor("the survivor", received(kept...))
	var gap *protocol.Gap
	for _, u := range ups {
		if u.Gap != nil {
			gap = u.Gap
		}
	}
	if gap == nil || !strings.Contains(gap.Reason, "away 25m") || !strings.Contains(gap.Reason, "20m0s") {
		t.Fatalf("gap %+v\n%s", gap, dump(ups))
	}
	if received(lost...)(ups) {
		t.Fatal("messages older than the queue keeps arrived")
	}
}

// Rule: a renewal answered 404 re-creates the subscription (the SDKs go
// silent), moves the poll to its channel as a rotation, reports the
// window in between, and notifications flow again.
func TestRenew404RecreatesTheSubscription(t *testing.T) {
	clk := newClock()
	srv := newRCPN(t, clk)
	l := start(t, srv, clk, nil)
	l.out.waitFor("live", phase(protocol.PhaseLive, "handshake answered"))
	srv.waitHeld(srv.channelOf("sub-1"))
	srv.set(func(s *rcpn) { s.renew404 = true })
	clk.Advance(790 * time.Second)
	ups := l.out.waitFor("the poll moved", phase(protocol.PhaseRotating, "the renewal found the subscription gone"))
	var removed, created, renewErr, gap bool
	for _, u := range ups {
		switch {
		case u.Subscription != nil && u.Subscription.ID == "sub-1" && u.Subscription.Status == "Removed":
			removed = true
		case u.Subscription != nil && u.Subscription.Status == "Active" && u.Subscription.ID != "sub-1":
			created = true
		case u.Error != nil && u.Error.Where == "renew" && strings.Contains(u.Error.Message, "SDKs stop here"):
			renewErr = true
		case u.Gap != nil && strings.Contains(u.Gap.Reason, "renewal found it gone"):
			gap = true
		}
	}
	if !removed || !created || !renewErr || !gap {
		t.Fatalf("removed %v, created %v, renew error %v, gap %v\n%s", removed, created, renewErr, gap, dump(ups))
	}
	srv.waitHeld(srv.channelOf(srv.newest()))
	ids := srv.publish(2, "")
	l.out.waitFor("notifications on the new channel", received(ids...))
	if findState(l.out.snapshot(), protocol.PhaseDropped, "") != nil {
		t.Error("moving to the new channel is a rotation, not a drop")
	}
}

// Rule: a renewal that moves the channel moves the poll at once.
func TestRenewalThatMovesTheChannel(t *testing.T) {
	clk := newClock()
	srv := newRCPN(t, clk)
	l := start(t, srv, clk, nil)
	l.out.waitFor("live", phase(protocol.PhaseLive, "handshake answered"))
	old := srv.channelOf("sub-1")
	srv.waitHeld(old)
	srv.set(func(s *rcpn) { s.move = true })
	clk.Advance(790 * time.Second)
	l.out.waitFor("moved", phase(protocol.PhaseRotating, "moved the subscription to channel"))
	now := srv.channelOf("sub-1")
	if now == old {
		t.Fatal("the server did not move the channel")
	}
	srv.waitHeld(now)
	ids := srv.publish(1, "")
	l.out.waitFor("the notification on the new channel", received(ids...))
}

// Rule: PubNub refusing the subscribe (403 Access Manager) is shown as
// access denied and polling stops, as it does in the official clients;
// the subscription is still renewed (as the SDKs go on renewing), and
// only the operator's resume polls again.
func TestForbiddenSubscribeStopsPolling(t *testing.T) {
	clk := newClock()
	srv := newRCPN(t, clk)
	srv.refuse = 403
	l := start(t, srv, clk, nil)
	ups := l.out.waitFor("rejected", phase(protocol.PhaseRejected, "access denied"))
	st := findState(ups, protocol.PhaseRejected, "")
	if st.HTTPStatus != 403 || !strings.Contains(st.Cause, "PNAccessDeniedCategory") || !strings.Contains(st.Cause, "Access Manager") {
		t.Fatalf("%+v", st)
	}
	var poll string
	for _, f := range st.Context {
		if f.Label == "poll" {
			poll = f.Value
		}
	}
	if !strings.HasPrefix(poll, "stopped: PNAccessDeniedCategory") {
		t.Fatalf("context poll %q", poll)
	}
	if err := l.s.Do(protocol.Command{Kind: protocol.CmdMarker, Text: "m"}); err != nil {
		t.Fatal(err)
	}
	l.out.waitFor("the marker", func(ups []protocol.Update) bool {
		return slices.ContainsFunc(ups, func(u protocol.Update) bool { return u.Marker != nil })
	})
	if n := len(srv.calls("GET /v2/subscribe/")); n != 1 {
		t.Fatalf("%d subscribes, want the one refused", n)
	}
	clk.Advance(790 * time.Second)
	l.out.waitFor("a renewal while halted", func(ups []protocol.Update) bool {
		return slices.ContainsFunc(ups, func(u protocol.Update) bool {
			return u.Subscription != nil && u.Subscription.Status == "Active" && u.Subscription.ExpiresAt.After(clk.Now())
		}) && len(srv.calls("PUT /restapi/v1.0/subscription 200")) == 1
	})
	if n := len(srv.calls("GET /v2/subscribe/")); n != 1 {
		t.Fatalf("%d subscribes after the renewal, want still the one refused", n)
	}
	srv.set(func(s *rcpn) { s.refuse = 0 })
	if err := l.s.Do(protocol.Command{Kind: protocol.CmdResume}); err != nil {
		t.Fatal(err)
	}
	l.out.waitFor("live after resume", phase(protocol.PhaseLive, "handshake answered"))
	if puts := srv.calls("PUT /restapi/v1.0/subscription 200"); len(puts) != 2 {
		t.Errorf("resuming checks the subscription with a PUT; got %v", puts)
	}
}

// Rule: 400 (bad sub key) is shown as a bad request, and stops too.
func TestBadRequestSubscribeStopsPolling(t *testing.T) {
	clk := newClock()
	srv := newRCPN(t, clk)
	srv.refuse = 400
	l := start(t, srv, clk, nil)
	l.out.waitFor("rejected", phase(protocol.PhaseRejected, "PNBadRequestCategory: HTTP 400 Access Manager: Invalid Subscribe Key"))
}

// Rule: a message that cannot be decrypted is an event whose seal names
// why: a wrong key, or a message sent plain on an encrypted
// subscription.
func TestDecryptFailuresAreNamed(t *testing.T) {
	clk := newClock()
	srv := newRCPN(t, clk)
	l := start(t, srv, clk, nil)
	l.out.waitFor("live", phase(protocol.PhaseLive, "handshake answered"))
	channel := srv.channelOf("sub-1")
	srv.waitHeld(channel)
	srv.publish(1, "AAAAAAAAAAAAAAAAAAAAAA==") // another key
	srv.set(func(s *rcpn) {
		s.enqueue(channel, `{"uuid":"plain-1","event":"/restapi/v1.0/account/~/extension/222/presence","body":{}}`)
	})
	ups := l.out.waitFor("two events", func(ups []protocol.Update) bool { return len(events(ups)) >= 2 })
	es := events(ups)
	// A wrong key leaves bad padding, or (one time in ~200, the
	// subscription's key being random) padding that fits by chance
	// around bytes that are no text: both say "wrong key".
	if es[0].Label != "undecryptable" || es[0].Seal == nil || !strings.Contains(es[0].Seal.Problem, "wrong key") ||
		!strings.HasPrefix(es[0].Seal.Problem, "bad padding") && !strings.HasPrefix(es[0].Seal.Problem, "wrong key") {
		t.Errorf("wrong key: %+v %+v", es[0], es[0].Seal)
	}
	if es[1].ID != "plain-1" || es[1].Seal == nil || es[1].Seal.OK || !strings.HasPrefix(es[1].Seal.Problem, "plain although encrypted") {
		t.Errorf("plain on an encrypted subscription: %+v %+v", es[1], es[1].Seal)
	}
}

// Rule: on exit the session leaves the channel and deletes the
// subscription; every REST call and poll was an http frame, with the
// client's credentials masked.
func TestExitLeavesAndDeletes(t *testing.T) {
	clk := newClock()
	srv := newRCPN(t, clk)
	l := start(t, srv, clk, nil)
	l.out.waitFor("live", phase(protocol.PhaseLive, "handshake answered"))
	srv.waitHeld("")
	l.end(t)
	if len(srv.calls("GET /v2/presence/sub-key/"+testSubKey+"/channel/")) != 1 || len(srv.calls("DELETE /restapi/v1.0/subscription 204")) != 1 {
		t.Fatalf("calls %v", srv.log)
	}
	ups := l.out.snapshot()
	var sent []string
	for _, u := range ups {
		if u.Kind == protocol.KindSent && u.Frame != nil && u.Frame.Op == protocol.OpHTTP {
			sent = append(sent, u.Frame.Data)
			// The client's own credentials are masked; the sub key the
			// server issued is the redaction rules' (internal/providers).
			if strings.Contains(u.Frame.Data, testToken) || strings.Contains(u.Frame.Data, testSecret) || strings.Contains(u.Frame.Data, testJWT) {
				t.Errorf("a credential in a published request: %s", u.Frame.Data)
			}
		}
	}
	want := []string{"/restapi/oauth/token", "/restapi/v1.0/subscription", "/v2/subscribe/", "/v2/subscribe/", "/leave", "DELETE"}
	if len(sent) < len(want) {
		t.Fatalf("published requests %v", sent)
	}
	for i, w := range want[:4] {
		if !strings.Contains(sent[i], w) {
			t.Errorf("request %d %s, want %s", i, sent[i], w)
		}
	}
	if !strings.Contains(sent[len(sent)-2], "/leave") || !strings.Contains(sent[len(sent)-1], `"DELETE"`) {
		t.Errorf("the last requests %v, want leave then DELETE", sent[len(sent)-2:])
	}
	if last := ups[len(ups)-1]; last.State == nil || last.State.Phase != protocol.PhaseClosed {
		t.Errorf("last update %+v, want closed", last)
	}
}

// Rule: new filters go out at once as a PUT (which renews too), and the
// subscription shows them as asked and as answered.
func TestSetFiltersPutsThem(t *testing.T) {
	clk := newClock()
	srv := newRCPN(t, clk)
	l := start(t, srv, clk, nil)
	l.out.waitFor("live", phase(protocol.PhaseLive, "handshake answered"))
	want := []string{"/restapi/v1.0/account/~/extension/~/voicemail"}
	if err := l.s.Do(protocol.Command{Kind: protocol.CmdSetFilters, Filters: want}); err != nil {
		t.Fatal(err)
	}
	ups := l.out.waitFor("the renewal", phase(protocol.PhaseLive, "subscription renewed (PUT 200)"))
	var got *protocol.Subscription
	for _, u := range ups {
		if u.Subscription != nil {
			got = u.Subscription
		}
	}
	if got == nil || !slices.Equal(got.Requested, want) || !slices.Equal(got.Filters, want) {
		t.Fatalf("subscription %+v", got)
	}
	if err := l.s.Do(protocol.Command{Kind: protocol.CmdSetFilters, Filters: []string{"  "}}); err != nil {
		t.Fatal(err)
	}
	l.out.waitFor("the refusal of no filters", func(ups []protocol.Update) bool {
		return slices.ContainsFunc(ups, func(u protocol.Update) bool {
			return u.Error != nil && strings.Contains(u.Error.Message, "at least one event filter")
		})
	})
}
