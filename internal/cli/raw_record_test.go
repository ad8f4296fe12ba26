package cli

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record/har"
	"github.com/evtap/evtap/session/raw/rawtest"
)

// lines reads a recording or headless output as Updates, header dropped.
func recorded(t *testing.T, path string) []protocol.Update {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(b), "\n") // the header
	return updates(t, body)
}

// same compares two streams of Updates as JSON.
func same(t *testing.T, what string, got, want []protocol.Update) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s differs:\ngot  %s\nwant %s", what, g, w)
	}
}

// A raw session recorded, replayed, served and exported to HAR and back:
// every step keeps the frames, text and binary, with their real sizes.
func TestARawSessionRecordsReplaysServesAndExports(t *testing.T) {
	binary := []byte{0xde, 0xad, 0xbe, 0xef, 0x00, 0xff}
	srv, err := rawtest.Start(rawtest.Options{
		Preamble: []string{`{"type":"welcome"}`, "plain text"}, Binary: [][]byte{binary}, DropAfter: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	rec := filepath.Join(dir, "raw.jsonl")
	reg := providers.Builtin()

	// Four events per connection (two preamble frames, the binary
	// frame, the echo of --send): eight end the run.
	code, live, errw := evtap(t, reg, 20*time.Second, "connect", srv.URL, "--headless", "--count", "8",
		"--send", "hello secret-token-42", "--token", "secret-token-42", "--record", rec)
	if code != ExitOK {
		t.Fatalf("connect: exit %d: %s", code, errw)
	}
	fromFile, stdout := recorded(t, rec), updates(t, live)
	// The recorder keeps what arrived after --count stopped the printing.
	if len(fromFile) < len(stdout) {
		t.Fatalf("%d Updates recorded, %d printed", len(fromFile), len(stdout))
	}
	same(t, "the recording and the headless stream", fromFile[:len(stdout)], stdout)
	if b, _ := os.ReadFile(rec); strings.Contains(string(b), "secret-token-42") {
		t.Error("the token reached the recording")
	}
	if n := len(events(fromFile)); n < 8 {
		t.Fatalf("%d events recorded, want 8", n)
	}

	// Derived again through the entry's decoder from the recorded frames
	// and states, as a replay does: the same Updates, though the live
	// session derived them from frames before its secrets were masked.
	e, _ := reg.Lookup("raw")
	same(t, "what the decoder derives again", rederive(e.NewDecoder(), fromFile), fromFile)

	// Replayed headless, as fast as possible: the same Updates.
	code, replayed, errw := evtap(t, reg, 20*time.Second, "replay", rec, "--headless", "--speed", "max")
	if code != ExitOK {
		t.Fatalf("replay: exit %d: %s", code, errw)
	}
	same(t, "the replay", updates(t, replayed), fromFile)

	// Served: a client gets the frames the recorded client received, in
	// order, binary as binary.
	var want []string
	for _, u := range fromFile {
		if u.Kind == protocol.KindRecv && (u.Frame.Op == protocol.OpText || u.Frame.Op == protocol.OpBinary) {
			want = append(want, string(u.Frame.Op)+":"+u.Frame.Data)
		}
	}
	served := serveRecording(t, reg, rec, len(want))
	if strings.Join(served, "\n") != strings.Join(want, "\n") {
		t.Errorf("served %q, want %q", served, want)
	}

	// Exported to HAR: text and binary frames both ways, binary as
	// base64 of the real bytes.
	harFile := filepath.Join(dir, "raw.har")
	if code, _, errw := evtap(t, reg, 10*time.Second, "export", rec, "--har", harFile); code != ExitOK {
		t.Fatalf("export: exit %d: %s", code, errw)
	}
	var f har.File
	b, _ := os.ReadFile(harFile)
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Log.Entries) != 2 {
		t.Fatalf("%d HAR entries, want one per connection", len(f.Log.Entries))
	}
	var bins, sends int
	for _, m := range f.Log.Entries[0].Messages {
		switch {
		case m.Opcode == 2:
			bins++
			if raw, err := base64.StdEncoding.DecodeString(m.Data); err != nil || string(raw) != string(binary) {
				t.Errorf("binary message %q", m.Data)
			}
		case m.Type == "send":
			sends++
		}
	}
	if bins != 1 || sends != 1 {
		t.Errorf("first entry has %d binary and %d sent messages, want 1 and 1", bins, sends)
	}

	// Imported back: a raw recording whose frames have their real sizes.
	back := filepath.Join(dir, "back.jsonl")
	if code, _, errw := evtap(t, reg, 10*time.Second, "import", harFile, "--out", back); code != ExitOK {
		t.Fatalf("import: exit %d: %s", code, errw)
	}
	hb, _ := os.ReadFile(back)
	if !strings.Contains(strings.SplitN(string(hb), "\n", 2)[0], `"provider":"raw"`) {
		t.Errorf("imported header %s", strings.SplitN(string(hb), "\n", 2)[0])
	}
	sizes := map[string]int{}
	for _, u := range fromFile {
		if u.Frame != nil && (u.Frame.Op == protocol.OpText || u.Frame.Op == protocol.OpBinary) {
			sizes[string(u.Kind)+u.Frame.Data] = u.Frame.Size
		}
	}
	for _, u := range recorded(t, back) {
		if u.Frame == nil || (u.Frame.Op != protocol.OpText && u.Frame.Op != protocol.OpBinary) {
			continue
		}
		if want, ok := sizes[string(u.Kind)+u.Frame.Data]; !ok || u.Frame.Size != want {
			t.Errorf("imported %s %s frame %.20q of size %d, want %d", u.Kind, u.Frame.Op, u.Frame.Data, u.Frame.Size, want)
		}
	}
}

// rederive drops the derived Updates of a recording and derives them
// again with dec, as a replay does.
func rederive(dec protocol.Decoder, ups []protocol.Update) []protocol.Update {
	var out []protocol.Update
	for _, u := range ups {
		if protocol.Derived(&u) {
			continue
		}
		var raw []byte
		if u.Frame != nil {
			raw = []byte(u.Frame.Data)
			if u.Frame.Enc == "base64" {
				raw, _ = base64.StdEncoding.DecodeString(u.Frame.Data)
			}
		}
		derived, _ := dec.Decode(nil, &u, raw)
		out = append(out, u)
		out = append(out, derived...)
	}
	return out
}

// serveRecording runs `evtap replay --serve` and returns the first n
// frames a client gets, as "op:data" (binary in base64).
func serveRecording(t *testing.T, reg *providers.Registry, path string, n int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	stderrR, stderrW, _ := os.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, reg, []string{"replay", path, "--serve", "127.0.0.1:0", "--speed", "max"}, nil, &syncBuffer{}, stderrW)
		stderrW.Close()
	}()
	url := ""
	sc := bufio.NewScanner(stderrR)
	for url == "" && sc.Scan() {
		url = regexp.MustCompile(`ws://\S+`).FindString(sc.Text())
	}
	go func() { // keep reading so the server never blocks on its log
		for sc.Scan() {
		}
	}()
	if url == "" {
		t.Fatal("replay --serve said no URL")
	}
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	var got []string
	for len(got) < n {
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		typ, data, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("after %d frames: %v", len(got), err)
		}
		if typ == websocket.BinaryMessage {
			got = append(got, "binary:"+base64.StdEncoding.EncodeToString(data))
		} else {
			got = append(got, "text:"+string(data))
		}
	}
	cancel()
	<-done
	return got
}
