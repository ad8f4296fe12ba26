package eventlist

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/evtap/evtap/protocol"
)

func frame(i int, kind protocol.Kind, f protocol.Frame) protocol.Update {
	return protocol.Update{Time: t0.Add(time.Duration(i) * time.Second), Kind: kind, Conn: 1, Frame: &f}
}

func httpFrame(i int, kind protocol.Kind, v any) protocol.Update {
	b, _ := json.Marshal(v)
	return frame(i, kind, protocol.Frame{Op: protocol.OpHTTP, Data: string(b), Size: len(b)})
}

func listOf(w, h int, us ...protocol.Update) *List {
	s := NewStore(0)
	for _, u := range us {
		s.Add(u)
	}
	l := NewList(s, Styles{})
	l.SetSize(w, h)
	return l
}

func TestWhatTheClientSentAndItsRESTCallsAreRowsButReceivedFramesAreNot(t *testing.T) {
	l := listOf(120, 10,
		httpFrame(0, protocol.KindSent, protocol.HTTPRequest{ID: 1, Method: "POST", URL: "https://api.example/oauth/token"}),
		httpFrame(1, protocol.KindRecv, protocol.HTTPResponse{ID: 1, Method: "POST", URL: "https://api.example/oauth/token", Status: 200, Duration: protocol.Millis(120 * time.Millisecond)}),
		frame(2, protocol.KindRecv, protocol.Frame{Op: protocol.OpText, Data: `{"greeting":"hi"}`, Size: 17}),
		frame(3, protocol.KindSent, protocol.Frame{Op: protocol.OpText, Data: `{"say":"hello"}`, Size: 15}),
		frame(4, protocol.KindSent, protocol.Frame{Op: protocol.OpBinary, Enc: "base64", Data: base64.StdEncoding.EncodeToString([]byte{0xca, 0xfe, 0x00, 0x01}), Size: 4}),
	)
	view := l.View()
	for _, want := range []string{"http →", "POST https://api.example/oauth/token", "http ←", "200 POST https://api.example/oauth/token 120ms",
		"sent text", `{"say":"hello"}`, "sent binary", "4 bytes  ca fe 00 01"} {
		if !strings.Contains(view, want) {
			t.Errorf("list lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "greeting") {
		t.Fatalf("a received text frame was listed; it arrives again as an event:\n%s", view)
	}
	press(l, "W")
	if view := l.View(); strings.Contains(view, "sent text") || !strings.Contains(view, "hidden: 4 sent/http") {
		t.Fatalf("W does not hide sent frames and REST calls, or does not count them:\n%s", view)
	}
}

func TestAnOutageWindowShowsItsStartEndAndLength(t *testing.T) {
	g := protocol.Gap{Start: t0.Add(time.Second), End: t0.Add(5500 * time.Millisecond), Reason: "reconnected; a raw stream cannot replay"}
	l := listOf(160, 4, protocol.Update{Time: t0.Add(6 * time.Second), Kind: protocol.KindGap, Gap: &g})
	want := "OUTAGE 12:00:01.000–12:00:05.500 (4.5s), events may be lost: reconnected; a raw stream cannot replay"
	if view := l.View(); !strings.Contains(view, want) || !strings.Contains(view, "!! outage") {
		t.Fatalf("want %q:\n%s", want, view)
	}
}

func TestASealsVerdictIsMarkedInTheRowAndExplainedInTheDetail(t *testing.T) {
	good, bad := ev(1), ev(2)
	good.Event.Seal = &protocol.Seal{Via: "HS256 JWT", OK: true}
	bad.Event.Seal = &protocol.Seal{Via: "HS256 JWT", Problem: "bad signature"}
	l := listOf(100, 5, good, bad, ev(3))
	rows := strings.Split(l.View(), "\n")
	if !strings.Contains(rows[0], "✓") || !strings.Contains(rows[1], "✗") || strings.ContainsAny(rows[2], "✓✗") {
		t.Fatalf("want ✓, ✗ and no mark on an unsealed event:\n%s", strings.Join(rows, "\n"))
	}
	d := NewDetail(Styles{})
	d.SetSize(100, 10)
	d.Show(&bad)
	if v := ansi.Strip(d.View()); !strings.Contains(v, "seal HS256 JWT: NOT verified (bad signature)") {
		t.Fatalf("the detail does not explain the seal:\n%s", v)
	}
}

func TestTheDetailShowsABinaryFrameAsHexAndBase64(t *testing.T) {
	data := []byte("\x00\x01binary\xff")
	u := frame(1, protocol.KindSent, protocol.Frame{Op: protocol.OpBinary, Enc: "base64", Data: base64.StdEncoding.EncodeToString(data), Size: len(data)})
	d := NewDetail(Styles{})
	d.SetSize(100, 10)
	d.Show(&u)
	v := ansi.Strip(d.View())
	for _, want := range []string{"9 bytes", "00 01 62 69 6e 61 72 79  ff", base64.StdEncoding.EncodeToString(data)} {
		if !strings.Contains(v, want) {
			t.Fatalf("detail lacks %q:\n%s", want, v)
		}
	}
}

func TestSecretContextFieldsAreMaskedInTheDetail(t *testing.T) {
	const tok = "eyJhbGciOiJIUzI1NiJ9.secret-part.signature"
	u := protocol.Update{Time: t0, Kind: protocol.KindState, State: &protocol.State{Phase: protocol.PhaseLive,
		Context: []protocol.Field{{Label: "token", Value: tok, Secret: true}, {Label: "expires", Value: "12:10"}}}}
	d := NewDetail(Styles{})
	d.SetSize(100, 30)
	d.Show(&u)
	v := ansi.Strip(d.View())
	if strings.Contains(v, tok) || !strings.Contains(v, "12:10") {
		t.Fatalf("a secret context value is shown, or the rest is not:\n%s", v)
	}
	if u.State.Context[0].Value != tok {
		t.Fatal("masking changed the stored Update")
	}
}
