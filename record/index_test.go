package record_test

import (
	"context"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/record/recordtest"
)

// The index finds the line at any time of the recording, and the marks
// (state changes, gaps, markers) in order.
func TestIndexSeeksByTime(t *testing.T) {
	in := recordtest.Session(1000)
	for _, name := range []string{"s.evtap", "s.evtap.gz"} {
		t.Run(name, func(t *testing.T) {
			path := writeRecording(t, name, in, record.Options{})
			ix, err := record.BuildIndex(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			if ix.Lines != len(in) || ix.First != in[0].Offset.Duration() || ix.Last != in[len(in)-1].Offset.Duration() {
				t.Fatalf("index: lines=%d first=%v last=%v", ix.Lines, ix.First, ix.Last)
			}
			var gap record.Point
			for _, m := range ix.Marks {
				if m.Kind == protocol.KindGap {
					gap = m
				}
			}
			if gap.N == 0 {
				t.Fatalf("no gap among the marks")
			}
			r, err := record.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			// Read past the gap, then seek back to just before it: the
			// reader comes back to the gap line.
			for i := 0; i < len(in)-5; i++ {
				r.NextLine()
			}
			p, _ := ix.Before(gap.Off)
			if err := r.SeekLine(p.Pos, p.N); err != nil {
				t.Fatal(err)
			}
			for {
				l, err := r.NextLine()
				if err != nil {
					t.Fatal(err)
				}
				if l.N == gap.N {
					if l.Kind != protocol.KindGap || l.Off != gap.Off {
						t.Errorf("line %d is %s at %v", l.N, l.Kind, l.Off)
					}
					break
				}
				if l.Off > gap.Off+time.Second {
					t.Fatalf("passed the gap without seeing it")
				}
			}
			next, ok := ix.NextMark(gap.N, protocol.KindMarker)
			if ok {
				t.Errorf("found a marker after the gap at line %d, but the only marker is before it", next.N)
			}
			if m, ok := ix.LastMark(gap.N, protocol.KindMarker); !ok || m.N > gap.N {
				t.Errorf("no marker before the gap")
			}
		})
	}
}
