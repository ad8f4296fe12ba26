package ringcentral

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/evtap/evtap/protocol"
)

// Whatever a peer sends, Summarize returns capped cells of valid UTF-8
// (escaping for the terminal is the UI's, once).
func FuzzSummarize(f *testing.F) {
	for _, e := range []string{evSMS, evVoicemail, evStore, evPresence, evTelephony, "", "/x"} {
		f.Add(e, `{"direction":"Inbound","subject":"hi","parties":[{"status":{"code":"Setup"}}],"changes":[{"type":"SMS"}]}`)
	}
	f.Add(evPresence, `{"activeCalls":[{"from":"\u001b]0;x\u0007"}]}`)
	f.Fuzz(func(t *testing.T, event, body string) {
		label, summary := Summarize(note(event, body))
		if utf8.ValidString(event) && utf8.ValidString(body) && (!utf8.ValidString(label) || !utf8.ValidString(summary)) {
			t.Fatalf("invalid UTF-8 from valid input: %q %q", label, summary)
		}
		if utf8.RuneCountInString(summary) > MaxSummary || utf8.RuneCountInString(label) > maxLabel {
			t.Fatalf("cells of %d and %d runes", utf8.RuneCountInString(label), utf8.RuneCountInString(summary))
		}
	})
}

// Filter helpers never panic, and whatever ValidateFilter accepts
// matches its own expansion.
func FuzzFilter(f *testing.F) {
	for _, p := range CommonFilters {
		f.Add(p.Filter)
	}
	f.Add("/restapi/v1.0/account/~/extension/~/telephony/sessions?direction=Inbound&missedCall=true")
	f.Fuzz(func(t *testing.T, filter string) {
		err := ValidateFilter(filter)
		ev := ExpandFilter(filter, "1", "2")
		if err == nil && !MatchFilter(filter, ev) {
			t.Fatalf("valid filter %q does not match its expansion %q", filter, ev)
		}
		if err != nil && err.Error() == "" {
			t.Fatal("empty error message")
		}
	})
}

// FlexID reads any JSON string exactly as encoding/json would.
func FuzzFlexID(f *testing.F) {
	for _, s := range []string{"233676004", "", `a"b`, "é\u2028", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := json.Marshal(s)
		if err != nil {
			t.Skip()
		}
		var want string
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		var id FlexID
		if err := json.Unmarshal(b, &id); err != nil || string(id) != want {
			t.Fatalf("FlexID from %s = %q, %v; want %q", b, id, err, want)
		}
	})
}

// hostileFrames are the seeds FuzzDecoder starts from besides the
// documents' own frames: bad JSON, deep nesting, huge and odd numbers,
// terminal escape sequences in every string, wrapped and jumping
// sequences, a greeting in mid-stream.
func hostileFrames() []string {
	esc := `\u001b]0;pwned\u0007\u001b[2J\u202e\r\n`
	return []string{
		``, `[`, `[{`, `[{"type":`, `[{"type":"ServerNotification"}`, `{"type":"Heartbeat"}`, `null`, `[null]`, `[[]]`,
		`[{"type":"Heartbeat"},{},{}]`, `[{"type":"ServerNotification"},null]`, `[{"type":"ServerNotification"},"x"]`,
		`[{"type":"Heartbeat"}]` + strings.Repeat(" ", 10) + `x`,
		`[{"type":"Heartbeat","x":` + strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10001) + `}]`,
		`[{"type":"ServerNotification"},{"uuid":"u","event":"/x","body":` + strings.Repeat(`{"a":`, 3000) + `1` + strings.Repeat(`}`, 3000) + `}]`,
		`[{"type":"ServerNotification","wsc":{"token":"t","sequence":18446744073709551615}},{"uuid":"u","event":"/x","body":{}}]`,
		`[{"type":"ServerNotification","wsc":{"token":"t","sequence":18446744073709551616}},{"uuid":"u","event":"/x","body":{}}]`,
		`[{"type":"ServerNotification","wsc":{"token":"t","sequence":4611686018427387906}},{"uuid":"u","event":"/x","body":{}}]`,
		`[{"type":"ServerNotification","wsc":{"token":"t","sequence":-1}},{"uuid":"u","event":"/x","body":{}}]`,
		`[{"type":"ServerNotification","wsc":{"token":"t","sequence":1e999}},{"uuid":"u","event":"/x","body":{}}]`,
		`[{"type":"ServerNotification","wsc":{"token":"t","sequence":0.5}},{"uuid":"u","event":"/x","body":{}}]`,
		`[{"type":"ServerNotification","status":1e400},{"uuid":123456789012345678901234567890,"event":"/restapi/v1.0/account/1/extension/2/voicemail","body":{"attachments":[{"vmDuration":1e300}],"from":{"phoneNumber":-0.0}}}]`,
		`[{"type":"ConnectionDetails","wsc":{"token":"t","sequence":1}},{"recoveryTimeout":1e308,"recoveryBufferSize":-5,"recoveryState":"Successful"}]`,
		`[{"type":"ConnectionDetails","wsc":{"token":"t","sequence":2}},{"recoveryState":"Failed","recoveryErrorCode":"` + esc + `"}]`,
		`[{"type":"` + esc + `","messageId":"` + esc + `"},{"errorCode":"` + esc + `","message":"` + esc + `"}]`,
		`[{"type":"ServerNotification","messageId":"` + esc + `","wsc":{"token":"` + esc + `","sequence":3}},{"uuid":"` + esc + `","event":"` + esc + `","timestamp":"` + esc +
			`","subscriptionId":"` + esc + `","body":{"from":{"phoneNumber":"` + esc + `"},"to":[{"name":"` + esc + `"}],"subject":"` + esc + `"}}]`,
		`[{"type":"Error","status":400},{"errorCode":"WSG-400","message":"Malformed","errors":[{"message":"` + esc + `"},7]}]`,
		`[{"type":"ClientRequest","messageId":"req-1","status":200},{"id":"` + esc + `","eventFilters":["` + esc + `",1,null],"expirationTime":"` + esc + `","expiresIn":-1}]`,
		`[{"type":"ClientRequest","messageId":"req-1","status":404},{"errorCode":"CMN-102","errors":null}]`,
		`[{"type":"Heartbeat","messageId":"\ud800\udc00\ud800x\\u00zz"}]`,
		"[{\"type\":\"Heartbeat\",\"messageId\":\"\xff\xfe\"}]",
		`[{"type":"ServerNotification"},{"body":{"a":1},"event":"/restapi/v1.0/account/~/extension/~/message-store","uuid":"late-event"}]`,
	}
}

