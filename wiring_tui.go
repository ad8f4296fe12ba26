package main

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

// liveSource is a live session as the UI sees it: the feed of its
// Updates, its commands, and the recording the wiring owns.
type liveSource struct {
	ui.Source
	rec *recording
}

// Recording reports the recording for the status line.
func (s liveSource) Recording() ui.RecordingStatus { return s.rec.status() }

// runTUI runs the session behind the TUI until the user quits or the
// session ends, and returns the session's own error (so a rejection still
// exits 3 after the user has read it on screen).
func runTUI(ctx context.Context, f uiFlags, l live, rec *recording) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	feed := shell.NewFeed(feedLimit)
	do := func(cmd protocol.Command) error {
		if cmd.Kind == protocol.CmdRecord {
			if cmd.Text == "" {
				return rec.stop()
			}
			return rec.start(cmd.Text)
		}
		return l.do(cmd)
	}
	controls := protocol.Controls{protocol.CmdRecord: true}
	for k, v := range l.controls {
		controls[k] = v
	}
	src := liveSource{Source: shell.NewSource(feed, controls, do), rec: rec}
	runErr := make(chan error, 1)
	go func() {
		err := l.run(ctx, func(u protocol.Update) {
			rec.write(u)
			feed.Push(u)
		})
		feed.Close()
		runErr <- err
	}()
	p := tea.NewProgram(shell.New(src, shell.Options{Title: l.title, Keep: f.keep, Theme: f.chooseTheme()}), tea.WithContext(ctx))
	_, uiErr := p.Run()
	cancel()
	if err := <-runErr; err != nil {
		return sessionExit(err)
	}
	if uiErr != nil && ctx.Err() == nil {
		return uiErr
	}
	return nil
}

// feedLimit is how far the screen may fall behind before event rows are
// skipped (and counted); state changes are never skipped.
const feedLimit = 50000

// theme picks the TUI's colours: --theme, else mono under NO_COLOR, else
// after the terminal's background (asked only when it matters).
func (f uiFlags) chooseTheme() themes.Theme {
	noColor := os.Getenv("NO_COLOR")
	dark := true
	if f.theme == "" && noColor == "" {
		dark = lipgloss.HasDarkBackground(os.Stdin, os.Stdout)
	}
	th, err := themes.Choose(f.theme, noColor, dark)
	if err != nil { // the flag was validated already; be safe anyway
		th, _ = themes.ByName("mono")
	}
	return th
}
