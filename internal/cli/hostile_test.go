package cli

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/protocol"
)

// Issue 13, "A hostile server": evtap, run as a user runs it (headless
// through the command line, and the TUI fed what it printed), stays
// alive, says what happened, keeps every valid notification sent before
// and after, recovers where the protocol allows, lets no escape sequence
// reach the screen, and exits 0 on --count or --duration.

func TestHostileServerSendsInvalidJSON(t *testing.T) {
	junk := []string{`[{"type":`, `not json at all`, `{"type":"ServerNotification"}`, `[]`, `[1,2,3]`, `[{"no":"type"}]`}
	h := newHostile(t, func(c *hconn, _ int) {
		c.valid(3)
		for _, j := range junk {
			c.text(j)
		}
		c.valid(3)
	})
	o := h.against(t, providers.Builtin(), "--count", "6")
	o.keptEverything(t, h)
	decodeErrors := 0
	for _, u := range o.ups {
		if u.Kind == protocol.KindError && u.Error.Where == "decode" {
			decodeErrors++
		}
	}
	if decodeErrors != len(junk) {
		t.Errorf("%d decode errors for %d bad frames, want one each\n%s", decodeErrors, len(junk), dump(o.ups))
	}
	if len(statesIn(o.ups, protocol.PhaseDropped)) != 0 || len(gapsIn(o.ups)) != 0 {
		t.Errorf("bad frames cost the connection or made a gap\n%s", dump(o.ups))
	}
	screens(t, o.ups, "")
}

// A 10 MB frame is over evtap's 4 MiB read limit: the connection ends
// with the limit named, evtap recovers (wsc, Successful), the
// notifications after it arrive, and the one it could not read (which
// this server does not replay) is a gap of exactly one. Six follow it:
// a jump of one is held for four more notifications in case it is a
// reorder.
func TestHostileServerSendsATenMegabyteFrame(t *testing.T) {
	var huge uint64
	h := newHostile(t, func(c *hconn, ready int) {
		if ready == 1 {
			c.valid(3)
			huge = c.next()
			c.text(notification(huge, "huge", c.h.subID, strings.Repeat("A", 10<<20)))
			return
		}
		c.valid(6)
	})
	o := h.against(t, providers.Builtin(), "--count", "9")
	o.keptEverything(t, h)
	drops := statesIn(o.ups, protocol.PhaseDropped)
	if len(drops) != 1 || !strings.Contains(drops[0].Cause, "read limit") {
		t.Errorf("drops %+v, want one naming the read limit\n%s", drops, dump(o.ups))
	}
	if len(statesIn(o.ups, protocol.PhaseRecovered)) != 1 {
		t.Errorf("no Successful recovery after the cut\n%s", dump(o.ups))
	}
	if gs := gapsIn(o.ups); len(gs) != 1 || gs[0].From != huge || gs[0].To != huge || gs[0].Missed != 1 {
		t.Errorf("gaps %+v, want exactly the unread notification %d", gs, huge)
	}
	main, _ := screens(t, o.ups, "")
	if !strings.Contains(main, "read limit") && !strings.Contains(main, "1009") {
		t.Errorf("the screen does not say why the connection ended:\n%s", main)
	}
}

// Binary frames are not RingCentral's: each is reported, none ends the
// session, not even one holding a well-formed notification.
func TestHostileServerSendsBinaryFrames(t *testing.T) {
	h := newHostile(t, func(c *hconn, _ int) {
		c.valid(3)
		c.write(websocket.BinaryMessage, []byte{0x00, 0xff, 0x1b, '[', '2', 'J', 0x9b, 0x07})
		c.write(websocket.BinaryMessage, []byte(notification(999, "binary", c.h.subID, "sent as binary")))
		c.write(websocket.BinaryMessage, nil)
		c.valid(3)
	})
	o := h.against(t, providers.Builtin(), "--count", "6")
	o.keptEverything(t, h)
	binaries, errs := 0, 0
	for _, u := range o.ups {
		if u.Kind == protocol.KindRecv && u.Frame.Op == protocol.OpBinary {
			binaries++
		}
		if u.Kind == protocol.KindError {
			errs++
		}
	}
	if binaries != 3 || errs != 3 {
		t.Errorf("%d binary frames kept and %d errors, want 3 and 3\n%s", binaries, errs, dump(o.ups))
	}
	screens(t, o.ups, "")
}

