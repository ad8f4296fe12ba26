package record_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// A recording holds every line given to WriteRedacted and WriteLine, in
// order and byte for byte, whatever their length (empty, a few bytes,
// around the size the queue copies lines in, far beyond it) and however
// the Writer's goroutine drains them meanwhile, even though the caller
// reuses its buffer at once.
func TestQueuedLinesAreWrittenAsGiven(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.evtap")
	w, err := record.Create(path, record.Header{}, record.Options{KeepSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // drains at any moment
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				w.Flush()
			}
		}
	}()
	sizes := []int{0, 1, 7, 100, 450, 8191, 8192, 8193, 20000, 65535, 65536, 70000, 300000}
	var want bytes.Buffer
	buf := make([]byte, 0, 1<<20)
	for i := 0; i < 1500; i++ {
		n := sizes[(i*7+i/13)%len(sizes)]
		buf = append(buf[:0], fmt.Sprintf(`{"n":%d,"pad":"`, i)...)
		if len(buf) < n {
			buf = append(buf, strings.Repeat(string(rune('a'+i%26)), n-len(buf))...)
		}
		buf = append(buf, `"}`...)
		if i%5 == 0 {
			err = w.WriteLine(append(buf, '\n'))
		} else {
			err = w.WriteRedacted(buf, protocol.KindRecv)
		}
		if err != nil {
			t.Fatal(err)
		}
		want.Write(buf)
		want.WriteByte('\n')
		for j := range buf {
			buf[j] = 'X' // the Writer must have its own copy
		}
	}
	close(stop)
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := bytes.Cut(got, []byte("\n")) // after the header
	if !bytes.Equal(body, want.Bytes()) {
		gl, wl := strings.Split(string(body), "\n"), strings.Split(want.String(), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("line %d of %d (want %d):\n got %.80q\nwant %.80q", i+1, len(gl), len(wl), gl[i], wl[i])
			}
		}
		t.Fatalf("%d lines written, want %d", len(gl), len(wl))
	}
}
