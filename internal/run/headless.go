package run

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/replay"
)

// Headless output is the recording's lines on stdout: one JSON object per
// Update, redacted, written through record's stream (the same encoder as
// a recording), optionally through a jq program (--jq, jq.go). Lines
// are buffered and written in batches — when the encoder has caught up
// with the session, and at least every record.DefaultFlushEvery — never
// one write per line; spool.go says how a slow stdout is absorbed.

// batchFlushEvery is how often the encoder hands what it has to stdout
// while the session is busy; between bursts it hands it at once.
const batchFlushEvery = 2 * time.Millisecond

// Why a headless run stops by itself (context.Cause tells them from a
// signal).
var (
	errCountReached = errors.New("--count reached")
	errStdoutGone   = errors.New("stdout is gone")
	errTooSlow      = errors.New("stdout cannot keep up")
)

// headless prints every Update as a JSON line, the recording's own
// format, and ends on --count events, --duration, a signal, the end of
// the session, or a full spool (spool.go). Lines a --jq program fails on
// are reported on stderr, and the run goes on.
func headless(ctx context.Context, _ context.CancelFunc, o LiveOptions, s Session, opts record.Options, rec *recording, stdout, stderr io.Writer) error {
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	opts.Batch = true
	if o.JQ != "" {
		prog, err := compileJQ(ctx, "--jq", o.JQ)
		if err != nil {
			return err
		}
		defer prog.close()
		opts.Filter = prog
	}
	// A recording started with the run (--record) shares its options
	// with this output: it takes the lines as they are redacted here
	// rather than encoding and redacting every Update again.
	tee := o.Record != ""
	teed := false // whether the Update being written reached the recording
	if tee {
		opts.Tee = func(line []byte, kind protocol.Kind) {
			teed = true
			rec.writeRedacted(line, kind)
		}
	}
	sp := newOutSpool(stdout, limits.mem, limits.disk)
	out := record.NewStream(sp, opts)
	var stopErr error // why the run stopped itself with an error; read after printed
	q := newSpool(limits.updates)
	printed := make(chan struct{})
	go func() {
		defer close(printed)
		events := 0
		last := time.Now()
		// Once printing stops (a signal, --count, stdout gone), what the
		// session still emits goes on into the recording, which takes
		// every Update whatever stdout does: with the tee it got them
		// through printing, now it encodes them itself.
		printing := true
		// After --count events, or a signal, the session is stopped, and
		// what it says as it ends (down to its closed state) is printed
		// too, so a reader of the output knows the stream ended; events
		// beyond that point are not printed. (The spool still gives
		// stdout only its grace period after a signal.)
		counted := false
		q.drain(func(batch []protocol.Update) bool {
			if printing && !counted && interrupted(ctx) {
				counted = true
			}
			for _, u := range batch {
				if !printing || counted && u.Kind == protocol.KindEvent {
					if tee {
						rec.write(u)
					}
					continue
				}
				teed = false
				if err := out.Write(u); err != nil {
					if tee && !teed {
						rec.write(u) // the stream failed before it could take it
					}
					var je *jqError
					if errors.Is(err, errJQInterrupted) {
						printing = false // a signal: the run is ending
						continue
					}
					if !errors.As(err, &je) {
						stopErr = err
						stop(errStdoutGone)
						printing = false
						continue
					}
					// The program failed on this line: said, and the
					// event still counts towards --count.
					fmt.Fprintln(stderr, "evtap:", je)
				}
				if u.Kind == protocol.KindEvent {
					events++
					if o.Count > 0 && events >= o.Count && !counted {
						stop(errCountReached)
						counted = true
					}
				}
			}
			if now := time.Now(); now.Sub(last) >= batchFlushEvery {
				out.Flush()
				last = now
			}
			return true
		})
	}()
	err := s.Run(ctx, func(u protocol.Update) {
		if !tee {
			rec.write(u)
		}
		q.put(u)
	})
	q.close()
	<-printed
	if cerr := out.Close(); stopErr == nil && !errors.Is(cerr, errInterrupted) {
		stopErr = cerr
	}
	werr := sp.finish(interruptOf(ctx), limits.grace, limits.stall)
	if interrupted(ctx) {
		if werr != nil {
			fmt.Fprintln(stderr, "evtap:", werr)
		}
		return err
	}
	if err != nil {
		return err
	}
	switch {
	case errors.Is(stopErr, errSpoolFull):
		return fmt.Errorf("%w: %v; stopped (see \"When stdout is slow\" in the README)", errTooSlow, stopErr)
	case stopErr != nil:
		return fmt.Errorf("writing stdout: %w", stopErr)
	case werr != nil:
		return fmt.Errorf("writing stdout: %w", werr)
	}
	return nil
}

// interrupted reports a run ended from outside (a signal), as opposed to
// one that stopped itself (--count, stdout gone, a full spool) or ran
// out of --duration.
func interrupted(ctx context.Context) bool {
	return ctx.Err() != nil && errors.Is(context.Cause(ctx), context.Canceled)
}

// interruptOf is closed once ctx is interrupted (see interrupted).
func interruptOf(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{})
	if interrupted(ctx) {
		close(ch)
		return ch
	}
	go func() {
		<-ctx.Done()
		if interrupted(ctx) {
			close(ch)
		}
	}()
	return ch
}

// replayHeadless writes the replay's lines to stdout on the replay clock:
// recorded lines as they are, derived ones encoded as the live run did,
// through the --filter (or --jq) program. A slow stdout holds the replay
// back (nothing is lost and nothing waits on the network), and a signal
// ends it at once.
func replayHeadless(ctx context.Context, p *replay.Player, o ReplayOptions, stdout, stderr io.Writer) error {
	// The recording was redacted when written; re-redacting would only
	// cost time.
	opts := record.Options{KeepSecrets: true, Batch: true}
	if o.JQ != "" {
		prog, err := compileJQ(ctx, "--filter", o.JQ)
		if err != nil {
			return err
		}
		defer prog.close()
		opts.Filter = prog
	}
	sp := newOutSpool(stdout, limits.mem, 0)
	// A signal must not wait for a stdout that takes nothing.
	stopWaiting := context.AfterFunc(ctx, sp.stopWaiting)
	defer stopWaiting()
	out := record.NewStream(sp, opts)
	var werr error
	err := p.RunLines(ctx, func(kind protocol.Kind, line []byte) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if werr = out.WriteLineKind(line, kind); werr != nil {
			var je *jqError
			if errors.Is(werr, errJQInterrupted) {
				return werr // a signal: the replay is ending
			}
			if errors.As(werr, &je) {
				fmt.Fprintln(stderr, "evtap:", je)
				werr = nil
				return nil
			}
			return werr
		}
		if o.Speed != 0 {
			werr = out.Flush() // at the recorded pace, each line shows when it happens
		}
		return werr
	})
	if cerr := out.Close(); werr == nil {
		werr = cerr
	}
	if ferr := sp.finish(interruptOf(ctx), limits.grace, limits.stall); werr == nil || errors.Is(werr, errInterrupted) {
		werr = ferr
	}
	if ctx.Err() != nil {
		if werr != nil {
			fmt.Fprintln(stderr, "evtap:", werr)
		}
		return nil // interrupted: not a failure of the file
	}
	if err != nil && err != werr {
		return InputError{err}
	}
	return werr
}