// JSON nested 100,000 deep is refused without a stack overflow, as
// garbage and inside a notification's body (whose number is then
// missed, and said to be once four more have come); 9,990 levels,
// which the decoder accepts, is an event like any other.
func TestHostileServerSendsDeeplyNestedJSON(t *testing.T) {
	nest := func(n int, leaf string) string { return strings.Repeat(`{"a":`, n) + leaf + strings.Repeat("}", n) }
	var deepSeq uint64
	h := newHostile(t, func(c *hconn, _ int) {
		c.valid(3)
		c.text(strings.Repeat("[", 100000) + strings.Repeat("]", 100000))
		deepSeq = c.next()
		c.text(fmt.Sprintf(`[{"type":"ServerNotification","messageId":"deep","status":200,"wsc":{"token":"wsc-deep","sequence":%d}},`+
			`{"uuid":"deep","event":%q,"subscriptionId":%q,"body":%s}]`, deepSeq, hostileEvent, c.h.subID, nest(100000, `"bottom"`)))
		seq := c.next()
		c.text(fmt.Sprintf(`[{"type":"ServerNotification","messageId":"nested","status":200,"wsc":{"token":"wsc-n","sequence":%d}},`+
			`{"uuid":"nested","event":%q,"subscriptionId":%q,"body":%s}]`, seq, hostileEvent, c.h.subID, nest(9990, `"bottom"`)))
		c.valid(4)
	})
	o := h.against(t, providers.Builtin(), "--count", "8")
	o.keptEverything(t, h)
	if n := len(errorsMatching(o.ups, "bad frame")); n != 2 || len(errorsMatching(o.ups, "nested too deeply")) != 1 {
		t.Errorf("%d bad frames said, want 2 (the garbage, and the deep notification named as nested too deeply)\n%s", n, dump(o.ups))
	}
	nested := false
	for _, u := range events(o.ups) {
		nested = nested || u.Event.ID == "nested"
	}
	if !nested {
		t.Errorf("the notification nested 9,990 deep is not an event")
	}
	// The one evtap could not read is missed, and said to be.
	if gs := gapsIn(o.ups); len(gs) != 1 || gs[0].From != deepSeq || gs[0].Missed != 1 {
		t.Errorf("gaps %+v, want the unreadable notification %d", gs, deepSeq)
	}
	screens(t, o.ups, "")
}

// The same server through --jq: an Update evtap itself accepted must
// not end the run (issue 13 item 17). A body nested 9,998 deep is the
// deepest the decoder takes (the frame adds two levels, its limit is
// 10,000); the Update holding it is deeper still.
func TestHostileServerDeeplyNestedJSONThroughJQ(t *testing.T) {
	h := newHostile(t, func(c *hconn, _ int) {
		c.valid(3)
		seq := c.next()
		c.text(fmt.Sprintf(`[{"type":"ServerNotification","messageId":"nested","status":200,"wsc":{"token":"wsc-n","sequence":%d}},`+
			`{"uuid":"nested","event":%q,"subscriptionId":%q,"body":%s}]`, seq, hostileEvent, c.h.subID,
			strings.Repeat(`{"a":`, 9998)+"1"+strings.Repeat("}", 9998)))
		c.valid(3)
	})
	deep := strings.Repeat(`{"a":`, 9998) + "1" + strings.Repeat("}", 9998)
	code, out, errw := evtap(t, providers.Builtin(), 30*time.Second,
		h.connectArgs("--count", "7", "--jq", `select(.kind=="event" or .kind=="error")`)...)
	if code != ExitOK {
		t.Fatalf("exit %d; stderr: %s", code, errw)
	}
	// evtap prints the deep Update whole; encoding/json, which reads
	// the output here, stops at 10,000 levels, so the body it cannot
	// read is taken out before the line is parsed.
	if n := strings.Count(out, deep); n != 1 {
		t.Fatalf("the deep notification is printed %d times, want once", n)
	}
	o := outcome{code: code, stdout: out, stderr: errw, ups: updates(t, strings.Replace(out, deep, "{}", 1))}
	o.keptEverything(t, h)
}

