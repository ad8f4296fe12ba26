package dialpad

import (
	"strings"
	"testing"

	"github.com/evtap/evtap/protocol"
)

const base = "https://dialpad.example/api/v2"

// A plain JSON frame is an event with its summary, its time and no seal
// when nothing signed was expected; the session is told it delivered.
func TestDecodePlainEvent(t *testing.T) {
	f := newFeed(t, Config{})
	u := protocol.Update{Kind: protocol.KindRecv, Conn: 1, Frame: &protocol.Frame{Op: protocol.OpText, Data: callInboundRinging}}
	got, msg := f.d.Decode(nil, &u, []byte(callInboundRinging))
	ev := one(t, "events", events(got))
	if ev.Provider != "dialpad" || ev.Label != "call ringing" || ev.ID != "5635304278851584" || ev.Name != "call" || ev.Seal != nil || ev.Duplicate {
		t.Errorf("event %+v", ev)
	}
	if string(ev.Body) != callInboundRinging {
		t.Errorf("body %s", ev.Body)
	}
	if _, ok := msg.(Delivered); !ok {
		t.Errorf("msg %T, want Delivered", msg)
	}
	if u.Frame.Type != "event" {
		t.Errorf("frame type %q", u.Frame.Type)
	}
}

// With a secret, each frame's seal says: verified, bad signature, or
// unsigned where a signature was expected; the event is shown either way.
func TestDecodeSignedFrames(t *testing.T) {
	f := newFeed(t, Config{Secret: "s3cret"})
	cases := []struct {
		frame, problem string
		ok             bool
	}{
		{signHS256(callInboundRinging, "s3cret"), "", true},
		{signHS256(smsInbound, "other"), "bad signature", false},
		{agentAvailable, "unsigned: a plain JSON frame where a signed one was expected", false},
	}
	for _, c := range cases {
		ev := one(t, "events", events(f.text(1, c.frame)))
		if ev.Seal == nil || ev.Seal.Via != "HS256 JWT" || ev.Seal.OK != c.ok || !strings.HasPrefix(ev.Seal.Problem, c.problem) {
			t.Errorf("%s: seal %+v, want ok=%v %q", ev.Label, ev.Seal, c.ok, c.problem)
		}
	}
	// The decoded payload is the event, however it came.
	if evs := events(f.out); string(evs[0].Body) != callInboundRinging || evs[1].Label != "SMS in" {
		t.Errorf("signed payloads not decoded: %s / %s", evs[0].Body, evs[1].Label)
	}

	// No secret known: a signed frame is shown, marked not verified.
	g := newFeed(t, Config{})
	ev := one(t, "events", events(g.text(1, signHS256(callInboundRinging, "x"))))
	if ev.Seal == nil || ev.Seal.OK || !strings.Contains(ev.Seal.Problem, "no secret known") {
		t.Errorf("seal without a secret %+v", ev.Seal)
	}
	// alg none is never accepted.
	none := strings.Replace(signHS256(callInboundRinging, "s3cret"), strings.Split(signHS256("{}", "x"), ".")[0], "eyJhbGciOiJub25lIn0", 1)
	ev = one(t, "events", events(f.text(1, none)))
	if ev.Seal.OK || !strings.Contains(ev.Seal.Problem, "alg none") {
		t.Errorf("alg none: seal %+v", ev.Seal)
	}
}

