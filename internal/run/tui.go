package run

import (
	"context"
	"os"

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
// exits 3 after the user has read it on screen).
func liveTUI(ctx context.Context, o TUIOptions, s Session, rec *recording) error {
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
	run := func(ctx context.Context, emit func(protocol.Update)) error {
		return s.Run(ctx, func(u protocol.Update) {
			rec.write(u)
			emit(u)
		})
	}
	runErr, uiErr := showInTUI(ctx, run, func(feed *shell.Feed) tea.Model {
		src := liveSource{Source: shell.NewSource(feed, controls, do), rec: rec}
		p := s.UI
		p.Redact = screenRedact(rec.opts)
		return shell.New(src, shell.Options{Title: s.Title, Keep: o.Keep, Theme: o.theme(), Provider: p, Faults: s.Faults})
	})
	if runErr != nil {
		return runErr
	}
	return uiErr
}

// showInTUI runs run (a session or a replay) into a feed the TUI built by
// model reads, until the user quits or run ends. It returns run's own
// error and the TUI's.
func showInTUI(ctx context.Context, run func(context.Context, func(protocol.Update)) error, model func(*shell.Feed) tea.Model) (runErr, uiErr error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	feed := shell.NewFeed(feedLimit)
	done := make(chan error, 1)
	go func() {
		err := run(ctx, feed.Push)
		feed.Close()
		done <- err
	}()
	_, uiErr = tea.NewProgram(model(feed), tea.WithContext(ctx)).Run()
	// Asked before our own cancel: a signal or --duration ending the
	// program is no failure, but a TUI that could not run is.
	interrupted := ctx.Err() != nil
	cancel()
	runErr = <-done
	if interrupted {
		uiErr = nil
	}
	return runErr, uiErr
}

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