// A sequence that goes back (to a number already seen, with another
// uuid) is said once; the new numbering is followed: no gap, nothing
// marked duplicate or replayed.
func TestHostileServerSequenceGoesBackwards(t *testing.T) {
	h := newHostile(t, func(c *hconn, _ int) {
		c.valid(4) // 2..5
		c.h.mu.Lock()
		c.h.seq = 2 // the server restarts its count below what it sent
		c.h.mu.Unlock()
		for i := 0; i < 4; i++ { // 3..6 again, with new uuids
			seq := c.next()
			id := fmt.Sprintf("again-%d", seq)
			c.h.mu.Lock()
			c.h.sent = append(c.h.sent, id)
			c.h.mu.Unlock()
			c.text(notification(seq, id, c.h.subID, "again"))
		}
	})
	o := h.against(t, providers.Builtin(), "--count", "8")
	keptAll(t, o, h)
	if n := len(errorsMatching(o.ups, "went back")); n != 1 {
		t.Errorf("%d errors saying the sequence went back, want 1\n%s", n, dump(o.ups))
	}
	if gs := gapsIn(o.ups); len(gs) != 0 {
		t.Errorf("gaps %+v for a restarted count", gs)
	}
	for _, u := range events(o.ups) {
		if u.Event.Duplicate || u.Event.Replayed {
			t.Errorf("event %s seq %d marked duplicate %v replayed %v", u.Event.ID, u.Event.Seq, u.Event.Duplicate, u.Event.Replayed)
		}
	}
	screens(t, o.ups, "")
}

