package main

import (
	"context"
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"

	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/replay"
	"github.com/evtap/evtap/ui"
	"github.com/evtap/evtap/ui/shell"
)

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

func runReplay(ctx context.Context, path string, f replayFlags, speed float64, stdout, stderr io.Writer) error {
	headless := f.headless || (f.serve == "" && !interactive())
	if f.serve != "" {
		return runServe(ctx, path, f, speed, stderr)
	}
	p, err := replay.Open(ctx, path, replay.Options{
		Speed: speed, IdleLimit: f.idleLimit, StartPaused: f.paused && !headless, StayAtEnd: !headless,
	})
	if err != nil {
		return inputError{err} // a damaged or unknown file is bad input
	}
	defer p.Close()
	defer func() {
		for _, w := range p.Warnings() {
			fmt.Fprintln(stderr, "evtap: warning:", w)
		}
	}()
	if headless {
		// The recording was redacted when written; re-redacting would
		// only rename its placeholders.
		opts := record.Options{KeepSecrets: true}
		if f.jq != "" {
			flt, err := record.NewFilter(f.jq)
			if err != nil {
				return usagef("--filter: %v", err)
			}
			opts.Filter = flt
		}
		out := record.NewStream(stdout, opts)
		var werr error
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		// Lines are copied as recorded, never decoded and re-encoded:
		// the output is the recording's own bytes.
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
			return inputError{err}
		}
		return werr
	}
	title := "replay of " + path
	if h := p.Header(); h.Provider != "" {
		title += " (" + h.Provider + ", recorded " + h.Start.Local().Format("2006-01-02 15:04") + ")"
	}
	runErr, uiErr := showInTUI(ctx, p.Run, func(feed *shell.Feed) tea.Model {
		src := replaySource{Source: shell.NewSource(feed, p.Controls(), p.Do), p: p}
		return shell.New(src, shell.Options{Title: title, Keep: f.ui.keep, Theme: f.ui.chooseTheme()})
	})
	if runErr != nil {
		return inputError{runErr}
	}
	return uiErr
}

// runServe serves the recording to WebSocket clients until interrupted.
// Where it listens goes to stderr, so stdout stays free.
func runServe(ctx context.Context, path string, f replayFlags, speed float64, stderr io.Writer) error {
	err := replay.Serve(ctx, f.serve, path, replay.ServeOptions{Speed: speed, IdleLimit: f.idleLimit, Log: stderr},
		func(url string) {
			fmt.Fprintf(stderr, "evtap: serving %s to WebSocket clients at %s (ctrl+c stops)\n", path, url)
		})
	if err != nil {
		return inputError{err}
	}
	return nil
}
