package har

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

var t0 = time.Unix(1700000000, 0).UTC()

func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

func frame(kind protocol.Kind, sec float64, conn int, op protocol.Opcode, data string) protocol.Update {
	f := &protocol.Frame{Op: op, Data: data, Size: len(data)}
	if op == protocol.OpBinary {
		b, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			panic(err)
		}
		f.Enc, f.Size = "base64", len(b) // a recording holds the size on the wire
	}
	return protocol.Update{Time: at(sec), Offset: protocol.Offset(time.Duration(sec * float64(time.Second))), Kind: kind, Conn: conn, Frame: f}
}

// tickDecoder is a provider's decoder for the tests: every received text
// frame {"tick":n} is an event.
type tickDecoder struct{}

func (tickDecoder) Decode(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
	var m struct{ Tick uint64 }
	if u.Kind != protocol.KindRecv || u.Frame == nil || u.Frame.Op != protocol.OpText || json.Unmarshal(raw, &m) != nil || m.Tick == 0 {
		return dst, nil
	}
	return append(dst, protocol.Update{Time: u.Time, Offset: u.Offset, Conn: u.Conn, Kind: protocol.KindEvent,
		Event: &protocol.Event{Provider: "tick", Label: "tick", Seq: m.Tick, Body: json.RawMessage(raw)}}), nil
}

var tickMatcher = Matcher{
	Provider: "tick",
	Match:    func(url string, first []byte) bool { return strings.Contains(string(first), `"hello":"tick"`) },
	Decoder:  func() protocol.Decoder { return tickDecoder{} },
}

func httpFrame(kind protocol.Kind, sec float64, v any) protocol.Update {
	b, _ := json.Marshal(v)
	u := frame(kind, sec, 0, protocol.OpHTTP, string(b))
	return u
}

// writeSession records a tick session: a token call, a socket with
// frames of every kind both ways, a marker, a drop; started mid-session
// when midway is set (no dialing state: the header carries the URL).
func writeSession(t *testing.T, midway bool, o record.Options) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rec.jsonl")
	url := "wss://ticks.example/ws?access_token=SECRETTOKEN0123456789"
	w, err := record.Create(path, record.Header{Provider: "tick", Start: t0, URL: url}, o)
	if err != nil {
		t.Fatal(err)
	}
	if !midway {
		w.Write(httpFrame(protocol.KindSent, 0, protocol.HTTPRequest{ID: 1, Method: "POST", URL: "https://ticks.example/token",
			Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, Body: "grant_type=x"}))
		w.Write(httpFrame(protocol.KindRecv, 0.1, protocol.HTTPResponse{ID: 1, Method: "POST", URL: "https://ticks.example/token", Status: 200,
			Header: map[string]string{"Content-Type": "application/json"}, Body: `{"access_token":"SECRETTOKEN0123456789"}`, Duration: protocol.Millis(100 * time.Millisecond)}))
		w.Write(protocol.Update{Time: at(0.2), Kind: protocol.KindState, Conn: 1, State: &protocol.State{Phase: protocol.PhaseDialing, URL: url}})
	}
	w.Write(frame(protocol.KindRecv, 0.3, 1, protocol.OpText, `{"hello":"tick"}`))
	w.Write(frame(protocol.KindSent, 0.4, 1, protocol.OpText, `{"subscribe":"all"}`))
	for i, s := range []float64{1, 2} {
		u := frame(protocol.KindRecv, s, 1, protocol.OpText, `{"tick":`+string(rune('1'+i))+`}`)
		w.Write(u)
		d, _ := tickDecoder{}.Decode(nil, &u, []byte(u.Frame.Data))
		w.Write(d[0])
	}
	w.Write(frame(protocol.KindRecv, 2.5, 1, protocol.OpBinary, "AAECAwQ=")) // 5 bytes
	w.Write(frame(protocol.KindSent, 3, 1, protocol.OpPing, "1700000003"))
	w.Write(frame(protocol.KindRecv, 3.1, 1, protocol.OpPong, "1700000003"))
	w.Write(protocol.Update{Time: at(3.5), Kind: protocol.KindMarker, Marker: &protocol.Marker{Label: "here"}})
	w.Write(frame(protocol.KindRecv, 4, 1, protocol.OpClose, "going away"))
	w.Write(protocol.Update{Time: at(4), Kind: protocol.KindState, Conn: 1, State: &protocol.State{Phase: protocol.PhaseDropped, Cause: "closed"}})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func export(t *testing.T, path string) (*bytes.Buffer, []string) {
	t.Helper()
	r, err := record.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out bytes.Buffer
	warnings, err := Export(r, "test", &out)
	if err != nil {
		t.Fatal(err)
	}
	return &out, warnings
}

