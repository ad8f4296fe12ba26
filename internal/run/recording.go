package run

import (
	"sync"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/ui"
)

// recording is the recording tap of a live run: started by --record or
// from the TUI (CmdRecord), stopped from the TUI or at the end. It is
// safe for the session's goroutines and the UI to use at once.
type recording struct {
	header record.Header
	opts   record.Options
	// onError, when set, is told at once that the file can no longer be
	// written.
	onError func(error)

	mu       sync.Mutex
	w        *record.Writer
	path     string
	failed   error
	reported bool   // onError has been told
	url      string // the socket URL in force, for the header of a recording started late
}

func newRecording(s Session, version string, opts record.Options) *recording {
	return &recording{
		header: record.Header{Provider: s.Provider, Endpoint: s.Endpoint, EvtapVersion: version},
		opts:   opts,
	}
}

// start begins recording to path, ending any recording under way.
func (r *recording) start(path string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopLocked()
	h := r.header
	h.Start = time.Now()
	h.URL = r.url
	o := r.opts
	o.OnError = func(err error) {
		r.mu.Lock()
		r.reported = r.onError != nil
		r.mu.Unlock()
		if r.onError != nil {
			r.onError(err)
		}
	}
	w, err := record.Create(path, h, o)
	if err != nil {
		return err
	}
	r.w, r.path, r.failed = w, path, nil
	return nil
}

// stop ends the recording under way, if any, and says why it ended early
// if it did.
func (r *recording) stop() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopLocked()
}

func (r *recording) stopLocked() error {
	if r.w == nil {
		return r.failed
	}
	if err := r.w.Close(); r.failed == nil {
		r.failed = err
	}
	r.w = nil
	return r.failed
}

// write records u; after the first failure (a full disk) it stops
// recording, and the session goes on.
func (r *recording) write(u protocol.Update) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if u.State != nil && u.State.URL != "" {
		r.url = u.State.URL
	}
	if r.w == nil {
		return
	}
	if err := r.w.Write(u); err != nil {
		r.failed = err
		r.stopLocked()
	}
}

// writeRedacted records a line headless output encoded and redacted with
// the recording's own options (Options.Tee), so that an Update is not
// encoded and redacted twice; after the first failure it stops
// recording, as write does.
func (r *recording) writeRedacted(line []byte, kind protocol.Kind) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.w == nil {
		return
	}
	if err := r.w.WriteRedacted(line, kind); err != nil {
		r.failed = err
		r.stopLocked()
	}
}

// status is what the TUI's status line shows.
func (r *recording) status() ui.RecordingStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := ui.RecordingStatus{}
	failed := r.failed
	if r.w != nil {
		st.Path, st.Written = r.path, r.w.Count()
		if failed == nil {
			failed = r.w.Err() // a failure the next write would find
		}
	}
	if failed != nil {
		st.Err = failed.Error()
	}
	return st
}
