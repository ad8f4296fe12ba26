package raw

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/evtap/evtap/protocol"
)

// Whatever the server sends, as text or as binary, the decoder does not
// panic, derives exactly one event whose Body is valid JSON and whose
// summary is one capped line, and derives the same from the frame as a
// recording keeps it (a JSON round trip) as from the bytes themselves.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"type":"hello","n":1}`, "plain text\nsecond", `[1,2,3]`, `"str"`, `null`, `{"a":`, "\xff\xfe",
		"\x1b[2J\x07", `{"event":"\u001b]0;x\u0007"}`, "  \n\t", "", `{"op":1,"d":{"type":"x"}}`, "\u2028line\u2029",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, binary bool) {
		d := NewDecoder()
		f := &protocol.Frame{Op: protocol.OpText, Data: string(data), Size: len(data)}
		if binary {
			f.Op = protocol.OpBinary
		}
		u := protocol.Update{Kind: protocol.KindRecv, Conn: 1, Frame: f}
		out, msg := d.Decode(nil, &u, data)
		if msg != nil || len(out) != 1 || out[0].Kind != protocol.KindEvent {
			t.Fatalf("derived %s (msg %v), want one event", kinds(out), msg)
		}
		e := out[0].Event
		if !json.Valid(e.Body) {
			t.Fatalf("Body %q is not JSON", e.Body)
		}
		if strings.ContainsAny(e.Summary, "\n\r") || utf8.RuneCountInString(e.Summary) > MaxSummary+2 || !utf8.ValidString(e.Summary) {
			t.Fatalf("summary %q is not one valid capped line", e.Summary)
		}
		if !utf8.ValidString(e.Label) || e.Label == "" || len(e.Label) > maxKind {
			t.Fatalf("label %q", e.Label)
		}
		if binary {
			return
		}
		// As recorded: the frame's data through JSON, as the recorder
		// writes it and the replay reads it.
		line, _ := json.Marshal(f.Data)
		var back string
		if err := json.Unmarshal(line, &back); err != nil {
			t.Fatal(err)
		}
		again := TextEvent([]byte(back))
		a, _ := json.Marshal(e)
		b, _ := json.Marshal(again)
		if string(a) != string(b) {
			t.Fatalf("live and replay differ:\n%s\n%s", a, b)
		}
	})
}

// kindField never panics, and a name it finds is the value of one of
// the kind fields at the top of the object.
func FuzzKindField(f *testing.F) {
	for _, s := range []string{`{"type":"a"}`, `{"x":{"type":"b"},"event":"c"}`, `{"a":"\\\"","op":"d"}`, `[{"type":"e"}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		name := kindField(data)
		if name == "" {
			return
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: found %q in what is not an object", data, name)
		}
		for _, k := range kindKeys {
			if v, ok := m[k].(string); ok && v == name {
				return
			}
		}
		t.Fatalf("%s: %q is no kind field's value", data, name)
	})
}
