package pubnub

import (
	"strings"
	"testing"
)

// The answer of the reference (§6.3), read field by field.
func TestParseResponseReadsTheEnvelope(t *testing.T) {
	body := `{"t":{"t":"17959736021530002","r":12},
 "m":[{"a":"3","f":0,"i":"pub-uuid","p":{"t":"17959736021530002","r":12},"k":"sub-c-local",
       "c":"222_f952ab78","b":"222_f952ab78","d":"Zm9v"}]}`
	r, err := ParseResponse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if r.Cursor.T != 17959736021530002 || r.Cursor.R != 12 || len(r.Messages) != 1 {
		t.Fatalf("%+v", r)
	}
	m := r.Messages[0]
	if m.Shard != "3" || m.Issuer != "pub-uuid" || m.SubKey != "sub-c-local" || m.Channel != "222_f952ab78" ||
		m.Match != "222_f952ab78" || string(m.Payload) != `"Zm9v"` || m.Type != TypeMessage || m.Publish.T != 17959736021530002 {
		t.Fatalf("%+v", m)
	}
	if !m.For("222_f952ab78") || m.For("other") || m.IsPresence() {
		t.Fatal("channel checks")
	}
}

func TestParseResponseTolerance(t *testing.T) {
	// The handshake: no messages; a shard written as a number; m null.
	for _, body := range []string{
		`{"t":{"t":"1","r":1},"m":[]}`,
		`{"t":{"t":"1","r":1},"m":null}`,
		`{"t":{"t":"1","r":1}}`,
		`{"t":{"t":"1","r":1},"m":[{"a":3,"f":"0","p":{"t":"2","r":1},"c":"x","d":{}}]}`,
	} {
		if _, err := ParseResponse([]byte(body)); err != nil {
			t.Errorf("%s: %v", body, err)
		}
	}
	for body, want := range map[string]string{
		``:                                      "not a JSON object",
		`[0,"Invalid"]`:                         "not a JSON object",
		`{"m":[]}`:                              "no t",
		`{"t":{"t":"1","r":1},"m":[{"c":"x"}]}`: "without p",
		`{"t":{"t":"x","r":1}}`:                 "not a decimal",
	} {
		_, err := ParseResponse([]byte(body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", body, err, want)
		}
	}
}

// A message whose b is absent is matched by its c; presence channels are
// recognised by their suffix.
func TestMessageChannels(t *testing.T) {
	m := Message{Channel: "ch"}
	if !m.For("ch") {
		t.Fatal("c without b")
	}
	m = Message{Channel: "ch-pnpres"}
	if !m.IsPresence() {
		t.Fatal("presence")
	}
}

func TestParseTimeAnswer(t *testing.T) {
	tt, err := ParseTimeAnswer([]byte(`[17959736056780004]`))
	if err != nil || tt != 17959736056780004 {
		t.Fatalf("%v %v", tt, err)
	}
	for _, b := range []string{`[]`, `{}`, `[1,2]`, `["x"]`} {
		if _, err := ParseTimeAnswer([]byte(b)); err == nil {
			t.Errorf("%s accepted", b)
		}
	}
}