// keptAll is keptEverything for valid ids that are not all "valid-N".
func keptAll(t *testing.T, o outcome, h *hostile) {
	t.Helper()
	seen := map[string]int{}
	for _, u := range events(o.ups) {
		seen[u.Event.ID]++
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range h.sent {
		if seen[id] != 1 {
			t.Errorf("notification %s is in the output %d times, want once", id, seen[id])
		}
	}
}

// A sequence jumping by 2^62 is no count of lost notifications: said
// once, and once more when the real numbering resumes; no gap.
func TestHostileServerSequenceJumpsBy2To62(t *testing.T) {
	h := newHostile(t, func(c *hconn, _ int) {
		c.valid(3)
		c.h.mu.Lock()
		far := c.h.seq + 1<<62
		c.h.mu.Unlock()
		c.text(notification(far, "far", c.h.subID, "from far away"))
		c.valid(3)
	})
	o := h.against(t, providers.Builtin(), "--count", "7")
	o.keptEverything(t, h)
	if n := len(errorsMatching(o.ups, "too far")); n < 1 {
		t.Errorf("the jump was not said\n%s", dump(o.ups))
	}
	if gs := gapsIn(o.ups); len(gs) != 0 {
		t.Errorf("gaps %+v for an implausible jump", gs)
	}
	screens(t, o.ups, "")
}

// A session numbered from just below 2^64 wraps to 0 and goes on: one
// step, not a negative gap, and no bogus gap after it (issue 13 item 17).
func TestHostileServerSequenceWrapsPast2To64(t *testing.T) {
	h := newHostile(t, func(c *hconn, _ int) { c.valid(8) }) // 2^64-3 … 4
	h.first = math.MaxUint64 - 3
	o := h.against(t, providers.Builtin(), "--count", "8")
	o.keptEverything(t, h)
	var wrapped bool
	for _, u := range events(o.ups) {
		wrapped = wrapped || u.Event.Seq == 0
	}
	if !wrapped {
		t.Fatalf("the numbering did not wrap\n%s", dump(o.ups))
	}
	for _, u := range o.ups {
		if u.Kind == protocol.KindGap || u.Kind == protocol.KindError {
			t.Errorf("a wrap is one step forward, yet: %s", dump([]protocol.Update{u}))
		}
	}
	screens(t, o.ups, "")
}

// A ConnectionDetails in mid-stream is not a reconnect: said once, no
// gap, no new subscription request, the count goes on.
func TestHostileServerSendsConnectionDetailsMidStream(t *testing.T) {
	h := newHostile(t, func(c *hconn, _ int) {
		c.valid(3)
		c.text(`[{"type":"ConnectionDetails","messageId":"again","status":200,"wsc":{"token":"other","sequence":1}},` +
			`{"creationTime":"2026-01-02T03:04:05.000+0000","recoveryTimeout":180,"recoveryState":"Failed","recoveryErrorCode":"WSG-1005"}]`)
		c.valid(3)
	})
	o := h.against(t, providers.Builtin(), "--count", "6")
	o.keptEverything(t, h)
	if n := len(errorsMatching(o.ups, "mid-stream")); n != 1 {
		t.Errorf("%d errors about the mid-stream greeting, want 1\n%s", n, dump(o.ups))
	}
	if len(gapsIn(o.ups)) != 0 || h.requests.Load() != 1 || len(statesIn(o.ups, protocol.PhaseRecoveryFailed)) != 0 {
		t.Errorf("taken as a reconnect: %d subscription requests\n%s", h.requests.Load(), dump(o.ups))
	}
	screens(t, o.ups, "")
}

// hostileText holds every terminal control a server could try: CSI
// (clear screen, and a colour the UI never uses), OSC 0 and OSC 52 (a
// clipboard write), BEL, C1 controls (CSI, NEL, OSC as single code
// points), bidi overrides and isolates, a backspace.
const hostileText = "HOSTILE \x1b[2J\x1b[5;31mred\x1b[0m \x1b]0;title\x07 \x1b]52;c;ZXZpbA==\x07 bell\x07 \u009b2J \u0085nel \u009d0;x\u009c " +
	"\u202efdp.exe\u202c \u2066iso\u2069 back\x08\x08"

// Escape sequences in every string field of a notification, of an
// Error frame and of the subscription answer reach the screen escaped,
// in the list and in the detail view; the notification is kept as an
// event with its text intact.
func TestHostileServerPutsEscapeSequencesInEveryString(t *testing.T) {
	h := newHostile(t, func(c *hconn, _ int) {
		c.valid(3)
		seq := c.next()
		evil := func(s string) string { return s + " " + hostileText }
		n := map[string]any{
			"uuid": evil("uuid"), "event": evil(hostileEvent), "timestamp": evil("2026"), "subscriptionId": evil("sub"), "ownerId": evil("owner"),
			"body": map[string]any{"id": evil("id"), "type": evil("SMS"), "direction": evil("Inbound"), "subject": evil("subject"),
				"messageStatus": evil("Received"), "readStatus": evil("Unread"),
				"from": map[string]any{"phoneNumber": evil("+1650"), "name": evil("name"), "location": evil("here")},
				"to":   []any{map[string]any{"phoneNumber": evil("+1650"), "name": evil("to")}}},
		}
		meta := map[string]any{"type": "ServerNotification", "messageId": evil("m"), "status": 200,
			"wsc": map[string]any{"token": evil("wsc"), "sequence": seq}, "headers": map[string]any{"RCRequestId": evil("r")}}
		c.text(jsonFrame(meta, n))
		c.text(jsonFrame(map[string]any{"type": "Error", "messageId": evil("e"), "status": 400},
			map[string]any{"errorCode": evil("WSG-999"), "message": evil("message")}))
		c.valid(3)
	})
	h.subID = "sub " + hostileText
	o := h.against(t, providers.Builtin(), "--count", "7")
	o.keptEverything(t, h)
	var kept bool
	for _, u := range events(o.ups) {
		kept = kept || strings.HasPrefix(u.Event.ID, "uuid HOSTILE")
	}
	if !kept {
		t.Fatalf("the hostile notification is not an event\n%s", dump(o.ups))
	}
	if len(errorsMatching(o.ups, "WSG-999")) != 1 {
		t.Errorf("the server's Error frame was not reported\n%s", dump(o.ups))
	}
	if !strings.Contains(o.stdout, `\u001b[2J`) {
		t.Errorf("headless output lost the escape sequence instead of escaping it")
	}
	main, detail := screens(t, o.ups, "subject HOSTILE") // the notification's own field, not the hostile subscription id
	if !strings.Contains(main, `\x1b`) {
		t.Errorf("the main screen shows no escaped ESC; is the hostile notification on it?\n%s", main)
	}
	if !strings.Contains(detail, "subject") {
		t.Errorf("the search did not open the hostile notification's detail:\n%s", detail)
	}
}

func jsonFrame(meta, body any) string {
	m, _ := json.Marshal(meta)
	b, _ := json.Marshal(body)
	return "[" + string(m) + "," + string(b) + "]"
}

// A 10 KB close reason breaks RFC 6455 (a control frame holds at most
// 125 bytes): the connection ends with that said, evtap recovers; a
// legal close reason full of escape sequences is shown escaped; evtap
// recovers again and keeps everything.
func TestHostileServerSendsATenKilobyteCloseReason(t *testing.T) {
	h := newHostile(t, func(c *hconn, ready int) {
		c.valid(3)
		switch ready {
		case 1:
			reason := strings.Repeat("\x1b[2J\x1b]52;c;eA==\x07", 10240/16)
			c.raw(websocket.CloseMessage, append(binary.BigEndian.AppendUint16(nil, 4000), reason...))
		case 2:
			reason := (hostileText + strings.Repeat("x", 123))[:123]
			c.raw(websocket.CloseMessage, append(binary.BigEndian.AppendUint16(nil, 4001), reason...))
		}
	})
	o := h.against(t, providers.Builtin(), "--count", "9")
	o.keptEverything(t, h)
	drops := statesIn(o.ups, protocol.PhaseDropped)
	if len(drops) != 2 || !strings.Contains(drops[0].Cause, "125") || drops[1].CloseCode != 4001 {
		t.Errorf("drops %+v, want the oversized close named, then close 4001\n%s", drops, dump(o.ups))
	}
	for _, d := range drops {
		if len(d.Cause) > 400 {
			t.Errorf("a %d-byte cause", len(d.Cause))
		}
	}
	if n := len(statesIn(o.ups, protocol.PhaseRecovered)); n != 2 {
		t.Errorf("%d recoveries, want 2", n)
	}
	screens(t, o.ups, "")
}

// A ping flood starves neither evtap's reader nor its writer: the
// notifications after it arrive, and pongs are answered.
func TestHostileServerFloodsPings(t *testing.T) {
	h := newHostile(t, func(c *hconn, _ int) {
		c.valid(3)
		payload := []byte(strings.Repeat("p", 125))
		for i := 0; i < 20000; i++ {
			c.wmu.Lock()
			err := c.ws.WriteControl(websocket.PingMessage, payload, time.Now().Add(5*time.Second))
			c.wmu.Unlock()
			if err != nil {
				return
			}
		}
		c.valid(3)
	})
	o := h.against(t, providers.Builtin(), "--count", "6")
	o.keptEverything(t, h)
	if h.pongs.Load() == 0 {
		t.Error("no pong answered the flood")
	}
	if len(statesIn(o.ups, protocol.PhaseDropped)) != 0 {
		t.Errorf("the flood cost the connection\n%s", dump(o.ups))
	}
}

// A server that never answers the subscription request: evtap says it
// waits, asks again, then reconnects and asks again — it never sits
// silent for ever — and exits 0 on --duration. The request timeout is
// shortened from RingCentral's 60 s so the test takes seconds; the rest
// is evtap's own provider.
func TestHostileServerNeverAnswersTheSubscription(t *testing.T) {
	h := newHostile(t, nil)
	h.answer = false
	o := h.against(t, withRequestTimeout(t, 200*time.Millisecond), "--duration", "2500ms")
	if n := len(events(o.ups)); n != 0 {
		t.Errorf("%d events from a server that sent none", n)
	}
	var asked, gaveUp int
	for _, u := range o.ups {
		if u.Kind == protocol.KindState && strings.Contains(u.State.Cause, "no answer") {
			asked++
			if strings.Contains(u.State.Cause, "reconnecting") {
				gaveUp++
			}
		}
	}
	if asked == 0 || gaveUp == 0 || h.requests.Load() < 4 {
		t.Errorf("%d requests, %d states saying there was no answer, %d reconnects: want it asked again and reconnected\n%s",
			h.requests.Load(), asked, gaveUp, dump(o.ups))
	}
	main, _ := screens(t, o.ups, "")
	if !strings.Contains(main, "no answer") && !strings.Contains(main, "subscrib") {
		t.Errorf("the screen does not say the subscription is unanswered:\n%s", main)
	}
}

// With the real 60 s timeout a short run ends cleanly while the request
// is in flight, and says it is subscribing.
func TestHostileServerNeverAnswersWithinADuration(t *testing.T) {
	h := newHostile(t, nil)
	h.answer = false
	o := h.against(t, providers.Builtin(), "--duration", "1s")
	if len(statesIn(o.ups, protocol.PhaseSubscribing)) == 0 || h.requests.Load() != 1 {
		t.Errorf("%d requests; want one, and the subscribing phase said\n%s", h.requests.Load(), dump(o.ups))
	}
}

// Headless output is JSON, and JSON escapes C0 controls (ESC, BEL) but
// not C1 controls or bidi overrides: `evtap --headless` in a terminal
// prints U+009B (CSI as one code point) and U+202E raw.
func TestHostileServerEscapesReachNoTerminalThroughHeadlessOutput(t *testing.T) {
	h := newHostile(t, func(c *hconn, _ int) {
		c.valid(1)
		c.text(notification(c.next(), "hostile", c.h.subID, hostileText))
	})
	o := h.against(t, providers.Builtin(), "--count", "2")
	for i, r := range o.stdout {
		if r == 0x1b || r == 0x07 || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Fatalf("%U raw in headless output at byte %d", r, i)
		}
	}
}