// A recording survives a round trip through HAR: every frame both ways
// (binary with its true size, close, ping, pong), the REST exchange as an
// entry of its own, and the events derived again by the provider's
// decoder; what HAR cannot carry is said.
func TestARecordingSurvivesARoundTripThroughHAR(t *testing.T) {
	out, warnings := export(t, writeSession(t, false, record.Options{}))
	if strings.Contains(out.String(), "SECRETTOKEN") {
		t.Fatal("a token reached the HAR file")
	}
	w := strings.Join(warnings, "\n")
	if !strings.Contains(w, "1 marker") || !strings.Contains(w, "1 state change") {
		t.Errorf("warnings do not say what was left out: %q", warnings)
	}
	var f File
	if err := json.Unmarshal(out.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Log.Entries) != 2 || f.Log.Entries[0].ResourceType != resourceREST || f.Log.Entries[1].ResourceType != "websocket" {
		t.Fatalf("want the token call then the socket, got %+v", f.Log.Entries)
	}
	if rest := f.Log.Entries[0]; rest.Response.Status != 200 || rest.Request.PostData == nil || rest.Time != 100 {
		t.Fatalf("REST entry: %+v", rest)
	}
	ws := f.Log.Entries[1]
	if !strings.HasPrefix(ws.Request.URL, "wss://ticks.example/ws?access_token=REDACTED-") {
		t.Fatalf("socket URL %q", ws.Request.URL)
	}
	var ops []int
	for _, m := range ws.Messages {
		ops = append(ops, m.Opcode)
	}
	if want := []int{1, 1, 1, 1, 2, 9, 10, 8}; !equalInts(ops, want) {
		t.Fatalf("opcodes %v, want %v", ops, want)
	}

	im, err := Import(out, ImportOptions{Matchers: []Matcher{tickMatcher}})
	if err != nil {
		t.Fatal(err)
	}
	if im.Provider != "tick" || im.URL != ws.Request.URL {
		t.Fatalf("provider %q, URL %q", im.Provider, im.URL)
	}
	count := map[string]int{}
	for _, u := range im.Updates {
		switch {
		case u.Frame != nil:
			count[string(u.Kind)+" "+string(u.Frame.Op)]++
			if u.Frame.Op == protocol.OpBinary && u.Frame.Size != 5 {
				t.Errorf("binary frame size %d, want its 5 bytes, not its base64 length", u.Frame.Size)
			}
		case u.Kind == protocol.KindEvent:
			count["event"]++
		}
	}
	want := map[string]int{"recv text": 3, "sent text": 1, "recv binary": 1, "sent ping": 1, "recv pong": 1, "recv close": 1,
		"sent http": 1, "recv http": 1, "event": 2}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s: %d, want %d (all: %v)", k, count[k], n, count)
		}
	}
}

