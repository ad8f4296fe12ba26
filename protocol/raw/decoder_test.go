package raw

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

var t0 = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// feed is a session's stream as the engine publishes it: each Update
// stamped, fed to the decoder, and kept with what it derived.
type feed struct {
	d   *Decoder
	at  time.Duration
	out []protocol.Update // every Update and what it derived, in order
}

func newFeed() *feed { return &feed{d: NewDecoder()} }

// put feeds u at the next moment and returns what it derived.
func (f *feed) put(conn int, u protocol.Update, raw []byte) []protocol.Update {
	f.at += 10 * time.Millisecond
	u.Time, u.Offset, u.Conn = t0.Add(f.at), protocol.Offset(f.at), conn
	der, msg := f.d.Decode(nil, &u, raw)
	if msg != nil {
		panic("a raw decoder returned a typed message")
	}
	f.out = append(f.out, u)
	f.out = append(f.out, der...)
	return der
}

func (f *feed) state(conn int, st protocol.State) []protocol.Update {
	return f.put(conn, protocol.Update{Kind: protocol.KindState, State: &st}, nil)
}

func (f *feed) text(conn int, s string) []protocol.Update {
	return f.put(conn, protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpText, Data: s, Size: len(s)}}, []byte(s))
}

func (f *feed) binary(conn int, b []byte) []protocol.Update {
	return f.put(conn, protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{
		Op: protocol.OpBinary, Enc: "base64", Data: base64.StdEncoding.EncodeToString(b), Size: len(b)}}, b)
}

func (f *feed) closeFrame(conn int, reason string) []protocol.Update {
	return f.put(conn, protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpClose, Data: reason, Size: len(reason) + 2}}, nil)
}

// connect is one connection going live, as the engine and the raw
// session publish it.
func (f *feed) connect(conn int) []protocol.Update {
	var out []protocol.Update
	out = append(out, f.state(conn, protocol.State{Phase: protocol.PhaseDialing, URL: "ws://127.0.0.1/x"})...)
	out = append(out, f.state(conn, protocol.State{Phase: protocol.PhaseUpgraded})...)
	return append(out, f.state(conn, protocol.State{Phase: protocol.PhaseLive})...)
}

func one(t *testing.T, out []protocol.Update, k protocol.Kind) protocol.Update {
	t.Helper()
	if len(out) != 1 || out[0].Kind != k {
		t.Fatalf("derived %s, want one %s", kinds(out), k)
	}
	return out[0]
}

func kinds(out []protocol.Update) string {
	var s []string
	for _, u := range out {
		s = append(s, string(u.Kind))
	}
	return "[" + strings.Join(s, " ") + "]"
}

// Rule: a JSON text frame is an event whose Body is the JSON itself,
// summarised on one line, labelled with the kind the message names.
func TestJSONTextIsItsOwnBody(t *testing.T) {
	f := newFeed()
	f.connect(1)
	msg := "{\n  \"type\": \"price\",\n  \"symbol\": \"EVT\",\n  \"bid\": 1.25\n}"
	ev := one(t, f.text(1, msg), protocol.KindEvent)
	e := ev.Event
	if string(e.Body) != msg {
		t.Errorf("Body = %s, want the text itself", e.Body)
	}
	if e.Provider != ProviderName || e.Label != "price" || e.Name != "price" {
		t.Errorf("provider %q label %q name %q, want raw, price, price", e.Provider, e.Label, e.Name)
	}
	if want := `{"type":"price","symbol":"EVT","bid":1.25}`; e.Summary != want {
		t.Errorf("Summary = %q, want %q", e.Summary, want)
	}
	if ev.Time != t0.Add(f.at) || ev.Conn != 1 {
		t.Errorf("event at %v on conn %d, want the frame's time and connection", ev.Time, ev.Conn)
	}
	if e.Seq != 0 {
		t.Errorf("Seq = %d: a raw stream has no sequence numbers", e.Seq)
	}
}

