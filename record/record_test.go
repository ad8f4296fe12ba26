package record_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/record/recordtest"
)

// writeRecording records updates to a new file in a temp dir.
func writeRecording(t testing.TB, name string, updates []protocol.Update, o record.Options) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	w, err := record.Create(path, record.Header{Provider: "test", Endpoint: "wss://ws-api.example.test/ws?access_token=" + recordtest.WSAccessToken, Start: recordtest.Start}, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range updates {
		if err := w.Write(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// readAll reads every Update of a recording.
func readAll(t testing.TB, path string) (record.Header, []protocol.Update, *record.Reader) {
	t.Helper()
	r, err := record.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []protocol.Update
	for {
		u, err := r.Next()
		if errors.Is(err, io.EOF) {
			return r.Header(), out, r
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, u)
	}
}

func jsonOf(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A recording made with redaction off reads back as exactly the Updates
// written, plain or gzip-compressed.
func TestRoundTripKeepsEveryUpdate(t *testing.T) {
	in := recordtest.Session(200)
	for _, name := range []string{"s.evtap", "s.evtap.gz"} {
		t.Run(name, func(t *testing.T) {
			path := writeRecording(t, name, in, record.Options{KeepSecrets: true})
			h, out, _ := readAll(t, path)
			if h.Format != record.Format || h.Version != record.Version || h.Provider != "test" || !h.Start.Equal(recordtest.Start) {
				t.Errorf("header = %+v", h)
			}
			if len(out) != len(in) {
				t.Fatalf("read %d updates, wrote %d", len(out), len(in))
			}
			for i := range in {
				if got, want := jsonOf(t, out[i]), jsonOf(t, in[i]); got != want {
					t.Fatalf("update %d:\n got %s\nwant %s", i, got, want)
				}
			}
			raw, _ := os.ReadFile(path)
			if strings.HasSuffix(name, ".gz") != (len(raw) > 2 && raw[0] == 0x1f && raw[1] == 0x8b) {
				t.Errorf("gzip compression does not follow the .gz suffix")
			}
			st, _ := os.Stat(path)
			if st.Mode().Perm() != 0o600 {
				t.Errorf("mode = %v, want 0600", st.Mode().Perm())
			}
		})
	}
}

// With redaction on (the default), no secret of the session appears
// anywhere in the file, every line is still JSON, the same secret gets
// the same placeholder wherever it was, and the header lists the kinds.
func TestRedactionRemovesEverySecret(t *testing.T) {
	path := writeRecording(t, "s.evtap", recordtest.Session(100), record.Options{Rules: recordtest.Rules(), Secrets: []string{recordtest.ClientSecret, recordtest.JWT}})
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append(recordtest.AllSecrets(), "Y2xpZW50OnNlY3JldA==") {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("secret %q is in the recording", s)
		}
	}
	for i, line := range bytes.Split(bytes.TrimSpace(raw), []byte("\n")) {
		if !json.Valid(line) {
			t.Fatalf("line %d is not JSON after redaction: %s", i+1, line)
		}
	}
	h, out, _ := readAll(t, path)
	if !strings.Contains(strings.Join(h.Redacted, ","), "ws_access_token") || strings.Contains(h.Endpoint, recordtest.WSAccessToken) {
		t.Errorf("header: redacted=%v endpoint=%q", h.Redacted, h.Endpoint)
	}
	// The recovery token in a State and the wsc in frames and URLs are
	// one placeholder, so the reader can still follow it.
	var recoveryToken string
	for _, u := range out {
		if u.State != nil && u.State.Recovery != nil {
			recoveryToken = u.State.Recovery.Token
			break
		}
	}
	if !strings.HasPrefix(recoveryToken, record.PlaceholderPrefix+"wsc-") {
		t.Fatalf("recovery token = %q, want a wsc placeholder", recoveryToken)
	}
	for _, u := range out {
		if u.Frame != nil && u.Frame.Type == "ConnectionDetails" && !strings.Contains(u.Frame.Data, `"token":"`+recoveryToken+`"`) {
			t.Errorf("ConnectionDetails frame does not carry the same placeholder %s: %s", recoveryToken, u.Frame.Data)
		}
		if u.State != nil && strings.Contains(u.State.URL, "wsc=") && !strings.Contains(u.State.URL, "wsc="+recoveryToken) {
			t.Errorf("URL %q does not carry placeholder %s", u.State.URL, recoveryToken)
		}
	}
	if !bytes.Contains(raw, []byte("Authorization: Basic REDACTED-authorization-")) {
		t.Errorf("authorization header lost its scheme or was not redacted")
	}
}

// Headless output is the recording's lines without a header, and each
// line reaches the destination as soon as it is written. Both writers of
// a session share its memory of issued secrets, so they name every
// secret alike.
func TestStreamIsTheRecordingWithoutHeader(t *testing.T) {
	in := recordtest.Session(50)
	opts := record.Options{Rules: recordtest.Rules(), Issued: record.NewIssued()}
	var out bytes.Buffer
	w := record.NewStream(&out, opts)
	for i, u := range in {
		if err := w.Write(u); err != nil {
			t.Fatal(err)
		}
		if got := bytes.Count(out.Bytes(), []byte("\n")); got != i+1 {
			t.Fatalf("after %d writes the stream holds %d lines: not flushed per line", i+1, got)
		}
	}
	w.Close()
	path := writeRecording(t, "s.evtap", in, opts)
	file, _ := os.ReadFile(path)
	_, body, _ := strings.Cut(string(file), "\n")
	if body != out.String() {
		t.Errorf("headless output differs from the recording body")
	}
	var first map[string]any
	json.Unmarshal(bytes.SplitN(out.Bytes(), []byte("\n"), 2)[0], &first)
	if _, err := time.Parse(time.RFC3339Nano, first["t"].(string)); err != nil || first["kind"] == nil {
		t.Errorf("line lacks t or kind: %v", first)
	}
}

func TestFilterSelectsLines(t *testing.T) {
	f, err := record.NewFilter(`select(.kind == "event")`)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := record.NewStream(&out, record.Options{Filter: f})
	in := recordtest.Session(80)
	want := 0
	for _, u := range in {
		if u.Kind == protocol.KindEvent {
			want++
		}
		w.Write(u)
	}
	if w.Count() != want || bytes.Count(out.Bytes(), []byte("\n")) != want {
		t.Errorf("filter passed %d lines, want %d events", w.Count(), want)
	}
	if _, err := record.NewFilter(`select(.kind ==`); err == nil {
		t.Errorf("bad jq syntax accepted")
	}
}

// fileWith writes a header and then the given body.
func fileWith(t *testing.T, header, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "f.evtap")
	if err := os.WriteFile(path, []byte(header+body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const goodHeader = `{"format":"evtap-recording","version":1,"start":"2026-11-22T20:00:00Z","redacted":[]}` + "\n"
const goodLine = `{"t":"2026-11-22T20:00:00Z","off":0.5,"kind":"marker","marker":{"label":"x"}}` + "\n"

// A file that is not a recording is refused at once with its reason; a
// damaged line in the middle is named and skipped, and everything
// readable around it is read.
func TestDamagedFilesGiveClearErrors(t *testing.T) {
	cases := []struct {
		name, header, body string
		openErr            string
		damage             []string // the errors met, in order
		lines              int      // Updates read in all
		warning            string
	}{
		{name: "empty", openErr: "file is empty"},
		{name: "not json", header: "hello world\n", openErr: "is this an evtap recording"},
		{name: "other json", header: `{"a":1}` + "\n", openErr: "not an evtap recording"},
		{name: "wrong format", header: `{"format":"asciicast","version":2}` + "\n", openErr: `format is "asciicast"`},
		{name: "newer version", header: `{"format":"evtap-recording","version":9}` + "\n", openErr: "version 9 is newer"},
		{name: "torn header", header: `{"format":"evtap-rec`, openErr: "incomplete"},
		{name: "torn last line", header: goodHeader, body: goodLine + goodLine + `{"t":"2026-11-22T20:00:01Z","off":1.0,"ki`, lines: 2, warning: "line 4 is incomplete"},
		{name: "garbled middle", header: goodHeader, body: goodLine + "{garbage\n" + goodLine, lines: 2, damage: []string{"line 3: garbled"}},
		{name: "missing kind", header: goodHeader, body: `{"t":"2026-11-22T20:00:00Z","off":1}` + "\n" + goodLine, lines: 1, damage: []string{"line 2: not an Update"}},
		{name: "bad time", header: goodHeader, body: `{"t":"yesterday","off":1,"kind":"marker","marker":{"label":"x"}}` + "\n" + goodLine, lines: 1, damage: []string{"line 2: not a valid Update"}},
		{name: "huge line", header: goodHeader, body: goodLine + `{"x":"` + strings.Repeat("a", record.MaxLine+10) + "\"}\n" + goodLine, lines: 2, damage: []string{"line 3: line is longer than 16 MiB"}},
		{name: "two damaged", header: goodHeader, body: "x\n" + goodLine + "[1]\n" + goodLine, lines: 2, damage: []string{"line 2: garbled", "line 4: garbled"}},
		{name: "header only", header: goodHeader, lines: 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := record.Open(fileWith(t, c.header, c.body))
			if c.openErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.openErr) {
					t.Fatalf("open error = %v, want %q", err, c.openErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			n := 0
			var damage []string
			for {
				_, err = r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					if !record.IsDamage(err) {
						t.Fatalf("reading stopped: %v", err)
					}
					damage = append(damage, err.Error())
					continue
				}
				n++
			}
			if len(damage) != len(c.damage) || r.Damaged() != len(c.damage) {
				t.Fatalf("damage = %q (counted %d), want %q", damage, r.Damaged(), c.damage)
			}
			for i := range damage {
				if !strings.Contains(damage[i], c.damage[i]) {
					t.Errorf("damage %d = %q, want %q", i, damage[i], c.damage[i])
				}
			}
			if n != c.lines {
				t.Errorf("read %d updates, want %d", n, c.lines)
			}
			if w := strings.Join(r.Warnings(), "\n"); !strings.Contains(w, c.warning) || c.warning == "" && w != "" {
				t.Errorf("warnings = %q, want %q", w, c.warning)
			}
		})
	}
}

// FuzzReader: whatever the bytes, the reader returns Updates, io.EOF or
// an error; it never panics or loops.
func FuzzReader(f *testing.F) {
	f.Add([]byte(goodHeader + goodLine))
	f.Add([]byte(goodHeader + goodLine + "{"))
	f.Add([]byte(goodHeader + "{\"off\":\"x\",\"kind\":1}\n"))
	f.Add([]byte{0x1f, 0x8b, 0, 0})
	f.Add([]byte(goodHeader + "{garbage\n" + goodLine))
	f.Add([]byte(goodHeader + `{"t":"2026-11-22T20:00:00Z","off":0.5,"kind":"recv","conn":2,"frame":{"op":"text","data":"[{\"a\":\"\\u00e9\\ud83d\\ude00\"}]","size":9,"type":"X"}}` + "\n"))
	f.Add([]byte(goodHeader + `{"t":"2026-11-22T20:00:00Z","off":0.5,"kind":"sent","frame":{"op":"binary","data":"AAEC","enc":"base64","size":3}}` + "\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := record.NewReader(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		for i := 0; i <= len(data)+1; i++ {
			l, err := r.NextLine()
			if record.IsDamage(err) {
				continue // skipped; reading goes on
			}
			if err != nil {
				return
			}
			u, err := r.Decode(l)
			if err != nil {
				if !record.IsDamage(err) {
					t.Fatalf("Decode failed with something other than damage: %v", err)
				}
				continue
			}
			// The fast frame reader agrees with encoding/json.
			var want protocol.Update
			if json.Unmarshal(l.Raw, &want) != nil {
				t.Fatalf("Decode accepted a line encoding/json refuses: %q", l.Raw)
			}
			if got, exp := jsonOf(t, u), jsonOf(t, want); got != exp {
				t.Fatalf("Decode and encoding/json disagree on %q:\n%s\n%s", l.Raw, got, exp)
			}
		}
		t.Fatalf("reader returned more lines than there are bytes")
	})
}
