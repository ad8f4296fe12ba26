package ui

import (
	"context"
	"time"

	"github.com/evtap/evtap/protocol"
)

// Source is everything the UI watches and steers: a live session and a
// replay both satisfy it, and the UI cannot tell them apart except by the
// Controls they offer. The UI knows nothing of sockets or files.
type Source interface {
	// Next blocks until at least one Update is pending or ctx ends, then
	// returns every pending Update at once (one burst, so that the UI
	// renders once per burst, not once per event; shell.Feed hands out
	// at most one burst a frame) and how many Updates were skipped since
	// the last call because the UI fell behind. A burst is the caller's
	// until its next call. ok is false once the source has ended and
	// everything was returned.
	Next(ctx context.Context) (batch []protocol.Update, skipped int, ok bool)
	// Controls says which commands this source accepts.
	Controls() protocol.Controls
	// Do asks the source to act. It returns quickly: the outcome arrives
	// later as Updates. An error means the command was not accepted.
	Do(cmd protocol.Command) error
}

// Progress is what a replay source reports about its position. The UI
// polls it on its own clock when the Source also implements Progresser;
// a live session does not.
type Progress struct {
	Position time.Duration // recorded time reached
	Total    time.Duration // recorded length (known once indexed; 0 until then)
	Paused   bool
	Speed    float64   // 0 means as fast as possible
	Marks    []float64 // where state changes, gaps and markers sit, as fractions 0..1
	Done     bool      // every Update has been played
}

// Progresser is implemented by sources that play something recorded.
type Progresser interface {
	Progress() Progress
}

// RecordingStatus is what the status line says about recording.
type RecordingStatus struct {
	Path    string // the file being written; "" when not recording
	Written int    // Updates written so far
	Err     string // why recording stopped early, if it did
}

// Recorder is implemented by sources whose session can be recorded from
// the TUI (CmdRecord). The UI polls it on its own clock.
type Recorder interface {
	Recording() RecordingStatus
}