// Rule: text that is not JSON is a JSON string Body; its summary is the
// first line that is not blank, and says more followed.
func TestPlainTextIsAString(t *testing.T) {
	f := newFeed()
	f.connect(1)
	e := one(t, f.text(1, "\n  hello there\r\nsecond line\n"), protocol.KindEvent).Event
	var s string
	if err := json.Unmarshal(e.Body, &s); err != nil || s != "\n  hello there\r\nsecond line\n" {
		t.Errorf("Body = %s (%v), want the whole text as a JSON string", e.Body, err)
	}
	if e.Label != LabelText || e.Summary != "hello there …" {
		t.Errorf("label %q summary %q", e.Label, e.Summary)
	}
	if e := TextEvent([]byte("just one line")); e.Summary != "just one line" {
		t.Errorf("one line summarised as %q", e.Summary)
	}
}

// Rule: a summary is capped, whatever the size of the frame, and says
// it was cut; a JSON summary is read only as far as it needs.
func TestSummariesAreCapped(t *testing.T) {
	long := strings.Repeat("é", 5000)
	for _, data := range []string{long, `{"a":"` + long + `"}`, "[" + strings.Repeat(" 1,", 100000) + "1]"} {
		e := TextEvent([]byte(data))
		if n := len([]rune(e.Summary)); n > MaxSummary+2 || !strings.HasSuffix(e.Summary, " …") {
			t.Errorf("summary of %d runes %q…, want at most %d and a mark", n, e.Summary[:20], MaxSummary)
		}
	}
}

// Rule: a binary frame's Body has its size, hex and base64; its summary
// the size and the first bytes in hex.
func TestBinaryFrame(t *testing.T) {
	f := newFeed()
	f.connect(1)
	data := []byte{0, 1, 0xfe, 0xff, 'a', 0x1b, '[', '2', 'J', 9, 10, 11, 12, 13, 14, 15, 16, 17}
	e := one(t, f.binary(1, data), protocol.KindEvent).Event
	var b struct {
		Size   int
		Hex    string
		Base64 string
	}
	if err := json.Unmarshal(e.Body, &b); err != nil {
		t.Fatal(err)
	}
	if b.Size != len(data) || b.Hex != "0001feff611b5b324a090a0b0c0d0e0f1011" || b.Base64 != base64.StdEncoding.EncodeToString(data) {
		t.Errorf("body %+v", b)
	}
	if e.Label != LabelBinary || e.Summary != "18 bytes  00 01 fe ff 61 1b 5b 32 4a 09 0a 0b 0c 0d 0e 0f …" {
		t.Errorf("label %q summary %q", e.Label, e.Summary)
	}
	if e := BinaryEvent([]byte{7}); e.Summary != "1 byte  07" {
		t.Errorf("one byte summarised as %q", e.Summary)
	}
	// The Body is what binaryBody marshals to.
	for _, d := range [][]byte{nil, data, make([]byte, MaxHex+3)} {
		want, _ := json.Marshal(binaryBody{Size: len(d), Hex: hex.EncodeToString(d[:min(len(d), MaxHex)]),
			HexTruncated: len(d) > MaxHex, Base64: base64.StdEncoding.EncodeToString(d)})
		if got := BinaryEvent(d).Body; string(got) != string(want) {
			t.Errorf("body of %d bytes %.80s, want %.80s", len(d), got, want)
		}
	}
	big := BinaryEvent(make([]byte, MaxHex+1))
	if err := json.Unmarshal(big.Body, &b); err != nil || len(b.Hex) != 2*MaxHex || !strings.Contains(string(big.Body), `"hex_truncated":true`) {
		t.Errorf("a frame over MaxHex: hex of %d chars, body %.80s", len(b.Hex), big.Body)
	}
}

