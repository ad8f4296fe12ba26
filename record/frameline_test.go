package record

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

func stdLine(t testing.TB, u protocol.Update) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(u); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
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
		u := protocol.Update{
			Time:   time.Date(2026, 11, 22, 12, 0, i%60, rng.Intn(1e9), time.UTC),
			Offset: protocol.Offset(time.Duration(rng.Int63n(int64(time.Hour)))),
			Kind:   []protocol.Kind{protocol.KindRecv, protocol.KindSent}[i%2],
			Conn:   i % 3,
			Frame:  &protocol.Frame{Op: protocol.OpText, Data: d, Size: len(d), Type: []string{"", "ServerNotification"}[i%2]},
		}
		if i%5 == 0 {
			u.Frame.Op, u.Frame.Enc = protocol.OpBinary, "base64"
		}
		if !isPlainFrame(u) {
			t.Fatal("a frame Update was not recognised")
		}
		if got, want := appendFrameLine(nil, u), stdLine(t, u); !bytes.Equal(got, want) {
			t.Fatalf("data %q:\n got %s\nwant %s", d, got, want)
		}
	}
}

// BenchmarkFrameLine compares encoding/json (the baseline) with the
// hand-written encoder on one realistic notification frame.
func BenchmarkFrameLine(b *testing.B) {
	data := `[{"type":"ServerNotification","messageId":"2661273919712564939","status":200,"wsc":{"token":"REDACTED-wsc-3","sequence":42}},` +
		`{"uuid":"2661273919712564939","event":"/restapi/v1.0/account/233676004/extension/233676004/message-store","timestamp":"2023-04-18T20:25:24.611Z",` +
		`"subscriptionId":"2db5fcc4-7a44-4e0a-8e1a-38b4e7a0e0c2","ownerId":"233676004","body":{"subject":"Hello \"there\"","direction":"Inbound"}}]`
	u := protocol.Update{Time: time.Now(), Offset: protocol.Offset(1234567 * time.Microsecond), Kind: protocol.KindRecv, Conn: 2,
		Frame: &protocol.Frame{Op: protocol.OpText, Data: data, Size: len(data), Type: "ServerNotification"}}
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
		for i := 0; i < b.N; i++ {
			buf = appendFrameLine(buf[:0], u)
		}
	})
}

func TestEventLinesAreExactlyWhatEncodingJSONWrites(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	texts := []string{"", "SMS in", "+1555 → +1556 \"Hi\"", "bad \xff", "\x1b[31m", "\u2028"}
	pick := func() string { return texts[rng.Intn(len(texts))] }
	for i := 0; i < 400; i++ {
		e := &protocol.Event{Provider: pick(), ID: pick(), Name: pick(), Label: pick(), Summary: pick(),
			Seq: uint64(rng.Intn(3)), Replayed: rng.Intn(2) == 0, Duplicate: rng.Intn(2) == 0, Subscription: pick(),
			Body: json.RawMessage(`{"a":[1,2,{"b":"c d"}],"e":null}`)}
		if rng.Intn(2) == 0 {
			e.Timestamp = time.Date(2023, 4, 18, 20, 25, 24, rng.Intn(1e9), time.UTC)
		}
		if rng.Intn(2) == 0 {
			e.Seal = &protocol.Seal{Via: pick(), OK: rng.Intn(2) == 0, Problem: pick()}
		}
		u := protocol.Update{Time: time.Date(2026, 1, 2, 3, 4, 5, rng.Intn(1e9), time.UTC), Offset: protocol.Offset(rng.Int63n(1e12)),
			Kind: protocol.KindEvent, Conn: rng.Intn(3), Event: e}
		if got, want := appendEventLine(nil, u), stdLine(t, u); !bytes.Equal(got, want) {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	}
}

// parseFrameLine reads back exactly what encoding/json reads, for every
// frame the writer writes and for hand-written lines with every kind of
// escape; it declines what it does not know.
func TestFrameLinesReadBackAsEncodingJSONReadsThem(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	var lines [][]byte
	for i := 0; i < 300; i++ {
		b := make([]byte, rng.Intn(60))
		rng.Read(b)
		u := protocol.Update{Time: time.Date(2026, 11, 22, 12, 0, 0, rng.Intn(1e9), time.UTC), Offset: protocol.Offset(rng.Int63n(1e12)),
			Kind: []protocol.Kind{protocol.KindRecv, protocol.KindSent}[i%2], Conn: rng.Intn(3),
			Frame: &protocol.Frame{Op: protocol.OpText, Data: string(b), Size: len(b), Type: []string{"", "T\"x"}[i%2]}}
		lines = append(lines, bytes.TrimSuffix(appendFrameLine(nil, u), []byte("\n")))
	}
	for _, l := range []string{
		`{"t":"2026-11-22T20:00:00Z","off":0.5,"kind":"recv","frame":{"op":"text","data":"\/ \u00e9 \ud83d\ude00 \ud800 x \ud800\u0041 \b\f\n\r\t","size":1}}`,
		`{"t":"2026-11-22T20:00:00+02:00","off":1e2,"kind":"sent","conn":-1,"frame":{"op":"ping","size":0}}`,
		"{\"t\":\"2026-11-22T20:00:00Z\",\"off\":0,\"kind\":\"recv\",\"frame\":{\"op\":\"text\",\"data\":\"raw \xff\xfe bytes\",\"size\":1}}",
		`{"t":"2026-11-22T20:00:00Z","off":0,"kind":"recv","frame":{"op":"text","size":01}}`,
		`{"t":"2026-11-22T20:00:00Z","off":0,"kind":"recv","frame":{"op":"text","size":1,"extra":1}}`,
		`{"t":"2026-11-22T20:00:00Z","off":0,"kind":"recv","frame":{"op":"text","data":"tab	raw","size":1}}`,
	} {
		lines = append(lines, []byte(l))
	}
	for _, l := range lines {
		got, ok := parseFrameLine(l, protocol.KindRecv)
		if !ok {
			got, ok = parseFrameLine(l, protocol.KindSent)
		}
		var want protocol.Update
		werr := json.Unmarshal(l, &want)
		if !ok {
			continue // declined: the reader falls back to encoding/json
		}
		if werr != nil {
			t.Fatalf("accepted a line encoding/json refuses (%v): %s", werr, l)
		}
		if g, w := stdLine(t, got), stdLine(t, want); !bytes.Equal(g, w) {
			t.Fatalf("%s\n got %s\nwant %s", l, g, w)
		}
	}
}
