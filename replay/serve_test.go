package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// echoResponder is a provider's responder for the tests: a client's
// {"op":"subscribe","id":X} gets the recorded answer with its own id, a
// recorded answer is not sent again on its own, and GET /socket-url
// says where the socket is, as a token endpoint would.
type echoResponder struct {
	answer map[string]any // the recorded answer to the recorded client
	learnt int
}

func (r *echoResponder) Learn(u protocol.Update) {
	r.learnt++
	var m map[string]any
	if u.Kind == protocol.KindRecv && json.Unmarshal([]byte(u.Frame.Data), &m) == nil && m["op"] == "subscribed" && r.answer == nil {
		r.answer = m
	}
}

func (r *echoResponder) Replay(f protocol.Frame) bool {
	return !strings.Contains(f.Data, `"op":"subscribed"`)
}

func (r *echoResponder) Answer(op protocol.Opcode, data []byte) [][]byte {
	var m map[string]any
	if op != protocol.OpText || json.Unmarshal(data, &m) != nil || m["op"] != "subscribe" || r.answer == nil {
		return nil
	}
	a := map[string]any{}
	for k, v := range r.answer {
		a[k] = v
	}
	a["id"] = m["id"]
	b, _ := json.Marshal(a)
	return [][]byte{b}
}

func (r *echoResponder) HTTP(req protocol.HTTPRequest) (protocol.HTTPResponse, bool) {
	u, err := url.Parse(req.URL)
	if err != nil || u.Path != "/socket-url" {
		return protocol.HTTPResponse{}, false
	}
	return protocol.HTTPResponse{Status: 200, Header: map[string]string{"Content-Type": "application/json"},
		Body: `{"uri":"ws://` + u.Host + `/ws"}`}, true
}

func textFrame(off time.Duration, kind protocol.Kind, data string) protocol.Update {
	return protocol.Update{Time: time.Unix(0, 0).Add(off), Offset: protocol.Offset(off), Kind: kind,
		Frame: &protocol.Frame{Op: protocol.OpText, Data: data, Size: len(data)}}
}

// serveRecording records a small session: a greeting, the recorded
// client's subscription and its answer, two notifications.
func serveRecording(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seq.jsonl")
	w, err := record.Create(path, record.Header{Provider: "seq", Start: time.Unix(0, 0)}, record.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(textFrame(0, protocol.KindRecv, `{"op":"hello"}`))
	w.Write(textFrame(time.Millisecond, protocol.KindSent, `{"op":"subscribe","id":"old"}`))
	w.Write(textFrame(2*time.Millisecond, protocol.KindRecv, `{"op":"subscribed","id":"old","sub":"s-1"}`))
	w.Write(textFrame(50*time.Millisecond, protocol.KindRecv, `{"seq":1}`))
	w.Write(textFrame(60*time.Millisecond, protocol.KindRecv, `{"seq":2}`))
	w.Write(protocol.Update{Time: time.Unix(0, 0), Offset: protocol.Offset(70 * time.Millisecond), Kind: protocol.KindRecv,
		Frame: &protocol.Frame{Op: protocol.OpBinary, Data: "AAEC", Enc: "base64", Size: 3}})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// syncWriter collects the server's log.
type syncWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}
func (w *syncWriter) String() string { w.mu.Lock(); defer w.mu.Unlock(); return w.b.String() }

// serve starts a replay server for the test and returns its URL.
func serve(t *testing.T, path string, o ServeOptions) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, "127.0.0.1:0", path, o, func(u string) { urls <- u }) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return when its context ended")
		}
	})
	select {
	case u := <-urls:
		return u
	case err := <-done:
		t.Fatalf("Serve: %v", err)
	}
	return ""
}

func dial(t *testing.T, u string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	return c
}

func readText(t *testing.T, c *websocket.Conn) string {
	t.Helper()
	mt, data, err := c.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if mt == websocket.BinaryMessage {
		return "binary:" + string(data)
	}
	return string(data)
}

func responder(record.Header) Responder { return &echoResponder{} }