// The server echoes the websocket's secret; when a PATCH changes it,
// frames signed with the old one fail verification, and the pane says
// why.
func TestDecodeRotatedSecret(t *testing.T) {
	f := newFeed(t, Config{Secret: "old"})
	ws := one(t, "subscriptions", subs(f.rest("POST", base+"/websockets", `{"secret":"***"}`, 200, nil,
		`{"id":"1000","signature":{"algo":"HS256","secret":"old","type":"jwt"},"websocket_url":"wss://x/events/t"}`)))
	if ws.ID != "websocket 1000" || ws.Status != "signed: HS256 jwt" || ws.Note != "" || len(ws.Filters)+len(ws.Requested) != 0 {
		t.Errorf("websocket %+v", ws)
	}
	if ev := one(t, "events", events(f.text(1, signHS256(callInboundRinging, "old")))); !ev.Seal.OK {
		t.Fatalf("old secret before the PATCH: %+v", ev.Seal)
	}
	ws = one(t, "subscriptions", subs(f.rest("PATCH", base+"/websockets/1000", `{"secret":"***"}`, 200, nil,
		`{"id":"1000","signature":{"algo":"HS256","secret":"new","type":"jwt"},"websocket_url":"wss://x/events/u"}`)))
	if !strings.Contains(ws.Note, "the secret was changed: frames signed with the old one fail verification") {
		t.Errorf("note %q", ws.Note)
	}
	if ev := one(t, "events", events(f.text(1, signHS256(callOutboundLeg, "old")))); ev.Seal.OK || !strings.HasPrefix(ev.Seal.Problem, "bad signature") {
		t.Errorf("old secret after the PATCH: %+v", ev.Seal)
	}
	if ev := one(t, "events", events(f.text(1, signHS256(smsInbound, "new")))); !ev.Seal.OK {
		t.Errorf("new secret after the PATCH: %+v", ev.Seal)
	}
	// A recording's placeholder is no secret: the one known stays.
	f.rest("GET", base+"/websockets/1000", "", 200, nil, `{"id":"1000","signature":{"algo":"HS256","secret":"REDACTED-secret-1","type":"jwt"}}`)
	if ev := one(t, "events", events(f.text(1, signHS256(smsDelivered, "new")))); !ev.Seal.OK {
		t.Errorf("after a redacted answer: %+v", ev.Seal)
	}
}

// The server's secret wins over the one given, and the pane says so; a
// websocket without one while a secret was given is said too.
func TestDecodeSecretMismatch(t *testing.T) {
	f := newFeed(t, Config{Secret: "given"})
	ws := one(t, "subscriptions", subs(f.rest("GET", base+"/websockets/7", "", 200, nil, `{"id":7,"signature":{"algo":"HS256","secret":"actual","type":"jwt"}}`)))
	if !strings.Contains(ws.Note, "not the one given") {
		t.Errorf("note %q", ws.Note)
	}
	if ev := one(t, "events", events(f.text(1, signHS256(callInboundRinging, "actual")))); !ev.Seal.OK {
		t.Errorf("seal %+v", ev.Seal)
	}
	g := newFeed(t, Config{Secret: "given"})
	ws = one(t, "subscriptions", subs(g.rest("GET", base+"/websockets/7", "", 200, nil, `{"id":"7","websocket_url":"wss://x/events/t"}`)))
	if !strings.HasPrefix(ws.Status, "unsigned") || !strings.Contains(ws.Note, "has no secret") {
		t.Errorf("unsigned websocket %+v", ws)
	}
}

// The same event arriving on the old and the new connection of a
// rotation is shown twice, the second marked Duplicate; a make-before-
// break handover is no outage.
func TestDecodeRotationOverlap(t *testing.T) {
	f := newFeed(t, Config{})
	f.state(1, protocol.PhaseDialing)
	f.state(1, protocol.PhaseLive)
	f.text(1, callInboundRinging)
	f.state(1, protocol.PhaseRotating)
	f.state(2, protocol.PhaseRotating) // connection 2: dialing, upgraded
	f.text(1, callOutboundLeg)
	f.text(2, callOutboundLeg) // the overlap
	f.state(2, protocol.PhaseLive)
	f.text(1, smsInbound) // still in flight on the old one
	f.text(2, smsInbound)
	f.push(protocol.Update{Kind: protocol.KindSent, Conn: 1, Frame: &protocol.Frame{Op: protocol.OpClose}}, nil)
	f.push(protocol.Update{Kind: protocol.KindRecv, Conn: 1, Frame: &protocol.Frame{Op: protocol.OpClose}}, nil)
	f.text(2, agentAvailable)

	var dup []bool
	for _, e := range events(f.out) {
		dup = append(dup, e.Duplicate)
	}
	if want := []bool{false, false, true, false, true, false}; !equalBools(dup, want) {
		t.Errorf("duplicates %v, want %v", dup, want)
	}
	if g := gaps(f.out); len(g) != 0 {
		t.Errorf("a handover made gaps %+v", g)
	}
}

