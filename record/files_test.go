package record_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/record/recordtest"
)

// An existing file is never replaced unless the caller forces it, and
// then keeps the mode its owner gave it.
func TestCreateRefusesToReplaceAFileUnlessForced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.jsonl")
	if err := os.WriteFile(path, []byte("precious\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := record.Create(path, record.Header{}, record.Options{}); !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("Create over an existing file: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "precious\n" {
		t.Fatalf("the refused file was changed: %q", b)
	}
	w, err := record.Create(path, record.Header{}, record.Options{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o640 {
		t.Errorf("forcing changed the file's mode to %v", st.Mode().Perm())
	}
	if b, _ := os.ReadFile(path); !bytes.HasPrefix(b, []byte(`{"format":"evtap-recording"`)) {
		t.Errorf("the forced file is not a recording: %q", b)
	}
}

// A recording made from a file never replaces that file, by whatever
// name it is given, even when forced.
func TestCreateNeverWritesOverItsInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "capture.har")
	os.WriteFile(in, []byte("{}"), 0o600)
	link := filepath.Join(dir, "link.har")
	if err := os.Symlink(in, link); err != nil {
		t.Skip("no symlinks here")
	}
	for _, out := range []string{in, link, filepath.Join(dir, ".", "capture.har")} {
		if _, err := record.Create(out, record.Header{}, record.Options{Force: true, Inputs: []string{in}}); err == nil || !strings.Contains(err.Error(), "own input") {
			t.Errorf("Create(%s) with input %s: %v", out, in, err)
		}
	}
	if b, _ := os.ReadFile(in); string(b) != "{}" {
		t.Fatalf("the input was changed: %q", b)
	}
}

// A destination that fails mid-run (a full disk, a closed pipe) is
// reported at once through OnError, not when the recording is closed,
// and every later Write says so.
func TestAWriteFailureIsReportedAtOnce(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("uses /proc/self/fd")
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	failed := make(chan error, 1)
	w, err := record.Create(fmt.Sprintf("/proc/self/fd/%d", pw.Fd()), record.Header{}, record.Options{
		Force: true, FlushEvery: 10 * time.Millisecond, OnError: func(err error) { failed <- err },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := bufio.NewReader(pr).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	pr.Close() // the reader goes away: every write now fails
	updates := recordtest.Session(50)
	deadline := time.After(5 * time.Second)
	for i := 0; ; i++ {
		select {
		case err := <-failed:
			if err == nil {
				t.Fatal("OnError called with nil")
			}
			waitUntil(t, "Write to return the failure", func() bool { return w.Write(updates[0]) != nil })
			if w.Err() == nil {
				t.Fatal("Err() is nil after a failure")
			}
			return
		case <-deadline:
			t.Fatal("the failure was not reported within 5s")
		default:
		}
		w.Write(updates[i%len(updates)])
		time.Sleep(time.Millisecond)
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Context fields the protocol marks secret are written as placeholders,
// and the Update the session shares with the UI is left as it was.
func TestSecretContextFieldsAreRedacted(t *testing.T) {
	st := &protocol.State{Phase: protocol.PhaseLive, Context: []protocol.Field{
		{Label: "URL token", Value: "eyJhbGciOiJFUzI1NiJ9.eyJleHAiOjF9.c2ln", Secret: true},
		{Label: "expires", Value: "in 41s"},
	}}
	u := protocol.Update{Time: recordtest.Start, Kind: protocol.KindState, State: st}
	var out bytes.Buffer
	w := record.NewStream(&out, record.Options{})
	w.Write(u)
	w.Write(protocol.Update{Time: recordtest.Start, Kind: protocol.KindError, Error: &protocol.Error{Where: "x", Message: "rejected eyJhbGciOiJFUzI1NiJ9.eyJleHAiOjF9.c2ln"}})
	w.Close()
	if strings.Contains(out.String(), "c2ln") || !strings.Contains(out.String(), "in 41s") {
		t.Fatalf("secret field kept or plain field lost:\n%s", out.String())
	}
	if st.Context[0].Value != "eyJhbGciOiJFUzI1NiJ9.eyJleHAiOjF9.c2ln" {
		t.Fatal("the shared Update was changed")
	}
}

// A filter on the kind alone is answered from the kind, and agrees with
// jq on every line.
func TestKindFiltersAgreeWithJQ(t *testing.T) {
	var lines [][]byte
	var buf bytes.Buffer
	w := record.NewStream(&buf, record.Options{KeepSecrets: true})
	for _, u := range recordtest.Session(60) {
		buf.Reset()
		w.Write(u)
		lines = append(lines, bytes.Clone(buf.Bytes()))
	}
	for _, expr := range []string{`select(.kind=="event")`, `.kind != "recv"`, `select( .kind == "state" )`, `select(.kind=="event") | .event.seq > 3`} {
		fast, err := record.NewFilter(expr)
		if err != nil {
			t.Fatal(err)
		}
		// The same expression, made opaque to the kind shortcut.
		slow, err := record.NewFilter(`(` + expr + `) | . `)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			kind := protocol.Kind("")
			a, err1 := fast.MatchLine(l, kind)
			b, err2 := slow.Match(l)
			if a != b || (err1 == nil) != (err2 == nil) {
				t.Fatalf("%s on %s: fast %v %v, jq %v %v", expr, l, a, err1, b, err2)
			}
		}
	}
}
