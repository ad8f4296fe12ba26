package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/themes"
	"github.com/evtap/evtap/ui"
	"github.com/evtap/evtap/ui/shell"
)

// TUIOptions shape the TUI.
type TUIOptions struct {
	Theme string // dark, light, high-contrast, mono; "" follows the terminal
	Keep  int    // events kept on screen; the oldest are evicted
}

// liveSource is a live session as the UI sees it: the feed of its
// Updates, its commands, and the recording the run owns.
type liveSource struct {
	ui.Source
	rec *recording
}

// Recording reports the recording for the status line.
func (s liveSource) Recording() ui.RecordingStatus { return s.rec.status() }

// liveTUI runs the session behind the TUI until the user quits or the
// session ends, and returns the session's own error (so a rejection still
// exits 3 after the user has read it on screen). --count and --duration
// end the session, not the TUI: the screen stays, saying why, until the
// user quits.
func liveTUI(ctx context.Context, o LiveOptions, s Session, rec *recording) error {
	do := func(cmd protocol.Command) error {
		if cmd.Kind == protocol.CmdRecord {
			if cmd.Text == "" {
				return rec.stop()
			}
			return rec.start(cmd.Text)
		}
		return s.Do(cmd)
	}
	controls := protocol.Controls{protocol.CmdRecord: true}
	for k, v := range s.Controls {
		controls[k] = v
	}
	lim := &limited{s: s, o: o, rec: rec}
	runErr, uiErr := showInTUI(ctx, shell.NewFeed(feedLimit), lim.run, func(feed *shell.Feed) tea.Model {
		src := liveSource{Source: shell.NewSource(feed, controls, do), rec: rec}
		p := s.UI
		p.Redact = screenRedact(rec.opts)
		return shell.New(src, shell.Options{Title: s.Title, Keep: o.TUI.Keep, Theme: o.TUI.theme(), Provider: p, Faults: s.Faults, Ended: lim.why})
	})
	if runErr != nil {
		return runErr
	}
	return uiErr
}

// limited runs a session for the TUI within --count and --duration:
// reaching either ends the session (not the TUI, whose screen stays to
// be read) and says why. Every Update is recorded.
type limited struct {
	s     Session
	o     LiveOptions
	rec   *recording
	ended atomic.Pointer[string]
}

// run runs the session into emit until a limit, ctx or the session ends
// it. The screen gets exactly --count events, as headless prints them.
func (l *limited) run(ctx context.Context, emit func(protocol.Update)) error {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	session := ctx
	if l.o.Duration > 0 {
		var stopClock context.CancelFunc
		session, stopClock = context.WithTimeout(ctx, l.o.Duration)
		defer stopClock()
	}
	events := 0
	err := l.s.Run(session, func(u protocol.Update) {
		l.rec.write(u)
		if u.Kind == protocol.KindEvent && l.o.Count > 0 {
			if events >= l.o.Count {
				return
			}
			if events++; events == l.o.Count {
				l.end(fmt.Sprintf("--count %d reached", l.o.Count))
				stop()
			}
		}
		emit(u)
	})
	if ctx.Err() == nil && errors.Is(session.Err(), context.DeadlineExceeded) {
		l.end(fmt.Sprintf("--duration %s reached", l.o.Duration))
	}
	return err
}

func (l *limited) end(why string) { l.ended.Store(&why) }

// why says which limit ended the session, "" when none did.
func (l *limited) why() string {
	if why := l.ended.Load(); why != nil {
		return *why
	}
	return ""
}

// showInTUI runs run (a session or a replay) into feed, which the TUI
// built by model reads, until the user quits or run ends. It returns
// run's own error and the TUI's.
func showInTUI(ctx context.Context, feed *shell.Feed, run func(context.Context, func(protocol.Update)) error, model func(*shell.Feed) tea.Model) (runErr, uiErr error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, feed.Push)
		feed.Close()
		done <- err
	}()
	prog := tea.NewProgram(model(feed))
	// A signal ends the TUI as q does, not by cancelling the program's
	// context: Bubble Tea then closes the terminal's reader while its
	// goroutine still reads it (a data race), and skips the last frame.
	// A TUI that does not take the quit in time is stopped regardless.
	ended := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			prog.Quit()
			select {
			case <-ended:
			case <-time.After(quitGrace):
				prog.Kill()
			}
		case <-ended:
		}
	}()
	_, uiErr = prog.Run()
	close(ended)
	// Asked before our own cancel: a signal ending the program is no
	// failure, but a TUI that could not run is.
	interrupted := ctx.Err() != nil
	cancel()
	runErr = <-done
	if interrupted {
		uiErr = nil
	}
	return runErr, uiErr
}

// quitGrace is how long a TUI told to quit by a signal has to do so
// before it is stopped.
const quitGrace = 2 * time.Second

// feedLimit is how far the screen may fall behind before event rows are
// skipped (and counted); state changes are never skipped.
const feedLimit = 50000

// theme picks the TUI's colours: --theme, else mono under NO_COLOR, else
// after the terminal's background (asked only when it matters).
func (o TUIOptions) theme() themes.Theme {
	noColor := os.Getenv("NO_COLOR")
	dark := true
	if o.Theme == "" && noColor == "" {
		dark = lipgloss.HasDarkBackground(os.Stdin, os.Stdout)
	}
	th, err := themes.Choose(o.Theme, noColor, dark)
	if err != nil { // the flag was validated already; be safe anyway
		th, _ = themes.ByName("mono")
	}
	return th
}