// A connection that died unannounced, with the next one live later, is
// an outage window in which events may have been lost.
func TestDecodeOutageWindow(t *testing.T) {
	f := newFeed(t, Config{})
	f.state(1, protocol.PhaseLive)
	f.text(1, callInboundRinging)
	drop := f.push(protocol.Update{Kind: protocol.KindState, Conn: 1, State: &protocol.State{Phase: protocol.PhaseDropped, Cause: "connection lost: the server ended the TCP connection without a close frame"}}, nil)
	start := f.now
	f.state(1, protocol.PhaseBackoff)
	f.state(2, protocol.PhaseDialing)
	live := f.state(2, protocol.PhaseLive)
	if len(drop) != 0 {
		t.Errorf("a gap at the drop already: %+v", drop)
	}
	g := one(t, "gaps", gaps(live))
	if !g.Start.Equal(start) || !g.End.Equal(f.now) || g.Missed != 0 || !strings.Contains(g.Reason, "without a close frame") || !strings.Contains(g.Reason, "may have been lost") {
		t.Errorf("gap %+v", g)
	}
}

// REST answers about the websocket's subscriptions become one
// subscription Update per id; a refusal keeps what is in force and says
// what was asked and why, with a 429's retry time.
func TestDecodeSubscriptionAnswers(t *testing.T) {
	f := newFeed(t, Config{})
	f.rest("POST", base+"/websockets", "{}", 200, nil, `{"id":"1000","websocket_url":"wss://x/events/t"}`)
	s := one(t, "subs", subs(f.rest("POST", base+"/subscriptions/call", `{"call_states":["ringing","hangup"],"endpoint_id":1000}`, 200, nil,
		`{"call_states":["ringing","hangup"],"enabled":true,"group_calls_only":false,"id":"1001","websocket":{"id":"1000","websocket_url":"wss://x/events/s"}}`)))
	if s.ID != "call 1001" || s.Status != "enabled" || strings.Join(s.Requested, "|") != "call id=1001 states=ringing,hangup" ||
		strings.Join(s.Filters, "|") != "states=ringing,hangup" || s.Transport != "websocket 1000" || s.Note != "" {
		t.Errorf("call subscription %+v", s)
	}
	s = one(t, "subs", subs(f.rest("PATCH", base+"/subscriptions/call/1001", `{"enabled":false}`, 200, nil,
		`{"call_states":["ringing","hangup"],"enabled":false,"id":"1001","websocket":{"id":"1000"}}`)))
	if s.Status != "disabled" || s.Requested[0] != "call id=1001 states=ringing,hangup disabled" {
		t.Errorf("disabled %+v", s)
	}

	s = one(t, "subs", subs(f.rest("POST", base+"/subscriptions/sms", `{"enabled":true,"endpoint_id":1000}`, 400, nil, `{"error":{"code":400,"message":"direction is required"}}`)))
	if s.Error == nil || s.Error.Status != 400 || s.Error.Message != "POST /api/v2/subscriptions/sms: direction is required" || s.ID != "" {
		t.Errorf("400 %+v %+v", s, s.Error)
	}
	s = one(t, "subs", subs(f.rest("PATCH", base+"/subscriptions/call/1001", `{"call_states":["hangup"]}`, 429, map[string]string{"Retry-After": "30"}, "")))
	if s.Error == nil || s.Error.Message != "PATCH /api/v2/subscriptions/call/1001: rate limited, retry after 30s" || s.Requested[0] != "call id=1001 states=hangup" {
		t.Errorf("429 %+v %+v", s, s.Error)
	}
	s = one(t, "subs", subs(f.rest("DELETE", base+"/subscriptions/sms/9", "", 404, nil, "")))
	if s.Error.Message != "DELETE /api/v2/subscriptions/sms/9: no such sms subscription" || s.ID != "sms 9" || s.Requested != nil {
		t.Errorf("404 %+v %+v", s, s.Error)
	}
	s = one(t, "subs", subs(f.rest("GET", base+"/websockets/1000", "", 401, nil, "Unauthorized")))
	if s.Error.Message != "GET /api/v2/websockets/1000: Unauthorized" {
		t.Errorf("401 %+v", s.Error)
	}

	s = one(t, "subs", subs(f.rest("DELETE", base+"/subscriptions/call/1001", "", 200, nil, `{"id":"1001","enabled":false}`)))
	if s.ID != "call 1001" || s.Status != "Removed" {
		t.Errorf("delete %+v", s)
	}
	s = one(t, "subs", subs(f.rest("DELETE", base+"/websockets/1000", "", 200, nil, `{"id":"1000"}`)))
	if s.ID != "websocket 1000" || s.Status != "Removed" {
		t.Errorf("delete websocket %+v", s)
	}
	// Not our resources, or no answer at all: nothing.
	if got := subs(f.rest("GET", base+"/users/1", "", 200, nil, `{}`)); len(got) != 0 {
		t.Errorf("another resource: %+v", got)
	}
	if got := subs(f.rest("GET", base+"/websockets/1000", "", 0, nil, "")); len(got) != 0 {
		t.Errorf("no answer: %+v", got)
	}
}

