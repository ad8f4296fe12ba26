package run

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/evtap/evtap/protocol"
)

// LiveOptions are what the user chose for a live run, whatever the
// provider.
type LiveOptions struct {
	Headless bool          // JSON lines on stdout, no TUI
	Count    int           // end cleanly after this many events (0: no limit)
	Duration time.Duration // end cleanly after this long (0: no limit)
	Record   string        // record to this file from the start ("": not yet)
	NoRedact bool          // keep secrets in recordings and headless output
	Force    bool          // let --record (and R in the TUI) replace an existing file
	JQ       string        // headless: print only Updates this jq expression selects
	TUI      TUIOptions
	// Version is evtap's version, for recording headers.
	Version string
	// Stdin is where a headless run of a session that asks for it
	// (Session.SendStdin) reads the lines it sends; nil sends none.
	Stdin io.Reader
}

// Interactive reports whether a TUI may be opened: only when both stdin
// and stdout are terminals. evtap never opens /dev/tty behind a pipe.
func Interactive() bool {
	return term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd())
}

// Live runs s until it ends, the user quits, --count or --duration is
// reached or ctx ends: in the TUI, or headless when asked or when stdin
// or stdout is not a terminal. The session's final error keeps its
// meaning (see Rejected and GaveUp).
func Live(ctx context.Context, o LiveOptions, s Session, stdout, stderr io.Writer) error {
	if s.Close != nil {
		defer s.Close()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	headlessRun := o.Headless || !Interactive()
	if o.Duration > 0 && headlessRun {
		// Behind the TUI only the session stops (liveTUI), and the
		// screen stays to be read.
		var stop context.CancelFunc
		ctx, stop = context.WithTimeout(ctx, o.Duration)
		defer stop()
	}
	opts := s.recordOptions(o.NoRedact, o.Force)
	if o.NoRedact {
		fmt.Fprintln(stderr, "evtap: warning: --no-redact: tokens and keys will be written in clear")
	}
	rec := newRecording(s, o.Version, opts)
	// A recording that fails (a full disk) is said at once: on stderr
	// when stderr can take it (headless, or redirected from under the
	// TUI), and in the TUI's header. Said or not, the run exits 5.
	atOnce := headlessRun || !isTerminal(stderr)
	var told sync.Mutex
	said := false
	rec.report = func(err *RecordingError) {
		if !atOnce {
			return
		}
		told.Lock()
		defer told.Unlock()
		fmt.Fprintf(stderr, "evtap: %v; the session goes on\n", err)
		said = true
	}
	if o.Record != "" {
		if err := rec.start(o.Record); err != nil {
			if hint := forceHint(err); hint != err {
				return fmt.Errorf("--record: %w", hint)
			}
			return &RecordingError{Path: o.Record, Err: err}
		}
	}
	err := func() error {
		if headlessRun {
			if in := o.stdinFor(s); in != nil {
				go sendLines(ctx, in, s.Do, stderr)
			}
			return headless(ctx, cancel, o, s, opts, rec, stdout, stderr)
		}
		return liveTUI(ctx, o, s, rec)
	}()
	rec.stop()
	if lost := rec.lostErr(); lost != nil && err == nil {
		told.Lock()
		defer told.Unlock()
		if said {
			return saidError{lost} // the exit code still says it
		}
		return lost
	}
	return err
}

// isTerminal reports whether w is a terminal, where text would land in
// the middle of the TUI's screen.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// stdinFor is what a headless run of s sends lines from: stdin when the
// session asks for it and accepts frames by hand, else nil.
func (o LiveOptions) stdinFor(s Session) io.Reader {
	if s.SendStdin && s.Controls.Has(protocol.CmdSend) {
		return o.Stdin
	}
	return nil
}
