package protocol

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"
	"time"
)

// stdLine is the line encoding/json writes for u, with the one
// difference evtap makes on purpose: C1 controls and bidi overrides are
// written as \u escapes (escapeTerminalControls), the same JSON.
func stdLine(t testing.TB, u Update) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(u); err != nil {
		t.Fatal(err)
	}
	return escapeTerminalControls(buf.Bytes(), 0)
}

// Characters that act on a terminal even inside a JSON string never
// leave the encoder raw, whichever path writes the line, and the line
// still decodes to the same Update.
func TestTerminalControlsAreEscapedOnEveryLine(t *testing.T) {
	nasty := "csi \u009b2J, \u0085 next line, bidi \u202e\u2066 end"
	var decoded string
	_ = json.Unmarshal([]byte(`"`+nasty+`"`), &decoded)
	ups := []Update{
		{Kind: KindRecv, Frame: &Frame{Op: OpText, Data: decoded}},
		{Kind: KindEvent, Event: &Event{Label: decoded, Body: json.RawMessage(`{"s":"` + decoded + `"}`)}},
		{Kind: KindError, Error: &Error{Where: "decode", Message: decoded}},
		{Kind: KindState, State: &State{Phase: PhaseDropped, Cause: decoded}},
	}
	for _, u := range ups {
		line := appendLine(t, u)
		for _, r := range string(line) {
			if r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
				t.Fatalf("%s line carries %U raw: %s", u.Kind, r, line)
			}
		}
		var back Update
		if err := json.Unmarshal(line, &back); err != nil {
			t.Fatalf("%s line is not JSON: %v", u.Kind, err)
		}
		again := appendLine(t, back)
		if !bytes.Equal(again, line) {
			t.Fatalf("%s line does not read back to the same Update:\n%s\n%s", u.Kind, line, again)
		}
	}
}

// lineEncoder writes every line of the tests through one LineEncoder, so
// that each line meets the second the one before it left cached: the
// same second, another one, another zone.
var lineEncoder LineEncoder

