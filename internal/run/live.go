package run

import (
	"context"
	"fmt"
	"io"
	"os"
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
	if o.Duration > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeout(ctx, o.Duration)
		defer stop()
	}
	opts := s.recordOptions(o.NoRedact, o.Force)
	if o.NoRedact {
		fmt.Fprintln(stderr, "evtap: warning: --no-redact: tokens and keys will be written in clear")
	}
	headlessRun := o.Headless || !Interactive()
	rec := newRecording(s, o.Version, opts)
	if headlessRun {
		// A recording that fails (a full disk) is said at once; behind
		// the TUI the status line says it, and stderr after it closes.
		rec.onError = func(err error) { fmt.Fprintln(stderr, "evtap: recording failed:", err) }
	}
	if o.Record != "" {
		if err := rec.start(o.Record); err != nil {
			return fmt.Errorf("--record: %w", forceHint(err))
		}
	}
	err := func() error {
		if headlessRun {
			if in := o.stdinFor(s); in != nil {
				go sendLines(ctx, in, s.Do, stderr)
			}
			return headless(ctx, cancel, o, s, opts, rec, stdout, stderr)
		}
		return liveTUI(ctx, o.TUI, s, rec)
	}()
	if rerr := rec.stop(); rerr != nil {
		if !headlessRun || !rec.reported {
			fmt.Fprintln(stderr, "evtap: recording stopped early:", rerr)
		}
		if err == nil {
			err = fmt.Errorf("the recording failed: %w", rerr)
		}
	}
	return err
}

// stdinFor is what a headless run of s sends lines from: stdin when the
// session asks for it and accepts frames by hand, else nil.
func (o LiveOptions) stdinFor(s Session) io.Reader {
	if s.SendStdin && s.Controls.Has(protocol.CmdSend) {
		return o.Stdin
	}
	return nil
}