func equalInts(a, b []int) bool {
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

// A recording started halfway through a session (the TUI's R) has no
// dialing state; its socket still exports with its real URL.
func TestARecordingStartedMidSessionExportsItsURL(t *testing.T) {
	out, _ := export(t, writeSession(t, true, record.Options{}))
	var f File
	json.Unmarshal(out.Bytes(), &f)
	if len(f.Log.Entries) != 1 || !strings.HasPrefix(f.Log.Entries[0].Request.URL, "wss://ticks.example/ws?access_token=") {
		t.Fatalf("entries %+v", f.Log.Entries)
	}
}

func TestExportWarnsWhenSecretsAreInClear(t *testing.T) {
	_, warnings := export(t, writeSession(t, false, record.Options{KeepSecrets: true}))
	if !strings.Contains(strings.Join(warnings, "\n"), "--no-redact") {
		t.Fatalf("warnings %q", warnings)
	}
}

// A capture no matcher claims goes to the default (the raw provider), or
// stays unnamed and undecoded.
func TestImportFallsBackForUnclaimedSockets(t *testing.T) {
	out, _ := export(t, writeSession(t, false, record.Options{}))
	har := out.String()
	none := Matcher{Provider: "other", Match: func(string, []byte) bool { return false }}
	im, err := Import(strings.NewReader(har), ImportOptions{Matchers: []Matcher{none}, Default: &Matcher{Provider: "raw"}})
	if err != nil || im.Provider != "raw" {
		t.Fatalf("provider %q, %v", im.Provider, err)
	}
	im, err = Import(strings.NewReader(har), ImportOptions{})
	if err != nil || im.Provider != "" {
		t.Fatalf("provider %q, %v", im.Provider, err)
	}
	for _, u := range im.Updates {
		if u.Kind == protocol.KindEvent {
			t.Fatal("events derived without a decoder")
		}
	}
}

func TestImportSaysWhatIsWrongWithAFileThatIsNotAWebSocketHAR(t *testing.T) {
	for name, in := range map[string]string{
		"not json":     "hello",
		"no websocket": `{"log":{"version":"1.2","entries":[{"request":{"url":"https://x"}}]}}`,
	} {
		if _, err := Import(strings.NewReader(in), ImportOptions{}); err == nil {
			t.Errorf("%s: imported without complaint", name)
		}
	}
	im, err := Import(strings.NewReader(`{"log":{"entries":[{"_resourceType":"websocket","request":{"url":"ws://x"},"_webSocketMessages":[`+
		`{"type":"receive","time":1,"opcode":2,"data":"not base64!"},{"type":"receive","time":2,"opcode":1,"data":"ok"}]}]}}`), ImportOptions{})
	if err != nil || len(im.Warnings) != 1 || !strings.Contains(im.Warnings[0], "message 1") {
		t.Fatalf("a bad message should be skipped with a warning: %v %v", err, im)
	}
}

// FuzzImport: whatever the bytes, Import returns a capture or an error,
// never panics, and every Update it returns has its payload.
func FuzzImport(f *testing.F) {
	f.Add([]byte(`{"log":{"entries":[{"_resourceType":"websocket","request":{"url":"ws://x"},"_webSocketMessages":[{"type":"receive","time":1,"opcode":1,"data":"{\"hello\":\"tick\"}"},{"type":"receive","time":2,"opcode":1,"data":"{\"tick\":1}"}]}]}}`))
	f.Add([]byte(`{"log":{"entries":[{"_resourceType":"fetch","time":12.5,"request":{"method":"POST","url":"http://h/t","postData":{"text":"a=b"}},"response":{"status":200,"content":{"text":"e30=","encoding":"base64"}}},{"request":{"url":"ws://h"},"_webSocketMessages":[{"type":"send","time":1e9,"opcode":8,"data":"bye"}]}]}}`))
	f.Add([]byte(`{"log":{"entries":[{"_webSocketMessages":[{"type":"x","time":-1,"opcode":99}]}]}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		im, err := Import(bytes.NewReader(data), ImportOptions{Matchers: []Matcher{tickMatcher}})
		if err != nil {
			return
		}
		for _, u := range im.Updates {
			if u.Kind == "" || (u.Kind == protocol.KindRecv || u.Kind == protocol.KindSent) && u.Frame == nil {
				t.Fatalf("malformed Update %+v", u)
			}
		}
	})
}

// Rule: a binary message's size is that of its bytes, not of the base64
// a HAR spells them in; data that is not base64 is named, not imported.
func TestABinaryMessageKeepsItsRealSize(t *testing.T) {
	in := `{"log":{"entries":[{"_resourceType":"websocket","request":{"url":"ws://127.0.0.1:1/x"},"_webSocketMessages":[` +
		`{"type":"receive","time":1700000000.5,"opcode":2,"data":"3q2+7wD/"}]}]}}`
	im, err := Import(strings.NewReader(in), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range im.Updates {
		if u.Frame != nil && u.Frame.Op == protocol.OpBinary && u.Frame.Size != 6 {
			t.Errorf("binary frame of size %d, want 6", u.Frame.Size)
		}
	}
	bad, err := Import(strings.NewReader(strings.Replace(in, "3q2+7wD/", "not base64!", 1)), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range bad.Updates {
		if u.Frame != nil && u.Frame.Op == protocol.OpBinary {
			t.Errorf("bad base64 imported as %+v", u.Frame)
		}
	}
	if len(bad.Warnings) != 1 || !strings.Contains(bad.Warnings[0], "not base64") {
		t.Errorf("warnings %q, want the message named", bad.Warnings)
	}
}

// Rule: evtap's export keeps each frame's size on the wire (_size), which
// masking or redaction may have made differ from its data's, and import
// takes it back.
func TestTheWireSizeSurvivesARoundTrip(t *testing.T) {
	in := `{"log":{"entries":[{"_resourceType":"websocket","request":{"url":"ws://127.0.0.1:1/x"},"_webSocketMessages":[` +
		`{"type":"send","time":1700000000.5,"opcode":1,"data":"hello ***","_size":21},` +
		`{"type":"receive","time":1700000000.6,"opcode":2,"data":"AAE=","_size":2}]}]}}`
	im, err := Import(strings.NewReader(in), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, u := range im.Updates {
		if u.Frame != nil {
			sizes = append(sizes, u.Frame.Size)
		}
	}
	if len(sizes) != 2 || sizes[0] != 21 || sizes[1] != 2 {
		t.Errorf("sizes %v, want [21 2]", sizes)
	}
}