// Rule: a replay hands the decoder a binary frame's base64 when it has
// no bytes; data that is not base64 is a decode error, not a panic.
func TestBinaryFromRecording(t *testing.T) {
	d := NewDecoder()
	u := protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpBinary, Enc: "base64", Data: "AAEC", Size: 3}}
	out, _ := d.Decode(nil, &u, nil)
	if e := one(t, out, protocol.KindEvent).Event; e.Summary != "3 bytes  00 01 02" {
		t.Errorf("summary %q", e.Summary)
	}
	u.Frame.Data = "not base64!"
	out, _ = d.Decode(nil, &u, nil)
	if er := one(t, out, protocol.KindError).Error; er.Where != protocol.WhereDecode {
		t.Errorf("error %+v", er)
	}
}

// Rule: the server's close frame is an event with its code, the code's
// meaning and the reason, once the state ending the connection says the
// code.
func TestCloseFrameIsAnEvent(t *testing.T) {
	f := newFeed()
	f.connect(1)
	if out := f.closeFrame(1, "server restarting"); len(out) != 0 {
		t.Fatalf("the close frame derived %s before its code was known", kinds(out))
	}
	out := f.state(1, protocol.State{Phase: protocol.PhaseDropped, CloseCode: 1012, Cause: "closed by the server: 1012 server restarting"})
	e := one(t, out, protocol.KindEvent).Event
	if e.Label != LabelClose || e.Summary != "1012 (service restart): server restarting" {
		t.Errorf("label %q summary %q", e.Label, e.Summary)
	}
	var b closeBody
	if err := json.Unmarshal(e.Body, &b); err != nil || b != (closeBody{Code: 1012, Meaning: "service restart", Reason: "server restarting"}) {
		t.Errorf("body %s (%v)", e.Body, err)
	}
	// A drop with no close frame is no close event.
	f.connect(2)
	if out := f.state(2, protocol.State{Phase: protocol.PhaseDropped, Cause: "connection lost"}); len(out) != 0 && out[0].Kind == protocol.KindEvent {
		t.Errorf("a drop without a close frame derived %s", kinds(out))
	}
	if m := CloseMeaning(4001); m != "the application's own" {
		t.Errorf("4001 means %q", m)
	}
}

// Rule: the first connection opens no window; after a drop, the outage
// runs from the drop to the next live state, with nothing counted.
func TestOutageWindowAfterADrop(t *testing.T) {
	f := newFeed()
	for _, u := range f.connect(1) {
		if u.Kind == protocol.KindGap {
			t.Fatal("the first connection reported a gap")
		}
	}
	f.text(1, "a")
	f.state(1, protocol.State{Phase: protocol.PhaseDropped, Cause: "connection lost"})
	down := t0.Add(f.at)
	f.state(1, protocol.State{Phase: protocol.PhaseBackoff, Attempt: 1})
	out := f.connect(2)
	up := t0.Add(f.at)
	var gaps []protocol.Update
	for _, u := range out {
		if u.Kind == protocol.KindGap {
			gaps = append(gaps, u)
		}
	}
	if len(gaps) != 1 {
		t.Fatalf("reconnecting derived %s, want one gap", kinds(out))
	}
	g := gaps[0].Gap
	if !g.Start.Equal(down) || !g.End.Equal(up) || g.Missed != 0 || g.From != 0 || g.To != 0 || g.Reason == "" {
		t.Errorf("gap %+v, want the window %v–%v with nothing counted", g, down, up)
	}
}

// Rule: the stream reports its one subscription once, at the first live
// state, so the pane says what a raw stream is rather than "none yet".
func TestOneSubscriptionOnce(t *testing.T) {
	f := newFeed()
	var subs int
	for _, u := range append(f.connect(1), f.connect(2)...) {
		if u.Kind == protocol.KindSubscription {
			subs++
			if u.Subscription.ID != StreamID || u.Subscription.Note == "" {
				t.Errorf("subscription %+v", u.Subscription)
			}
		}
	}
	if subs != 1 {
		t.Errorf("%d subscriptions reported over two connections, want 1", subs)
	}
}

