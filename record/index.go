package record

import (
	"context"
	"errors"
	"io"
	"sort"
	"time"

	"github.com/evtap/evtap/protocol"
)

// checkpointEvery is how many lines lie between two index checkpoints: a
// seek reads at most this many lines forward from the nearest one, and
// the index holds 1/checkpointEvery of the file's line count in memory.
const checkpointEvery = 64

// Point is a place in a recording: a line and its Update's offset.
type Point struct {
	Pos  int64         // byte offset of the line
	N    int           // line number
	Off  time.Duration // the Update's offset
	Kind protocol.Kind
}

// Index locates lines by time in one recording. Build it with
// BuildIndex; it is read-only afterwards and safe for concurrent use.
type Index struct {
	Lines int           // Update lines (the header is not counted)
	First time.Duration // offset of the first Update
	Last  time.Duration // offset of the last Update
	// Marks are the state, gap, marker and subscription lines, in order:
	// what a progress bar shows and what seeking to the next change uses.
	Marks []Point
	// Damaged are the numbers of the damaged lines skipped.
	Damaged     []int
	checkpoints []Point
}

// IsMark reports whether Updates of kind k are kept in Index.Marks.
func IsMark(k protocol.Kind) bool {
	switch k {
	case protocol.KindState, protocol.KindGap, protocol.KindMarker, protocol.KindSubscription:
		return true
	}
	return false
}

// BuildIndex reads the recording at path once, without decoding its
// Updates. A torn last line is ignored as the Reader ignores it; damaged
// lines are skipped and listed in Damaged; an error that stops reading
// returns the index of everything before it with the error.
func BuildIndex(ctx context.Context, path string) (*Index, error) {
	r, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	ix := &Index{}
	for {
		if ix.Lines%4096 == 0 && ctx.Err() != nil {
			return ix, ctx.Err()
		}
		l, err := r.NextLine()
		if errors.Is(err, io.EOF) {
			return ix, nil
		}
		var le *LineError
		if errors.As(err, &le) {
			ix.Damaged = append(ix.Damaged, le.N)
			continue
		}
		if err != nil {
			return ix, err
		}
		p := Point{Pos: l.Pos, N: l.N, Off: l.Off, Kind: l.Kind}
		if ix.Lines == 0 {
			ix.First = l.Off
		}
		if ix.Lines%checkpointEvery == 0 {
			ix.checkpoints = append(ix.checkpoints, p)
		}
		if IsMark(l.Kind) {
			ix.Marks = append(ix.Marks, p)
		}
		if l.Off > ix.Last {
			ix.Last = l.Off
		}
		ix.Lines++
	}
}

// Start is the first line, where a replay starts over; ok is false for
// an empty recording.
func (ix *Index) Start() (Point, bool) {
	if len(ix.checkpoints) == 0 {
		return Point{}, false
	}
	return ix.checkpoints[0], true
}

// Duration is the recorded length.
func (ix *Index) Duration() time.Duration { return ix.Last - ix.First }

// Before returns the checkpoint at or before offset off, from which a
// reader reads forward to reach off. ok is false for an empty recording.
func (ix *Index) Before(off time.Duration) (p Point, ok bool) {
	if len(ix.checkpoints) == 0 {
		return Point{}, false
	}
	i := sort.Search(len(ix.checkpoints), func(i int) bool { return ix.checkpoints[i].Off > off })
	if i > 0 {
		i--
	}
	return ix.checkpoints[i], true
}

// NextMark returns the first mark of kind k (any mark kind when k is "")
// strictly after line n.
func (ix *Index) NextMark(n int, k protocol.Kind) (Point, bool) {
	i := sort.Search(len(ix.Marks), func(i int) bool { return ix.Marks[i].N > n })
	for ; i < len(ix.Marks); i++ {
		if k == "" || ix.Marks[i].Kind == k {
			return ix.Marks[i], true
		}
	}
	return Point{}, false
}

// LastMark returns the last mark of kind k at or before line n: the
// state in force at that point, for example.
func (ix *Index) LastMark(n int, k protocol.Kind) (Point, bool) {
	i := sort.Search(len(ix.Marks), func(i int) bool { return ix.Marks[i].N > n })
	for i--; i >= 0; i-- {
		if ix.Marks[i].Kind == k {
			return ix.Marks[i], true
		}
	}
	return Point{}, false
}