// A served recording answers the client's handshake through the
// provider's responder, sends what the recorded client received (but
// not the answer to its own request) and then closes cleanly.
func TestAServedRecordingAnswersTheHandshakeThenClosesCleanly(t *testing.T) {
	u := serve(t, serveRecording(t), ServeOptions{Speed: 1, Responder: responder})
	c := dial(t, u)
	if got := readText(t, c); got != `{"op":"hello"}` {
		t.Fatalf("first frame %s, want the greeting", got)
	}
	c.WriteMessage(websocket.TextMessage, []byte(`{"op":"subscribe","id":"mine"}`))
	var got []string
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != websocket.CloseNormalClosure || ce.Text != EndReason {
				t.Fatalf("after the last frame: %v, want a clean close 1000 %q", err, EndReason)
			}
			break
		}
		got = append(got, string(data))
	}
	// The answer comes when the server reads the request, the recorded
	// frames on the recorded clock: only their own order is fixed.
	var answers, recorded []string
	for _, g := range got {
		if strings.Contains(g, "subscribed") {
			answers = append(answers, g)
		} else {
			recorded = append(recorded, g)
		}
	}
	if len(answers) != 1 || answers[0] != `{"id":"mine","op":"subscribed","sub":"s-1"}` {
		t.Fatalf("answers %q, want one to our own request", answers)
	}
	if want := []string{`{"seq":1}`, `{"seq":2}`, "\x00\x01\x02"}; strings.Join(recorded, "|") != strings.Join(want, "|") {
		t.Fatalf("client got %q\nwant %q", recorded, want)
	}
}

// Looping plays the recording again; staying keeps the socket open and
// still answering.
func TestAtEndLoopOrStay(t *testing.T) {
	t.Run("loop", func(t *testing.T) {
		c := dial(t, serve(t, serveRecording(t), ServeOptions{Responder: responder, AtEnd: EndLoop}))
		hellos := 0
		for hellos < 3 {
			if readText(t, c) == `{"op":"hello"}` {
				hellos++
			}
		}
	})
	t.Run("stay", func(t *testing.T) {
		c := dial(t, serve(t, serveRecording(t), ServeOptions{Responder: responder, AtEnd: EndStay}))
		for readText(t, c) != "binary:\x00\x01\x02" {
		}
		c.WriteMessage(websocket.TextMessage, []byte(`{"op":"subscribe","id":"late"}`))
		if got := readText(t, c); !strings.Contains(got, `"id":"late"`) {
			t.Fatalf("after the end the server answered %s", got)
		}
	})
}

// An SDK's REST call before it opens the socket is answered by the
// responder; what it does not know is a 404.
func TestRESTCallsReachTheResponder(t *testing.T) {
	base := strings.Replace(serve(t, serveRecording(t), ServeOptions{Responder: responder}), "ws://", "http://", 1)
	resp, err := http.Get(base + "socket-url")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	host := strings.TrimSuffix(strings.TrimPrefix(base, "http://"), "/")
	if resp.StatusCode != 200 || string(body) != `{"uri":"ws://`+host+`/ws"}` {
		t.Fatalf("GET /socket-url: %d %s", resp.StatusCode, body)
	}
	resp, err = http.Post(base+"nothing", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown endpoint: %d", resp.StatusCode)
	}
}

// A garbled line in the middle is logged and skipped; every client still
// gets everything readable.
func TestServeSkipsAGarbledLine(t *testing.T) {
	path := serveRecording(t)
	b, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(b), "\n")
	lines[4] = "{\"garbled\n" // the first notification
	os.WriteFile(path, []byte(strings.Join(lines, "")), 0o600)
	var log syncWriter
	u := serve(t, path, ServeOptions{Log: &log})
	for range 2 {
		c := dial(t, u)
		var got []string
		for {
			_, data, err := c.ReadMessage()
			if err != nil {
				break
			}
			got = append(got, string(data))
		}
		if strings.Join(got, "|") != `{"op":"hello"}|{"op":"subscribed","id":"old","sub":"s-1"}|{"seq":2}|`+"\x00\x01\x02" {
			t.Fatalf("client got %q", got)
		}
	}
	if !strings.Contains(log.String(), "line 5") {
		t.Fatalf("the damaged line was not logged: %s", log.String())
	}
}