// A list shows the subscriptions attached to the session's websocket,
// and takes away one that was moved elsewhere.
func TestDecodeSubscriptionLists(t *testing.T) {
	f := newFeed(t, Config{})
	f.rest("GET", base+"/websockets/1000", "", 200, nil, `{"id":"1000"}`)
	got := subs(f.rest("GET", base+"/subscriptions/sms", "", 200, nil, `{"cursor":"c1","items":[
		{"direction":"all","id":"1","websocket":{"id":"1000"}},
		{"direction":"inbound","id":"2","websocket":{"id":"999"}},
		{"direction":"inbound","id":"3","webhook":{"id":"1000","hook_url":"https://h"}}]}`))
	if one(t, "listed", got).ID != "sms 1" {
		t.Errorf("listed %+v", got)
	}
	got = subs(f.rest("GET", base+"/subscriptions/sms?cursor=c1", "", 200, nil, `{"items":[{"direction":"all","id":"1","websocket":{"id":"5"}}]}`))
	if s := one(t, "moved", got); s.ID != "sms 1" || s.Status != "Removed" {
		t.Errorf("moved away %+v", s)
	}
	if got := subs(f.rest("GET", base+"/subscriptions/contact", "", 204, nil, "")); len(got) != 0 {
		t.Errorf("empty page %+v", got)
	}
}

