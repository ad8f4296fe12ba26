package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/session"
	"github.com/evtap/evtap/ui"
)

// live is a running session as the wiring sees it: how to run it, how to
// steer it, and what a recording header says about it.
type live struct {
	provider string
	endpoint string   // for the recording header; redacted there
	secrets  []string // literal credentials to keep out of every output
	run      func(ctx context.Context, emit func(protocol.Update)) error
	do       func(protocol.Command) error
	controls protocol.Controls
	title    string // shown in the TUI header
}

// interactive reports whether a TUI may be opened: only when both stdin
// and stdout are terminals. evtap never opens /dev/tty behind a pipe.
func interactive() bool {
	return term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd())
}

func runLive(ctx context.Context, lf liveFlags, l live, stdout, stderr io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if lf.duration > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeout(ctx, lf.duration)
		defer stop()
	}
	opts := record.Options{KeepSecrets: lf.noRedact, Secrets: l.secrets}
	if lf.noRedact {
		fmt.Fprintln(stderr, "evtap: warning: --no-redact: tokens and keys will be written in clear")
	}
	rec := newRecording(l, opts)
	if lf.record != "" {
		if err := rec.start(lf.record); err != nil {
			return fmt.Errorf("--record: %w", err)
		}
	}
	defer func() {
		if err := rec.stop(); err != nil {
			fmt.Fprintln(stderr, "evtap: recording stopped early:", err)
		}
	}()

	if lf.headless || !interactive() {
		return runHeadless(ctx, cancel, lf, l, opts, rec, stdout)
	}
	return runTUI(ctx, lf.ui, l, rec)
}

// runHeadless prints every Update as a JSON line, the recording's own
// format, and ends on --count events, --duration, a signal or the end of
// the session.
func runHeadless(ctx context.Context, cancel context.CancelFunc, lf liveFlags, l live, opts record.Options, rec *recording, stdout io.Writer) error {
	if lf.jq != "" {
		f, err := record.NewFilter(lf.jq)
		if err != nil {
			return usagef("--jq: %v", err)
		}
		opts.Filter = f
	}
	out := record.NewStream(stdout, opts)
	q := newSpool()
	printed := make(chan error, 1)
	go func() {
		var err error
		events := 0
		q.drain(func(u protocol.Update) bool {
			if err = out.Write(u); err != nil {
				cancel() // stdout is gone: nobody is listening any more
				return false
			}
			if u.Kind == protocol.KindEvent {
				events++
				if lf.count > 0 && events >= lf.count {
					cancel()
					return false
				}
			}
			return true
		})
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		printed <- err
	}()
	err := l.run(ctx, func(u protocol.Update) {
		rec.write(u)
		q.put(u)
	})
	q.close()
	writeErr := <-printed
	if err != nil {
		return sessionExit(err)
	}
	if writeErr != nil {
		return fmt.Errorf("writing stdout: %w", writeErr)
	}
	return nil
}

// sessionExit gives a session's final error its documented exit code.
func sessionExit(err error) error {
	var rej *session.RejectedError
	switch {
	case errors.As(err, &rej):
		return exitError{exitRejected, err}
	case errors.Is(err, session.ErrGaveUp):
		return exitError{exitGaveUp, err}
	}
	return err
}

// recording is the recording of a live run: started by --record or from
// the TUI (CmdRecord), stopped from the TUI or at the end. It is safe for
// the session's goroutines and the UI to use at once.
type recording struct {
	header record.Header
	opts   record.Options

	mu     sync.Mutex
	w      *record.Writer
	path   string
	failed error
}

func newRecording(l live, opts record.Options) *recording {
	return &recording{
		header: record.Header{Provider: l.provider, Endpoint: l.endpoint, EvtapVersion: version},
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
	w, err := record.Create(path, h, r.opts)
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
	if r.w == nil {
		return
	}
	if err := r.w.Write(u); err != nil {
		r.failed = err
		r.stopLocked()
	}
}

// status is what the TUI's status line shows.
func (r *recording) status() ui.RecordingStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := ui.RecordingStatus{}
	if r.w != nil {
		st.Path, st.Written = r.path, r.w.Count()
	}
	if r.failed != nil {
		st.Err = r.failed.Error()
	}
	return st
}