// Whatever a server sends, the decoder derives only derived kinds, at
// most one event and one error per frame, cells within their caps and a
// body that is valid JSON; anything invalid is an error, never an event;
// and it goes on decoding the next frame.
func FuzzDecoder(f *testing.F) {
	for _, s := range append(hostileFrames(), sampleNotification, sampleHeartbeat, sampleError, seedConnectionDetails, seedRecoveryConnectionDetails) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fd := newFeeder(t)
		fd.live()
		fd.sent(subscribeFrame("req-1"))
		fd.recv(noteFrame(2, "a"))
		for _, kind := range []protocol.Kind{protocol.KindRecv, protocol.KindSent} {
			u := protocol.Update{Kind: kind, Frame: &protocol.Frame{Op: protocol.OpText, Data: string(data), Size: len(data)}}
			out, _ := fd.feed(u, data)
			var evs, errs int
			for _, d := range out {
				switch {
				case d.Event != nil:
					evs++
					ev := d.Event
					if utf8.RuneCountInString(ev.Summary) > MaxSummary || utf8.RuneCountInString(ev.Label) > maxLabel {
						t.Fatalf("cells too long: %q %q", ev.Label, ev.Summary)
					}
					if !json.Valid(ev.Body) {
						t.Fatalf("event body is not JSON: %q", ev.Body)
					}
				case d.Error != nil:
					errs++
				case d.Gap != nil:
					g := d.Gap
					if g.Missed < 0 || (g.Missed > 0 && uint64(g.Missed) != g.To-g.From+1) {
						t.Fatalf("gap %+v", g)
					}
				}
			}
			if evs > 1 || (kind == protocol.KindSent && evs > 0) {
				t.Fatalf("%d events from one %s frame", evs, kind)
			}
			if !json.Valid(data) && (evs > 0 || errs != 1) {
				t.Fatalf("invalid JSON gave %d events and %d errors", evs, errs)
			}
		}
		fd.conn = 1
		out, _ := fd.recv(noteFrame(1<<40, "next"))
		var got bool
		for _, d := range out {
			got = got || (d.Event != nil && d.Event.ID == "next")
		}
		if !got {
			t.Fatalf("the decoder did not go on: %+v", out)
		}
	})
}

// The scanner accepts exactly what encoding/json accepts, and reads
// every string as encoding/json does.
func FuzzScanner(f *testing.F) {
	for _, s := range append(hostileFrames(), `"\u00e9\ud83d\ude00"`, `"\ud800"`, `"\ud800\u0041"`, "\"\xff\"", `"a\/b\"c\\"`, `-0.5e-3`, `01`, `1.`, `tru`, `{"a" 1}`, `[1,]`) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var sc scanner
		sc.reset(s)
		sc.skip()
		sc.end()
		if got, want := sc.err == nil, json.Valid([]byte(s)); got != want {
			t.Fatalf("scanner says valid=%v (%v), encoding/json %v", got, sc.err, want)
		}
		var want string
		if !strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), `"`) || json.Unmarshal([]byte(s), &want) != nil {
			return
		}
		sc.reset(s)
		if sc.next() != kindString {
			t.Fatal("a JSON string not seen as one")
		}
		if got := sc.str(); got != want || sc.err != nil {
			t.Fatalf("string %q read as %q (%v), encoding/json %q", s, got, sc.err, want)
		}
	})
}
