package record_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/record/recordtest"
)

// benchUpdates is a session with a realistic mix of frames, events and
// states, shared by the benchmarks.
var benchUpdates = sync.OnceValue(func() []protocol.Update { return recordtest.Session(10000) })

// BenchmarkWrite measures sustained Updates/s to a file, through the
// writer's goroutine to the disk; compare the redact and keep
// sub-benchmarks for the cost of redaction.
func BenchmarkWrite(b *testing.B) {
	for _, c := range []struct {
		name string
		o    record.Options
	}{{"redact", record.Options{Rules: recordtest.Rules(), Secrets: []string{recordtest.ClientSecret, recordtest.JWT}}}, {"keep", record.Options{KeepSecrets: true}}} {
		b.Run(c.name, func(b *testing.B) {
			updates := benchUpdates()
			w, err := record.Create(filepath.Join(b.TempDir(), "b.evtap"), record.Header{}, c.o)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := w.Write(updates[i%len(updates)]); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
		})
	}
}

// BenchmarkWriteCallerCost is what recording costs the goroutine that
// calls Write (the session's reader) while the disk keeps up. "inline"
// encodes and redacts in the caller, as a stream does and as the
// recorder did before it had a goroutine of its own; "queued" is a
// recording's Write, which only queues: Updates go in bursts of 1000,
// and the writer catches up between bursts, off the clock. The ratio
// between them is what the reader saves.
func BenchmarkWriteCallerCost(b *testing.B) {
	o := record.Options{Rules: recordtest.Rules(), Secrets: []string{recordtest.ClientSecret, recordtest.JWT}}
	updates := benchUpdates()
	b.Run("inline", func(b *testing.B) {
		w := record.NewStream(io.Discard, record.Options{Rules: o.Rules, Secrets: o.Secrets, Batch: true})
		defer w.Close()
		for i := 0; b.Loop(); i++ {
			w.Write(updates[i%len(updates)])
		}
	})
	b.Run("queued", func(b *testing.B) {
		w, err := record.Create(filepath.Join(b.TempDir(), "b.evtap"), record.Header{}, o)
		if err != nil {
			b.Fatal(err)
		}
		defer w.Close()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			w.Write(updates[i%len(updates)])
			if i%1000 == 999 {
				b.StopTimer()
				w.Flush()
				b.StartTimer()
			}
		}
	})
}

// benchDir holds the big recordings for the whole process; TestMain
// removes it.
var benchDir = sync.OnceValues(func() (string, error) { return os.MkdirTemp("", "evtap-bench-") })

// bigRecording writes (once per process) a recording of n lines.
var bigRecordings sync.Map

func bigRecording(b *testing.B, n int) string {
	if p, ok := bigRecordings.Load(n); ok {
		return p.(string)
	}
	dir, err := benchDir()
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "big.evtap")
	updates := benchUpdates()
	w, err := record.Create(path, record.Header{}, record.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		w.Write(updates[i%len(updates)])
	}
	w.Close()
	bigRecordings.Store(n, path)
	return path
}

// BenchmarkReadLines is the headless --speed max path: lines read,
// checked and their offset and kind taken, without decoding.
func BenchmarkReadLines(b *testing.B) {
	path := bigRecording(b, 200000)
	b.ResetTimer()
	lines := 0
	for lines < b.N {
		r, err := record.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		for lines < b.N {
			if _, err := r.NextLine(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			lines++
		}
		r.Close()
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkNext decodes every line into an Update (the TUI replay path).
func BenchmarkNext(b *testing.B) {
	path := bigRecording(b, 200000)
	b.ResetTimer()
	n := 0
	for n < b.N {
		r, _ := record.Open(path)
		for n < b.N {
			if _, err := r.Next(); err != nil {
				break
			}
			n++
		}
		r.Close()
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "updates/s")
}

// BenchmarkSeek seeks to random times in a 1,000,000-line recording and
// reads the line found there; the index is built once, outside the timer.
func BenchmarkSeek(b *testing.B) {
	path := bigRecording(b, 1000000)
	ix, err := record.BuildIndex(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	r, err := record.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	rng := rand.New(rand.NewSource(1))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		target := ix.First + ix.Duration()*time.Duration(rng.Int63n(1000))/1000
		p, _ := ix.Before(target)
		if err := r.SeekLine(p.Pos, p.N); err != nil {
			b.Fatal(err)
		}
		for {
			l, err := r.NextLine()
			if err != nil || l.Off >= target {
				break
			}
		}
	}
}

// BenchmarkBuildIndex is the one-time cost of opening a 1,000,000-line
// recording for seeking.
func BenchmarkBuildIndex(b *testing.B) {
	path := bigRecording(b, 1000000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := record.BuildIndex(context.Background(), path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteRedacted is a recording taking the lines headless output
// encoded and redacted (Options.Tee, --headless --record): queued by the
// caller, written to the disk by the Writer's goroutine.
func BenchmarkWriteRedacted(b *testing.B) {
	var lines [][]byte
	var buf bytes.Buffer
	s := record.NewStream(&buf, record.Options{KeepSecrets: true})
	for _, u := range benchUpdates()[:1000] {
		buf.Reset()
		s.Write(u)
		lines = append(lines, bytes.Clone(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))))
	}
	w, err := record.Create(filepath.Join(b.TempDir(), "b.evtap"), record.Header{}, record.Options{KeepSecrets: true})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		l := lines[i%len(lines)]
		if err := w.WriteRedacted(l, protocol.KindRecv); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
