package run

import (
	"slices"
	"sync"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/ui"
)

// recording is the recording tap of a live run: started by --record or
// from the TUI (CmdRecord), stopped from the TUI or at the end. It is
// safe for the session's goroutines and the UI to use at once.
//
// It follows the session as it goes (the last state, the subscriptions
// in force), so that a recording started halfway begins with a snapshot
// of them and its replay does not open on empty panes.
type recording struct {
	header record.Header
	opts   record.Options
	// report, when set, is told at once, and once per file, that a
	// recording could no longer be written.
	report func(*RecordingError)

	mu     sync.Mutex
	w      *record.Writer
	path   string
	failed *RecordingError // why the recording under way (or the last one) stopped early
	lost   *RecordingError // the first recording of the run that failed: the run exits non-zero
	told   bool            // report was told of failed
	tellng sync.WaitGroup  // reports under way

	snap snapshot
}

// snapshot is what the session has said so far that a recording started
// now would otherwise lack: where it stands and what it is subscribed to.
type snapshot struct {
	one     bool            // a new subscription replaces the last (ui.Provider.OneSubscription)
	last    protocol.Update // the newest Update seen, for the snapshot's time
	state   *protocol.State // the last state, with URL, Info, Context and Recovery from the last that gave them
	conn    int
	subs    []protocol.Subscription // in force, in the order first reported
	started bool                    // anything was seen
}

func newRecording(s Session, version string, opts record.Options) *recording {
	return &recording{
		header: record.Header{Provider: s.Provider, Endpoint: s.Endpoint, EvtapVersion: version},
		opts:   opts,
		snap:   snapshot{one: s.UI.OneSubscription},
	}
}

// start begins recording to path, ending any recording under way. A
// recording started after the session began opens with a snapshot of
// the session: its subscriptions and its last state.
func (r *recording) start(path string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopLocked()
	h := r.header
	h.Start = time.Now()
	if r.snap.state != nil {
		h.URL = r.snap.state.URL
	}
	o := r.opts
	o.OnError = func(err error) { r.fail(path, err) }
	w, err := record.Create(path, h, o)
	if err != nil {
		return err
	}
	r.w, r.path, r.failed, r.told = w, path, nil, false
	for _, u := range r.snap.updates() {
		if err := w.Write(u); err != nil {
			r.failLocked(path, err)
			return nil // said at once, like any later failure
		}
	}
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
		return r.errLocked()
	}
	if err := r.w.Close(); err != nil {
		r.noteLocked(r.path, err)
	}
	r.w = nil
	return r.errLocked()
}

// errLocked is the failure of the current (or last) recording, as an
// error, or nil.
func (r *recording) errLocked() error {
	if r.failed == nil {
		return nil
	}
	return r.failed
}

// lostErr is the first failure of any recording of the run, or nil,
// once every report of a failure has been made.
func (r *recording) lostErr() error {
	r.tellng.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lost == nil {
		return nil
	}
	return r.lost
}

// write records u; after the first failure (a full disk) it stops
// recording, and the session goes on.
func (r *recording) write(u protocol.Update) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.snap.follow(u)
	if r.w == nil {
		return
	}
	if err := r.w.Write(u); err != nil {
		r.failLocked(r.path, err)
	}
}

// fail is the Writer's OnError: the file can no longer be written.
func (r *recording) fail(path string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if path == r.path {
		r.failLocked(path, err)
	}
}

// failLocked stops the recording at its first failure and tells report,
// once per file.
func (r *recording) failLocked(path string, err error) {
	r.noteLocked(path, err)
	if r.w != nil && path == r.path {
		r.w.Close()
		r.w = nil
	}
	if r.report != nil && !r.told {
		r.told = true
		r.tellng.Add(1)
		go func(err *RecordingError) { // never under our lock: it may print, or ask for status
			defer r.tellng.Done()
			r.report(err)
		}(r.failed)
	}
}

// noteLocked keeps the first failure of the file at path.
func (r *recording) noteLocked(path string, err error) {
	if r.failed == nil {
		r.failed = &RecordingError{Path: path, Err: err}
	}
	if r.lost == nil {
		r.lost = r.failed
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
		r.failLocked(r.path, err)
	}
}

// status is what the TUI's status line shows.
func (r *recording) status() ui.RecordingStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := ui.RecordingStatus{}
	if r.w != nil {
		st.Path, st.Written = r.path, r.w.Count()
		if err := r.w.Err(); err != nil { // a failure the next write would find
			st.Err = err.Error()
		}
	}
	if r.failed != nil {
		st.Err = r.failed.Error()
	}
	return st
}

// follow takes in what u says of the session.
func (s *snapshot) follow(u protocol.Update) {
	s.last, s.started = u, true
	switch {
	case u.Kind == protocol.KindState && u.State != nil:
		st := *u.State
		if prev := s.state; prev != nil {
			if st.URL == "" {
				st.URL = prev.URL
			}
			if len(st.Info) == 0 {
				st.Info = prev.Info
			}
			if len(st.Context) == 0 {
				st.Context = prev.Context
			}
			if st.Recovery == nil {
				st.Recovery = prev.Recovery
			}
		}
		s.state, s.conn = &st, u.Conn
	case u.Kind == protocol.KindSubscription && u.Subscription != nil && u.Subscription.Error == nil:
		sub := *u.Subscription
		i := slices.IndexFunc(s.subs, func(x protocol.Subscription) bool { return x.ID == sub.ID })
		switch {
		case sub.Status == "Removed":
			if i >= 0 {
				s.subs = slices.Delete(s.subs, i, i+1)
			}
		case i >= 0:
			s.subs[i] = sub
		case s.one:
			s.subs = append(s.subs[:0], sub)
		default:
			s.subs = append(s.subs, sub)
		}
	}
}

// updates is the snapshot as Updates, all at the moment of the newest
// Update seen: the subscriptions first, then the state. They come before
// any frame of the new file, which is how a replay knows them for a
// snapshot to play as recorded rather than derive again (see
// docs/recording-format.md).
func (s *snapshot) updates() []protocol.Update {
	if !s.started {
		return nil
	}
	at := func(u protocol.Update) protocol.Update {
		u.Time, u.Offset, u.Conn = s.last.Time, s.last.Offset, s.conn
		return u
	}
	var out []protocol.Update
	for i := range s.subs {
		sub := s.subs[i]
		out = append(out, at(protocol.Update{Kind: protocol.KindSubscription, Subscription: &sub}))
	}
	if s.state != nil {
		st := *s.state
		out = append(out, at(protocol.Update{Kind: protocol.KindState, State: &st}))
	}
	return out
}
