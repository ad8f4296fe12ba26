package run

import (
	"context"
	"fmt"
	"io"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/replay"
	"github.com/evtap/evtap/ui"
	"github.com/evtap/evtap/ui/shell"
)

// ReplayOptions are what the user chose for a replay.
type ReplayOptions struct {
	Headless  bool
	Speed     float64       // 0 plays as fast as possible
	IdleLimit time.Duration // shorten silences longer than this (0: keep them)
	Serve     string        // serve to WebSocket clients on this address instead of showing
	JQ        string        // headless: print only Updates this expression selects
	Paused    bool          // TUI: start paused
	TUI       TUIOptions
	// Describe says what the UI shows for the provider a recording
	// names; nil, or an unknown name, shows the generic words.
	Describe func(provider string) ui.Provider
}

// replaySource is a replay as the UI sees it: a Source that also reports
// its position.
type replaySource struct {
	ui.Source
	p *replay.Player
}

// Progress reports the position for the progress bar.
func (s replaySource) Progress() ui.Progress {
	pos, total, paused, speed, marks, done := s.p.Progress()
	return ui.Progress{Position: pos, Total: total, Paused: paused, Speed: speed, Marks: marks, Done: done}
}

// Replay plays the recording at path: in the TUI, headless (asked, or
// when stdin or stdout is not a terminal), or served to WebSocket clients.
// A file that is not a readable recording is an InputError.
func Replay(ctx context.Context, path string, o ReplayOptions, stdout, stderr io.Writer) error {
	if o.Serve != "" {
		return serve(ctx, path, o, stderr)
	}
	headless := o.Headless || !Interactive()
	p, err := replay.Open(ctx, path, replay.Options{
		Speed: o.Speed, IdleLimit: o.IdleLimit, StartPaused: o.Paused && !headless, StayAtEnd: !headless,
	})
	if err != nil {
		return InputError{err} // a damaged or unknown file is bad input
	}
	defer p.Close()
	defer func() {
		for _, w := range p.Warnings() {
			fmt.Fprintln(stderr, "evtap: warning:", w)
		}
	}()
	if headless {
		return replayHeadless(ctx, p, o, stdout)
	}
	h := p.Header()
	title := "replay of " + path
	if h.Provider != "" {
		title += " (" + h.Provider + ", recorded " + h.Start.Local().Format("2006-01-02 15:04") + ")"
	}
	var desc ui.Provider
	if o.Describe != nil {
		desc = o.Describe(h.Provider)
	}
	runErr, uiErr := showInTUI(ctx, p.Run, func(feed *shell.Feed) tea.Model {
		src := replaySource{Source: shell.NewSource(feed, p.Controls(), p.Do), p: p}
		return shell.New(src, shell.Options{Title: title, Keep: o.TUI.Keep, Theme: o.TUI.theme(), Provider: desc})
	})
	if runErr != nil {
		return InputError{runErr}
	}
	return uiErr
}

// replayHeadless copies the recorded lines to stdout on the replay clock.
func replayHeadless(ctx context.Context, p *replay.Player, o ReplayOptions, stdout io.Writer) error {
	// The recording was redacted when written; re-redacting would only
	// rename its placeholders.
	opts := record.Options{KeepSecrets: true}
	if o.JQ != "" {
		flt, err := record.NewFilter(o.JQ)
		if err != nil {
			return Usagef("--filter: %v", err)
		}
		opts.Filter = flt
	}
	out := record.NewStream(stdout, opts)
	var werr error
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Lines are copied as recorded, never decoded and re-encoded: the
	// output is the recording's own bytes.
	err := p.RunLines(ctx, func(line []byte) error {
		if werr = out.WriteLine(line); werr != nil {
			cancel()
		}
		return werr
	})
	if cerr := out.Close(); werr == nil {
		werr = cerr
	}
	if err != nil {
		return InputError{err}
	}
	return werr
}

// serve serves the recording to WebSocket clients until interrupted.
// Where it listens goes to stderr, so stdout stays free.
func serve(ctx context.Context, path string, o ReplayOptions, stderr io.Writer) error {
	err := replay.Serve(ctx, o.Serve, path, replay.ServeOptions{Speed: o.Speed, IdleLimit: o.IdleLimit, Log: stderr},
		func(url string) {
			fmt.Fprintf(stderr, "evtap: serving %s to WebSocket clients at %s (ctrl+c stops)\n", path, url)
		})
	if err != nil {
		return InputError{err}
	}
	return nil
}
