package replay

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/evtap/evtap/record"
)

// BenchmarkHeadlessReplay is `evtap replay FILE --headless --speed max`:
// every line read, timed (at max speed: not waited) and copied to the
// output writer. BenchmarkReadLinesBaseline is the bare reader on the
// same file in the same run; the ratio between them is the player's cost.
func BenchmarkHeadlessReplay(b *testing.B) {
	path := writeRecordingB(b, 200000)
	b.ResetTimer()
	lines := 0
	for lines < b.N {
		p, err := Open(context.Background(), path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		out := record.NewStream(io.Discard, record.Options{KeepSecrets: true})
		p.RunLines(context.Background(), func(l []byte) error {
			lines++
			return out.WriteLine(l)
		})
		out.Close()
		p.Close()
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
}

func BenchmarkReadLinesBaseline(b *testing.B) {
	path := writeRecordingB(b, 200000)
	b.ResetTimer()
	lines := 0
	for lines < b.N {
		r, err := record.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.NextLine(); errors.Is(err, io.EOF) {
				break
			}
			lines++
		}
		r.Close()
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
}

func writeRecordingB(b *testing.B, n int) string { b.Helper(); return writeRecordingTB(b, n) }