func appendLine(t testing.TB, u Update) []byte {
	once, err := AppendUpdate(nil, u)
	if err != nil {
		t.Fatal(err)
	}
	b, err := lineEncoder.Append(nil, u)
	if !bytes.Equal(b, once) {
		t.Fatalf("the LineEncoder wrote\n%s\nAppendUpdate\n%s", b, once)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The hand-written frame encoder must be indistinguishable from
// encoding/json, whatever the frame holds.
func TestFrameLinesAreExactlyWhatEncodingJSONWrites(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	datas := []string{"", `[{"type":"Heartbeat"}]`, "<html>&amp;</html>", "line\nbreak\ttab\r\x00\x1b[2J\x7f",
		"\u2028\u2029 \u202e bidi", "bad \xff\xfe utf8", `quote " backslash \ slash /`, "日本語 ✓ 🎉"}
	for i := 0; i < 300; i++ {
		b := make([]byte, rng.Intn(40))
		rng.Read(b)
		datas = append(datas, string(b))
	}
	for i, d := range datas {
		u := Update{
			Time:   time.Date(2026, 11, 22, 12, 0, i%60, rng.Intn(1e9), time.UTC),
			Offset: Offset(time.Duration(rng.Int63n(int64(time.Hour)))),
			Kind:   []Kind{KindRecv, KindSent}[i%2],
			Conn:   i % 3,
			Frame:  &Frame{Op: OpText, Data: d, Size: len(d), Type: []string{"", "ServerNotification"}[i%2]},
		}
		if i%5 == 0 {
			u.Frame.Op, u.Frame.Enc = OpBinary, "base64"
		}
		if !isPlainFrame(&u) {
			t.Fatal("a frame Update was not recognised")
		}
		if got, want := appendLine(t, u), stdLine(t, u); !bytes.Equal(got, want) {
			t.Fatalf("data %q:\n got %s\nwant %s", d, got, want)
		}
	}
}

func TestEventLinesAreExactlyWhatEncodingJSONWrites(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	texts := []string{"", "SMS in", "+1555 → +1556 \"Hi\"", "bad \xff", "\x1b[31m", "\u2028"}
	pick := func() string { return texts[rng.Intn(len(texts))] }
	for i := 0; i < 400; i++ {
		e := &Event{Provider: pick(), ID: pick(), Name: pick(), Label: pick(), Summary: pick(),
			Seq: uint64(rng.Intn(3)), Replayed: rng.Intn(2) == 0, Duplicate: rng.Intn(2) == 0, Subscription: pick(),
			Body: json.RawMessage(`{"a":[1,2,{"b":"c d"}],"e":null}`)}
		if rng.Intn(2) == 0 {
			e.Timestamp = time.Date(2023, 4, 18, 20, 25, 24, rng.Intn(1e9), time.UTC)
		}
		if rng.Intn(3) == 0 {
			e.Seal = &Seal{Via: pick(), OK: rng.Intn(2) == 0, Problem: pick(), SecretMissing: rng.Intn(2) == 0}
		}
		u := Update{Time: time.Date(2026, 1, 2, 3, 4, 5, rng.Intn(1e9), time.UTC), Offset: Offset(rng.Int63n(1e12)),
			Kind: KindEvent, Conn: rng.Intn(3), Event: e}
		if !isPlainEvent(&u) {
			t.Fatal("an event Update was not recognised")
		}
		if got, want := appendLine(t, u), stdLine(t, u); !bytes.Equal(got, want) {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	}
}

// Every other kind, and an event whose body spans lines, goes through
// encoding/json and comes out as one line all the same.
func TestOtherLinesAreEncodingJSONs(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	for _, u := range []Update{
		{Time: at, Kind: KindState, State: &State{Phase: PhaseLive, Cause: "a\nb"}},
		{Time: at, Kind: KindEvent, Event: &Event{Provider: "p", Label: "x", Body: json.RawMessage("{\n\"a\": 1\n}")}},
		{Time: at, Kind: KindGap, Gap: &Gap{From: 1, To: 3, Missed: 3, Reason: "sequence"}},
		{Time: at, Kind: KindHeartbeat, Heartbeat: &Heartbeat{Via: "ping", RTT: Millis(1500 * time.Microsecond)}},
		{Time: at, Kind: KindError, Error: &Error{Where: "decode", Message: "<bad>"}},
	} {
		got := appendLine(t, u)
		if want := stdLine(t, u); !bytes.Equal(got, want) {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
		if bytes.Count(got, []byte("\n")) != 1 {
			t.Fatalf("not one line: %q", got)
		}
	}
}

// benchFrameData is one realistic RingCentral notification frame.
const benchFrameData = `[{"type":"ServerNotification","messageId":"2661273919712564939","status":200,"wsc":{"token":"REDACTED-wsc-3","sequence":42}},` +
	`{"uuid":"2661273919712564939","event":"/restapi/v1.0/account/233676004/extension/233676004/message-store","timestamp":"2023-04-18T20:25:24.611Z",` +
	`"subscriptionId":"2db5fcc4-7a44-4e0a-8e1a-38b4e7a0e0c2","ownerId":"233676004","body":{"subject":"Hello \"there\"","direction":"Inbound"}}]`

// BenchmarkFrameLine compares encoding/json (the baseline) with the
// hand-written encoder on one realistic notification frame.
func BenchmarkFrameLine(b *testing.B) {
	data := benchFrameData
	u := Update{Time: time.Now(), Offset: Offset(1234567 * time.Microsecond), Kind: KindRecv, Conn: 2,
		Frame: &Frame{Op: OpText, Data: data, Size: len(data), Type: "ServerNotification"}}
	b.Run("encoding-json", func(b *testing.B) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		for i := 0; i < b.N; i++ {
			buf.Reset()
			enc.Encode(u)
		}
	})
	b.Run("hand-written", func(b *testing.B) {
		var buf []byte
		var e LineEncoder
		for i := 0; i < b.N; i++ {
			buf, _ = e.Append(buf[:0], u)
		}
	})
}

// BenchmarkEventLine compares encoding/json (the baseline) with the
// hand-written encoder on the event of one notification as the
// RingCentral decoder makes it.
func BenchmarkEventLine(b *testing.B) {
	body := `{"uuid":"2661273919712564940","event":"/restapi/v1.0/account/37439510/extension/1834890001/message-store/instant?type=SMS",` +
		`"timestamp":"2026-11-29T23:02:39.291Z","subscriptionId":"2db5fcc4-7a44-4e0a-8e1a-000000000001",` +
		`"body":{"id":"9712564940","type":"SMS","direction":"Inbound","subject":"hello #1"}}`
	u := Update{Time: time.Now(), Offset: Offset(1234567 * time.Microsecond), Kind: KindEvent, Conn: 1,
		Event: &Event{Provider: "ringcentral", ID: "2661273919712564940", Name: "/restapi/v1.0/account/37439510/extension/1834890001/message-store/instant?type=SMS",
			Label: "SMS in", Summary: `"hello #1"`, Seq: 2, Subscription: "2db5fcc4-7a44-4e0a-8e1a-000000000001",
			Timestamp: time.Date(2026, 11, 29, 23, 2, 39, 291e6, time.UTC), Body: json.RawMessage(body)}}
	b.Run("encoding-json", func(b *testing.B) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		for b.Loop() {
			buf.Reset()
			enc.Encode(u)
		}
	})
	b.Run("hand-written", func(b *testing.B) {
		var buf []byte
		var e LineEncoder
		for b.Loop() {
			buf, _ = e.Append(buf[:0], u)
		}
	})
}