// Rule: sent frames, pings and pongs derive nothing: what the user sent
// is shown as sent, and only what the server sends is an event.
func TestSentAndControlFramesDeriveNothing(t *testing.T) {
	f := newFeed()
	f.connect(1)
	for _, u := range []protocol.Update{
		{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpText, Data: `{"type":"hi"}`}},
		{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpPing, Data: "1"}},
		{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpPong, Data: "1"}},
		{Kind: protocol.KindMarker, Marker: &protocol.Marker{Label: "here"}},
	} {
		if out := f.put(1, u, nil); len(out) != 0 {
			t.Errorf("%s %v derived %s", u.Kind, u.Frame, kinds(out))
		}
	}
}

// Rule: a replay derives exactly what the live session derived: the
// decoder is fed the recorded Updates (JSON round trip, derived kinds
// dropped) and must say the same, even for text that is not UTF-8.
func TestReplayDerivesTheSame(t *testing.T) {
	live := newFeed()
	live.connect(1)
	live.text(1, `{"event":"tick","n":1}`)
	live.text(1, "plain \xff\xfe text")
	live.binary(1, []byte("\x00\x01binary"))
	live.closeFrame(1, "bye")
	live.state(1, protocol.State{Phase: protocol.PhaseDropped, CloseCode: 1001})
	live.state(1, protocol.State{Phase: protocol.PhaseBackoff, Attempt: 1})
	live.connect(2)
	live.text(2, "[1,2,3]")

	line, err := json.Marshal(live.out)
	if err != nil {
		t.Fatal(err)
	}
	var recorded []protocol.Update
	if err := json.Unmarshal(line, &recorded); err != nil {
		t.Fatal(err)
	}
	d := NewDecoder()
	var replayed []protocol.Update
	for _, u := range recorded {
		if protocol.Derived(&u) {
			continue
		}
		var raw []byte
		if u.Frame != nil && u.Frame.Enc == "base64" {
			raw, _ = base64.StdEncoding.DecodeString(u.Frame.Data)
		} else if u.Frame != nil {
			raw = []byte(u.Frame.Data)
		}
		out, _ := d.Decode(nil, &u, raw)
		replayed = append(replayed, u)
		replayed = append(replayed, out...)
	}
	// Compared as read back: the live line spells a byte that is not
	// UTF-8 as \ufffd, the replayed one the rune itself.
	want, _ := json.Marshal(recorded)
	got, _ := json.Marshal(replayed)
	if string(got) != string(want) {
		t.Errorf("replay differs from the live session:\nlive   %s\nreplay %s", want, got)
	}
}

func TestKindField(t *testing.T) {
	for in, want := range map[string]string{
		`{"type":"hello"}`:                               "hello",
		` { "id" : 1 , "event" : "trade" }`:              "trade",
		`{"data":{"type":"inner"},"op":"outer"}`:         "outer",
		`{"jsonrpc":"2.0","method":"eth_subscription"}`:  "eth_subscription",
		`{"op":0,"t":"READY"}`:                           "",
		`{"type":"with \"escape\""}`:                     "",
		`{"ty\u0070e":"escaped key"}`:                    "",
		`{"a":[1,{"type":"x"}],"b":"}","kind":"k"}`:      "k",
		`{"a":"\\","type":"after a backslash"}`:          "after a backslash",
		`["type","array"]`:                               "",
		`"type"`:                                         "",
		`{}`:                                             "",
		`{"type":""}`:                                    "",
		`{"type":"` + strings.Repeat("x", 65) + `"}`:     "",
		`{"nested":{"deep":[[[{"}":"{"}]]]},"type":"t"}`: "t",
	} {
		if got := kindField([]byte(in)); got != want {
			t.Errorf("kindField(%s) = %q, want %q", in, got, want)
		}
	}
}

// The decoder is deterministic: the same Updates derive the same, every
// time, from a fresh decoder.
func TestDeterministic(t *testing.T) {
	run := func() []protocol.Update {
		f := newFeed()
		f.connect(1)
		f.text(1, `{"type":"a"}`)
		f.binary(1, []byte{1, 2, 3})
		f.state(1, protocol.State{Phase: protocol.PhaseDropped})
		f.connect(2)
		return f.out
	}
	if a, b := run(), run(); !reflect.DeepEqual(a, b) {
		t.Error("two runs over the same Updates differ")
	}
}
