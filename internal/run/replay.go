package run

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/evtap/evtap/protocol"
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
	AtEnd     replay.AtEnd  // --serve: what happens after the last frame
	JQ        string        // headless: print only Updates this expression selects
	Paused    bool          // TUI: start paused
	TUI       TUIOptions
	// Describe says what the UI shows for the provider a recording
	// names; nil, or an unknown name, shows the generic words.
	Describe func(provider string) ui.Provider
	// Decoder makes the decoder of the provider a recording names, or
	// nil: the recorded Updates then play as they are.
	Decoder func(provider string) protocol.Decoder
	// Responder makes the --serve responder of the provider a
	// recording names, or nil.
	Responder func(provider string) replay.Responder
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
// A file that is not a readable recording is an InputError, and so is
// one with damaged lines, once everything readable has played.
func Replay(ctx context.Context, path string, o ReplayOptions, stdout, stderr io.Writer) error {
	if o.Serve != "" {
		return serve(ctx, path, o, stderr)
	}
	headless := o.Headless || !Interactive()
	// Damaged lines and torn ends are said on stderr at once when
	// headless; behind the TUI they are said on screen as they are met,
	// and on stderr after it closes, each once however often a seek back
	// met it again.
	var warnMu sync.Mutex
	var later []string
	warn := func(msg string) {
		if headless {
			fmt.Fprintln(stderr, "evtap: warning:", msg)
			return
		}
		warnMu.Lock()
		if !slices.Contains(later, msg) {
			later = append(later, msg)
		}
		warnMu.Unlock()
	}
	// The TUI's feed exists before the player, which tells it to forget
	// everything when a seek back makes the replay start over.
	feed := shell.NewFeed(feedLimit)
	opts := replay.Options{
		Speed: o.Speed, IdleLimit: o.IdleLimit, StartPaused: o.Paused && !headless, StayAtEnd: !headless,
		Unsteered: headless, Decoder: o.decoder(), Warn: warn,
	}
	if !headless {
		opts.Reset = feed.Reset
	}
	p, err := replay.Open(ctx, path, opts)
	if err != nil {
		return InputError{err} // a damaged or unknown file is bad input
	}
	defer p.Close()
	err = func() error {
		if headless {
			return replayHeadless(ctx, p, o, stdout, stderr)
		}
		return replayTUI(ctx, path, p, feed, o)
	}()
	warnMu.Lock()
	for _, msg := range later {
		fmt.Fprintln(stderr, "evtap: warning:", msg)
	}
	warnMu.Unlock()
	if err == nil && p.Damaged() > 0 {
		err = InputError{fmt.Errorf("%s: %d damaged line(s) skipped; everything else was played", path, p.Damaged())}
	}
	return err
}

func (o ReplayOptions) decoder() func(record.Header) protocol.Decoder {
	if o.Decoder == nil {
		return nil
	}
	return func(h record.Header) protocol.Decoder { return o.Decoder(h.Provider) }
}

func replayTUI(ctx context.Context, path string, p *replay.Player, feed *shell.Feed, o ReplayOptions) error {
	h := p.Header()
	title := "replay of " + path
	if h.Provider != "" {
		title += " (" + h.Provider + ", recorded " + h.Start.Local().Format("2006-01-02 15:04") + ")"
	}
	var desc ui.Provider
	if o.Describe != nil {
		desc = o.Describe(h.Provider)
	}
	runErr, uiErr := showInTUI(ctx, feed, p.Run, func(feed *shell.Feed) tea.Model {
		src := replaySource{Source: shell.NewSource(feed, p.Controls(), p.Do), p: p}
		return shell.New(src, shell.Options{Title: title, Keep: o.TUI.Keep, Theme: o.TUI.theme(), Provider: desc})
	})
	if runErr != nil {
		return InputError{runErr}
	}
	return uiErr
}

// serve serves the recording to WebSocket clients until interrupted.
// Where it listens goes to stderr, so stdout stays free.
func serve(ctx context.Context, path string, o ReplayOptions, stderr io.Writer) error {
	so := replay.ServeOptions{Speed: o.Speed, IdleLimit: o.IdleLimit, Log: stderr, AtEnd: o.AtEnd}
	if o.Responder != nil {
		so.Responder = func(h record.Header) replay.Responder { return o.Responder(h.Provider) }
	}
	err := replay.Serve(ctx, o.Serve, path, so, func(url string) {
		fmt.Fprintf(stderr, "evtap: serving %s to WebSocket clients at %s (ctrl+c stops)\n", path, url)
	})
	if err != nil {
		if lerr := ListenError("--serve", o.Serve, err); lerr != err {
			return lerr
		}
		return InputError{err}
	}
	return nil
}
