package pubnub

import (
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// A create answer becomes a subscription Update with what the pane
// shows, and tells the session the channel, the key and the expiry.
func TestDecoderCreateAnswer(t *testing.T) {
	w := newWire(t)
	out, a := w.create("sub-1", "222_abc", vectorKey)
	subs := kinds(out, protocol.KindSubscription)
	if len(subs) != 1 || !a.OK() || !a.Create {
		t.Fatalf("%v %+v", out, a)
	}
	s := subs[0].Subscription
	if s.ID != "sub-1" || s.Status != "Active" || s.Transport != "PubNub" || s.ExpiresIn != 900 ||
		!s.ExpiresAt.Equal(w.now.Add(15*time.Minute)) || s.Requested[0] != presenceFilter || s.Filters[0] != presenceFilter {
		t.Fatalf("%+v", s)
	}
	if !strings.Contains(s.Note, "useRandomIVs") {
		t.Errorf("an encrypted subscription names the useRandomIVs trap: %q", s.Note)
	}
	if a.Info.DeliveryMode.Address != "222_abc" || a.Key != mustKey(t, vectorKey).Fingerprint() {
		t.Fatalf("%+v", a)
	}
}

// An answer the SDKs could not subscribe with is said to be one.
func TestDecoderCreateAnswerWithoutAddress(t *testing.T) {
	w := newWire(t)
	id := w.send("POST", server+"/restapi/v1.0/subscription", `{}`)
	out, msg := w.answer(id, 200, `{"id":"x","expirationTime":"2026-03-01T12:15:00Z","deliveryMode":{"subscriberKey":"k"}}`)
	a := msg.(*SubscriptionAnswer)
	if a.OK() || !strings.Contains(a.Invalid, "deliveryMode.address") || len(kinds(out, protocol.KindError)) != 1 {
		t.Fatalf("%+v %v", a, out)
	}
}

// Messages are decrypted, summarised by protocol/ringcentral and sealed;
// a uuid seen before is a duplicate.
func TestDecoderDecryptsAndMarksDuplicates(t *testing.T) {
	w := newWire(t)
	w.create("sub-1", "222_abc", vectorKey)
	k := mustKey(t, vectorKey)
	_, hs := w.poll("222_abc", nil, 200, pollBody(100))
	if !hs.OK || !hs.Handshake || hs.Cursor.T != 100 {
		t.Fatalf("handshake %+v", hs)
	}
	out, a := w.poll("222_abc", &hs.Cursor, 200, pollBody(102,
		envelope("222_abc", 101, notification("u-1"), k), envelope("222_abc", 102, notification("u-1"), k)))
	es := evs(out)
	if len(es) != 2 || a.Events != 2 || a.Cursor.T != 102 {
		t.Fatalf("%v %+v", out, a)
	}
	e := es[0]
	if e.Provider != ProviderName || e.ID != "u-1" || e.Label != "presence" || e.Summary == "" || e.Subscription != "sub-1" ||
		e.Seal == nil || !e.Seal.OK || e.Seal.Via != "AES-128-ECB" || e.Duplicate || e.Replayed || e.Timestamp.IsZero() {
		t.Fatalf("%+v %+v", e, e.Seal)
	}
	if !es[1].Duplicate {
		t.Fatal("the second copy is a duplicate")
	}
	if !strings.Contains(string(e.Body), `"telephonyStatus":"OnHold"`) {
		t.Fatalf("the body is the decrypted notification: %s", e.Body)
	}
}

// A message that cannot be decrypted is still an event, whose seal says
// why and whose body is the envelope as it came.
func TestDecoderNamesDecryptFailures(t *testing.T) {
	w := newWire(t)
	w.create("sub-1", "222_abc", vectorKey)
	wrong := mustKey(t, "fNP0fszFJdc/thDO90/B3A==")
	out, _ := w.poll("222_abc", &Cursor{T: 100}, 200, pollBody(101, envelope("222_abc", 101, notification("u-9"), wrong)))
	e := evs(out)[0]
	if e.Label != "undecryptable" || e.Seal == nil || e.Seal.OK || !strings.HasPrefix(e.Seal.Problem, "bad padding") ||
		!strings.Contains(string(e.Body), `"p":{"t":"101"`) {
		t.Fatalf("%+v %+v", e, e.Seal)
	}
}

// After a renewal rotates the key, a message still queued under the old
// one is decrypted with it, and the seal says the SDKs get null.
func TestDecoderKeyRotation(t *testing.T) {
	w := newWire(t)
	w.create("sub-1", "222_abc", vectorKey)
	old := mustKey(t, vectorKey)
	id := w.send("PUT", server+"/restapi/v1.0/subscription/sub-1", `{"eventFilters":["`+presenceFilter+`"]}`)
	out, msg := w.answer(id, 200, subscriptionBody("sub-1", "222_abc", "fNP0fszFJdc/thDO90/B3A==", w.now.Add(15*time.Minute)))
	a := msg.(*SubscriptionAnswer)
	if !a.Rotated || a.Moved || !strings.Contains(kinds(out, protocol.KindSubscription)[0].Subscription.Note, "key rotated") {
		t.Fatalf("%+v %v", a, out)
	}
	out, _ = w.poll("222_abc", &Cursor{T: 100}, 200, pollBody(101, envelope("222_abc", 101, notification("u-2"), old)))
	e := evs(out)[0]
	if e.ID != "u-2" || e.Seal.OK || !strings.HasPrefix(e.Seal.Problem, "previous key") {
		t.Fatalf("%+v %+v", e, e.Seal)
	}
}

// A renewal that moves the channel says so; a renewal answered 404
// removes the subscription, and the next create reports the window
// between as a gap nobody can count.
func TestDecoderRenewMovesAndGone(t *testing.T) {
	w := newWire(t)
	w.create("sub-1", "222_abc", "")
	id := w.send("PUT", server+"/restapi/v1.0/subscription/sub-1", `{"eventFilters":["`+presenceFilter+`"]}`)
	_, msg := w.answer(id, 200, subscriptionBody("sub-1", "222_def", "", w.now.Add(15*time.Minute)))
	if a := msg.(*SubscriptionAnswer); !a.Moved {
		t.Fatalf("%+v", a)
	}
	_, hs := w.poll("222_def", nil, 200, pollBody(100))
	w.tick(5 * time.Second)
	w.poll("222_def", &hs.Cursor, 200, pollBody(101, envelope("222_def", 101, notification("u-1"), Key{})))
	lastAlive := w.now
	w.tick(10 * time.Second)
	id = w.send("PUT", server+"/restapi/v1.0/subscription/sub-1", `{"eventFilters":["`+presenceFilter+`"]}`)
	out, msg := w.answer(id, 404, `{"errorCode":"CMN-102","message":"Resource for parameter [subscriptionId] is not found","errors":[{"errorCode":"CMN-102","message":"Resource for parameter [subscriptionId] is not found","parameterName":"subscriptionId"}]}`)
	a := msg.(*SubscriptionAnswer)
	s := kinds(out, protocol.KindSubscription)[0].Subscription
	if !a.Gone || a.Err.Code != "CMN-102" || s.Status != "Removed" || s.ID != "sub-1" || !strings.Contains(s.Note, "404") {
		t.Fatalf("%+v %+v", a, s)
	}
	w.tick(time.Second)
	out, _ = w.create("sub-2", "222_xyz", "")
	gs := kinds(out, protocol.KindGap)
	if len(gs) != 1 || !gs[0].Gap.Start.Equal(lastAlive) || !gs[0].Gap.End.Equal(w.now) || !strings.Contains(gs[0].Gap.Reason, "new channel") {
		t.Fatalf("%v", out)
	}
}

// A refused renewal other than 404 leaves the subscription in force.
func TestDecoderRenewRefused(t *testing.T) {
	w := newWire(t)
	w.create("sub-1", "222_abc", "")
	id := w.send("PUT", server+"/restapi/v1.0/subscription/sub-1", `{}`)
	out, msg := w.answer(id, 503, `{"errorCode":"SUB-500","message":"Internal error"}`)
	a := msg.(*SubscriptionAnswer)
	s := kinds(out, protocol.KindSubscription)[0].Subscription
	if a.Gone || s.Error == nil || s.Error.Code != "SUB-500" || s.Status == "Removed" {
		t.Fatalf("%+v %+v", a, s)
	}
	id = w.send("DELETE", server+"/restapi/v1.0/subscription/sub-1", "")
	out, _ = w.answer(id, 204, "")
	if s := kinds(out, protocol.KindSubscription)[0].Subscription; s.Status != "Removed" {
		t.Fatalf("delete: %+v", s)
	}
}

// After a dropped poll the next one resumes with the cursor: messages
// published before it are catch-up (R), and nothing is reported lost
// when the cursor was away briefly.
func TestDecoderCatchUp(t *testing.T) {
	w := newWire(t)
	w.create("sub-1", "222_abc", "")
	_, hs := w.poll("222_abc", nil, 200, pollBody(TimetokenAt(w.now)))
	cur := hs.Cursor
	id := w.send("GET", pollURL("222_abc", &cur), "")
	w.tick(3 * time.Second)
	_, msg := w.fail(id, "connection reset by peer")
	if a := msg.(*PollAnswer); a.Failure == nil || a.Failure.Category != CategoryNetworkIssues {
		t.Fatalf("%+v", a)
	}
	published := TimetokenAt(w.now)
	w.tick(5 * time.Second)
	id = w.send("GET", pollURL("222_abc", &cur), "")
	w.tick(time.Second)
	later := TimetokenAt(w.now)
	out, m := w.answer(id, 200, pollBody(later, envelope("222_abc", published, notification("u-1"), Key{}), envelope("222_abc", later, notification("u-2"), Key{})))
	a := m.(*PollAnswer)
	es := evs(out)
	if !a.Resumed || a.CatchUp != 1 || !es[0].Replayed || es[1].Replayed || len(kinds(out, protocol.KindGap)) != 0 {
		t.Fatalf("%+v %v", a, out)
	}
	if es[0].Seal != nil {
		t.Fatal("a plain message on a subscription without a key has no seal")
	}
}

// A cursor away longer than PubNub keeps messages is a gap, with how
// long it was away.
func TestDecoderGapAfterLongOutage(t *testing.T) {
	w := newWire(t)
	w.create("sub-1", "222_abc", "")
	_, hs := w.poll("222_abc", nil, 200, pollBody(TimetokenAt(w.now)))
	lastOK := w.now
	id := w.send("GET", pollURL("222_abc", &hs.Cursor), "")
	w.tick(time.Second)
	w.fail(id, "connection refused")
	w.tick(25 * time.Minute)
	id = w.send("GET", pollURL("222_abc", &hs.Cursor), "")
	out, _ := w.answer(id, 200, pollBody(TimetokenAt(w.now), envelope("222_abc", TimetokenAt(w.now.Add(-time.Minute)), notification("u-1"), Key{})))
	gs := kinds(out, protocol.KindGap)
	if len(gs) != 1 || !gs[0].Gap.Start.Equal(lastOK) || !strings.Contains(gs[0].Gap.Reason, "away 25m1s") {
		t.Fatalf("%v", out)
	}
}

// A catch-up of a full queue (100) is a gap too: older messages were
// dropped.
func TestDecoderGapOnFullQueue(t *testing.T) {
	w := newWire(t)
	w.create("sub-1", "222_abc", "")
	_, hs := w.poll("222_abc", nil, 200, pollBody(TimetokenAt(w.now)))
	id := w.send("GET", pollURL("222_abc", &hs.Cursor), "")
	w.tick(time.Second)
	w.fail(id, "connection reset by peer")
	var msgs []string
	for i := range QueueLimit {
		msgs = append(msgs, envelope("222_abc", TimetokenAt(w.now)+Timetoken(i), notification("q-"+string(rune('A'+i%26))+string(rune('a'+i/26))), Key{}))
	}
	w.tick(2 * time.Minute)
	id = w.send("GET", pollURL("222_abc", &hs.Cursor), "")
	out, m := w.answer(id, 200, pollBody(TimetokenAt(w.now), msgs...))
	gs := kinds(out, protocol.KindGap)
	if a := m.(*PollAnswer); a.CatchUp != QueueLimit || len(gs) != 1 || !strings.Contains(gs[0].Gap.Reason, "returned 100 messages") {
		t.Fatalf("%+v %v", a, gs)
	}
}

// A refused poll is classified for the session; nothing else derived.
func TestDecoderClassifiesRefusedPolls(t *testing.T) {
	w := newWire(t)
	w.create("sub-1", "222_abc", "")
	out, a := w.poll("222_abc", nil, 403, `{"message":"Forbidden","payload":{"channels":["222_abc"]},"error":true,"service":"Access Manager","status":403}`)
	if a.OK || a.Failure == nil || a.Failure.Category != CategoryAccessDenied || len(out) != 0 {
		t.Fatalf("%+v %v", a, out)
	}
	out, a = w.poll("222_abc", nil, 200, `<html>captive portal</html>`)
	if a.OK || a.Failure.Category != CategoryMalformedResponse || len(kinds(out, protocol.KindError)) != 1 {
		t.Fatalf("%+v %v", a, out)
	}
}

// Messages for another channel, presence events and signals are not
// notifications.
func TestDecoderIgnoresWhatIsNotANotification(t *testing.T) {
	w := newWire(t)
	w.create("sub-1", "222_abc", "")
	sig := strings.Replace(envelope("222_abc", 103, `"ping"`, Key{}), `"a":"3"`, `"a":"3","e":1`, 1)
	out, a := w.poll("222_abc", &Cursor{T: 100}, 200, pollBody(104,
		envelope("other", 101, notification("u-1"), Key{}),
		envelope("222_abc-pnpres", 102, `{"action":"join"}`, Key{}),
		sig,
		envelope("222_abc", 104, notification("u-4"), Key{})))
	if a.Events != 1 || len(evs(out)) != 1 || len(kinds(out, protocol.KindError)) != 2 {
		t.Fatalf("%+v %v", a, out)
	}
}

// The decoder reads times from the Updates alone: the same frames give
// the same Updates.
func TestDecoderIsDeterministic(t *testing.T) {
	run := func() []protocol.Update {
		w := newWire(t)
		var all []protocol.Update
		out, _ := w.create("sub-1", "222_abc", vectorKey)
		all = append(all, out...)
		w.poll("222_abc", nil, 200, pollBody(100))
		id := w.send("GET", pollURL("222_abc", &Cursor{T: 100}), "")
		w.tick(time.Second)
		w.fail(id, "reset")
		w.tick(21 * time.Minute)
		id = w.send("GET", pollURL("222_abc", &Cursor{T: 100}), "")
		out, _ = w.answer(id, 200, pollBody(101, envelope("222_abc", 101, notification("u"), mustKey(t, vectorKey))))
		return append(all, out...)
	}
	a, b := run(), run()
	if len(a) != len(b) || len(a) != 3 || a[1].Kind != protocol.KindGap || a[2].Kind != protocol.KindEvent {
		t.Fatalf("%d and %d updates", len(a), len(b))
	}
	for i := range a {
		if a[i].Kind != b[i].Kind {
			t.Fatalf("update %d: %s vs %s", i, a[i].Kind, b[i].Kind)
		}
	}
}