// Events are credited to the subscription whose settings let them
// through, for the pane's counts.
func TestDecodeMatchesSubscriptions(t *testing.T) {
	f := newFeed(t, Config{})
	f.rest("POST", base+"/websockets", "{}", 200, nil, `{"id":"1000"}`)
	f.rest("POST", base+"/subscriptions/call", "{}", 200, nil, `{"call_states":["hangup"],"id":"1","websocket":{"id":"1000"}}`)
	f.rest("POST", base+"/subscriptions/call", "{}", 200, nil, `{"call_states":["ringing","connected"],"target_type":"user","target_id":"77","id":"2","websocket":{"id":"1000"}}`)
	f.rest("POST", base+"/subscriptions/call", "{}", 200, nil, `{"call_states":["all"],"id":"3","websocket":{"id":"1000"}}`)
	f.rest("POST", base+"/subscriptions/sms", "{}", 200, nil, `{"direction":"outbound","id":"4","websocket":{"id":"1000"}}`)
	f.rest("POST", base+"/subscriptions/agent_status", "{}", 200, nil, `{"agent_type":"callcenter","id":"5","enabled":false,"websocket":{"id":"1000"}}`)
	f.rest("POST", base+"/subscriptions/changelog", "{}", 200, nil, `{"id":"6","websocket":{"id":"1000"}}`)
	for payload, want := range map[string]string{
		callInboundRinging: "call 2", // user 77 ringing
		callOutboundLeg:    "call 3", // user 78: only "all" lets it through
		strings.Replace(callOutboundLeg, "connected", "hangup", 1): "call 1",
		smsDelivered:     "sms 4",
		smsInbound:       "sms 4", // the only SMS subscription
		agentAvailable:   "",      // disabled
		`{"change":"x"}`: "changelog 6",
	} {
		if got := one(t, "events", events(f.text(1, payload))).Subscription; got != want {
			t.Errorf("%.50s… credited to %q, want %q", payload, got, want)
		}
	}
}

// Frames that are no event are reported, and the session goes on.
func TestDecodeBadFrames(t *testing.T) {
	f := newFeed(t, Config{Secret: "k"})
	for frame, want := range map[string]string{
		"You are connected without a valid token, please send your api key for verification": "not an event (neither JSON nor a signed JWT)",
		`{"call_id":1`:          "the event is not a JSON object",
		"a.b.c":                 "a signed frame that cannot be read",
		signHS256(`[1,2]`, "k"): "the event is not a JSON object",
		"\x1b]0;pwned\x07":      `not an event`,
	} {
		got := decodeErrors(f.text(1, frame))
		if len(got) != 1 || !strings.Contains(got[0], want) {
			t.Errorf("%q: errors %q, want %q", frame, got, want)
		}
		if strings.ContainsAny(strings.Join(got, ""), "\x1b\x07") {
			t.Errorf("escape sequence in an error: %q", got)
		}
	}
	bin := f.push(protocol.Update{Kind: protocol.KindRecv, Conn: 1, Frame: &protocol.Frame{Op: protocol.OpBinary, Enc: "base64", Data: "AAE="}}, []byte{0, 1})
	if e := decodeErrors(bin); len(e) != 1 || !strings.Contains(e[0], "binary") {
		t.Errorf("binary: %q", e)
	}
	if len(events(f.out)) != 0 {
		t.Errorf("events from bad frames: %+v", events(f.out))
	}
}

// A replay derives exactly what the live session derived: the Decoder
// reads no clock and keeps nothing but what the Updates told it.
func TestDecodeIsDeterministic(t *testing.T) {
	run := func() []protocol.Update {
		f := newFeed(t, Config{Secret: "k"})
		f.rest("POST", base+"/websockets", "{}", 200, nil, `{"id":"1000","signature":{"secret":"k","algo":"HS256","type":"jwt"}}`)
		f.rest("POST", base+"/subscriptions/call", "{}", 200, nil, `{"id":"1","websocket":{"id":"1000"}}`)
		f.state(1, protocol.PhaseLive)
		f.text(1, signHS256(callInboundRinging, "k"))
		f.state(1, protocol.PhaseDropped)
		f.state(2, protocol.PhaseLive)
		f.text(2, signHS256(callInboundRinging, "k"))
		f.text(2, "junk")
		return f.out
	}
	a, b := run(), run()
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("%d and %d updates", len(a), len(b))
	}
	for i := range a {
		if a[i].Kind != b[i].Kind || !a[i].Time.Equal(b[i].Time) {
			t.Fatalf("update %d differs: %+v / %+v", i, a[i], b[i])
		}
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
