package record_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/record/recordtest"
)

// crashChildEnv names the file the re-executed test binary records to.
const crashChildEnv = "EVTAP_RECORD_CRASH_CHILD"

// TestMain lets the test binary act as a recording process that is then
// killed with SIGKILL.
func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		return
	}
	code := m.Run()
	if dir, err := benchDir(); err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// crashChild writes 1000 Updates, says so, then keeps writing one every
// millisecond until it is killed; it never closes the file.
func crashChild(path string) {
	w, err := record.Create(path, record.Header{Provider: "test"}, record.Options{FlushEvery: 50 * time.Millisecond})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	updates := recordtest.Session(2000)
	for _, u := range updates[:1000] {
		w.Write(u)
	}
	fmt.Println("written 1000")
	for i := 1000; ; i++ {
		w.Write(updates[i%len(updates)])
		time.Sleep(time.Millisecond)
	}
}

// countLines counts the Updates readable in path, and the warnings.
func countLines(path string) (int, []string, error) {
	r, err := record.Open(path)
	if err != nil {
		return 0, nil, err
	}
	defer r.Close()
	n := 0
	for {
		_, err := r.NextLine()
		if errors.Is(err, io.EOF) {
			return n, r.Warnings(), nil
		}
		if err != nil {
			return n, r.Warnings(), err
		}
		n++
	}
}

// After kill -9, the file holds every Update written before the last
// flush, whether plain or gzip, and reads back without error (a torn
// last line is only a warning).
func TestKilledWriterLosesOnlyTheLastFlush(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	for _, name := range []string{"crash.evtap", "crash.evtap.gz"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			line, _ := bufio.NewReader(out).ReadString('\n')
			if !strings.HasPrefix(line, "written 1000") {
				t.Fatalf("child said %q", line)
			}
			// The ticker, not Close, must bring those 1000 to the file.
			deadline := time.Now().Add(5 * time.Second)
			for {
				n, _, _ := countLines(path)
				if n >= 1000 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("only %d of 1000 written Updates reached the file within 5s", n)
				}
				time.Sleep(10 * time.Millisecond)
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			n, warnings, err := countLines(path)
			if err != nil {
				t.Fatalf("reading the killed recording: %v (warnings %v)", err, warnings)
			}
			if n < 1000 {
				t.Errorf("read %d Updates after the kill, want at least 1000", n)
			}
		})
	}
}
