package record

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/evtap/evtap/protocol"
)

// The writer splices event bodies in without re-encoding them; whatever
// the body looks like, every line must stay one valid JSON object that
// reads back to the same body.
func TestEventBodiesReadBackExactlyWhateverTheirWhitespace(t *testing.T) {
	for name, body := range map[string]string{
		"compact":      `{"a":1,"b":[true,null]}`,
		"spaced":       `{ "a" : 1 , "b" : "x y" }`,
		"line breaks":  "{\n  \"a\": 1\n}",
		"html-ish":     `{"t":"<b>&</b>"}`,
		"escaped text": `{"t":"line\nnext \u202e"}`,
	} {
		var out bytes.Buffer
		w := NewStream(&out, Options{KeepSecrets: true})
		if err := w.Write(protocol.Update{Kind: protocol.KindEvent, Event: &protocol.Event{Provider: "p", Label: "l", Body: json.RawMessage(body)}}); err != nil {
			t.Fatal(err)
		}
		w.Close()
		if bytes.Count(out.Bytes(), []byte("\n")) != 1 {
			t.Fatalf("%s: not one line: %q", name, out.String())
		}
		var u protocol.Update
		if err := json.Unmarshal(out.Bytes(), &u); err != nil {
			t.Fatalf("%s: line is not JSON: %v: %s", name, err, out.String())
		}
		var want, got any
		json.Unmarshal([]byte(body), &want)
		json.Unmarshal(u.Event.Body, &got)
		wb, _ := json.Marshal(want)
		gb, _ := json.Marshal(got)
		if !bytes.Equal(wb, gb) {
			t.Fatalf("%s: body changed: %s", name, u.Event.Body)
		}
	}
}
