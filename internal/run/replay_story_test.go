package run

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/replay"
	"github.com/evtap/evtap/ui/shell"
)

// Stories of a recording replayed in the TUI: the real player, the real
// model, a real file.

// writeEvents records n events 100 ms apart (after a live state), with
// an optional garbled line in the middle.
func writeEvents(t *testing.T, n int, garble bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rec.jsonl")
	t0 := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	w, err := record.Create(path, record.Header{Start: t0}, record.Options{KeepSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(protocol.Update{Time: t0, Kind: protocol.KindState, Conn: 1, State: &protocol.State{Phase: protocol.PhaseLive}})
	for i := 1; i <= n; i++ {
		d := time.Duration(i) * 100 * time.Millisecond
		w.Write(protocol.Update{Time: t0.Add(d), Offset: protocol.Offset(d), Kind: protocol.KindEvent, Conn: 1,
			Event: &protocol.Event{Label: "ev", Summary: fmt.Sprintf("event number %d", i), Seq: uint64(i), Body: []byte(`{}`)}})
		if garble && i == n/2 {
			w.WriteLine([]byte("{garbage"))
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// watched wraps the TUI's model and keeps the last screen it drew, as
// text: the terminal output is drawn by differences, so a figure that
// changed is never written whole, but the screen always is.
type watched struct {
	tea.Model
	last *atomic.Pointer[string]
}

func (w watched) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := w.Model.Update(msg)
	return watched{m, w.last}, cmd
}

func (w watched) View() tea.View {
	v := w.Model.View()
	s := ansi.Strip(v.Content)
	w.last.Store(&s)
	return v
}

// screens are the last screens of the programs under test.
var screens = map[*teatest.TestModel]*atomic.Pointer[string]{}

// tuiReplay plays path in the TUI as `evtap replay` does, in a teatest
// program of w×h; resets counts the player's resets.
func tuiReplay(t *testing.T, path string, o replay.Options, w, h int) (*teatest.TestModel, *replay.Player, *atomic.Int32) {
	t.Helper()
	feed := shell.NewFeed(feedLimit)
	var resets atomic.Int32
	o.StayAtEnd = true
	o.Reset = func() { resets.Add(1); feed.Reset() }
	p, err := replay.Open(context.Background(), path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	src := replaySource{Source: shell.NewSource(feed, p.Controls(), p.Do), p: p}
	last := &atomic.Pointer[string]{}
	tm := teatest.NewTestModel(t, watched{shell.New(src, shell.Options{Title: "replay"}), last},
		teatest.WithInitialTermSize(w, h), teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	screens[tm] = last
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		p.Run(ctx, feed.Push)
		feed.Close()
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return tm, p, &resets
}

// waitScreen waits, up to 10 s, until the screen matches re.
func waitScreen(t *testing.T, tm *teatest.TestModel, re string) {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := screens[tm].Load()
		if s != nil && rx.MatchString(*s) {
			return
		}
		if time.Now().After(deadline) {
			if s == nil {
				t.Fatalf("no screen drawn after 10s")
			}
			t.Fatalf("the screen does not match %q after 10s:\n%s", re, *s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// finalScreen quits and returns the last screen.
func finalScreen(t *testing.T, tm *teatest.TestModel) string {
	t.Helper()
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	return ansi.Strip(tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).View().Content)
}

// Issue 13 item 12: seeking back (0) starts the screen over: the
// recording plays again and shows its 27 events once, never 54.
func TestSeekingBackInTheTUINeverDoublesRowsOrCounters(t *testing.T) {
	tm, p, resets := tuiReplay(t, writeEvents(t, 27, false), replay.Options{Speed: 0}, 120, 30)
	waitScreen(t, tm, `events 27 `)
	tm.Send(tea.KeyPressMsg{Code: '0', Text: "0"})
	deadline := time.Now().Add(10 * time.Second)
	for resets.Load() == 0 || !done(p) {
		if time.Now().After(deadline) {
			t.Fatal("the seek back did not start the replay over and play it to the end")
		}
		time.Sleep(10 * time.Millisecond)
	}
	waitScreen(t, tm, `(?s)events 27 .*28/28`)
	s := finalScreen(t, tm)
	if !strings.Contains(s, "events 27 ") || !strings.Contains(s, "28/28") {
		t.Fatalf("after a seek back the screen does not show the recording once:\n%s", s)
	}
}

func done(p *replay.Player) bool {
	_, _, _, _, _, d := p.Progress()
	return d
}

// Issue 13 item 12: while paused, a step (n) or a jump moves the
// progress bar.
func TestTheProgressBarMovesWhilePaused(t *testing.T) {
	tm, _, _ := tuiReplay(t, writeEvents(t, 20, false), replay.Options{Speed: 1, StartPaused: true}, 120, 30)
	waitScreen(t, tm, `⏸ 0s / 2s`)
	tm.Send(tea.KeyPressMsg{Code: 'n', Text: "n"})
	tm.Send(tea.KeyPressMsg{Code: 'n', Text: "n"})
	waitScreen(t, tm, `⏸ 100ms / 2s`)
	tm.Send(tea.KeyPressMsg{Code: '5', Text: "5"})
	waitScreen(t, tm, `⏸ 900ms / 2s`) // the last Update before the middle
	finalScreen(t, tm)
}

// Issue 13 item 13: a damaged line is said on screen as the replay
// meets it, while there is more to play (here: paused at 90%, past it),
// not only on stderr after quitting.
func TestADamagedLineIsSaidOnScreenWhileTheReplayPlays(t *testing.T) {
	tm, _, _ := tuiReplay(t, writeEvents(t, 20, true), replay.Options{Speed: 1, StartPaused: true}, 120, 30)
	waitScreen(t, tm, `⏸`)
	tm.Send(tea.KeyPressMsg{Code: '9', Text: "9"})
	waitScreen(t, tm, `(?s)1 damaged line\(s\) skipped: line 13: garbled.*⏸ 1\.7s / 2s`)
	finalScreen(t, tm)
}

// A recording cut short by a crash (a torn last line) says so on screen
// when the replay reaches its end, not only on stderr after quitting.
func TestATornEndIsSaidOnScreen(t *testing.T) {
	path := writeEvents(t, 5, false)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"t":"2026-11-22T12:00:09Z","off":9,"kind":"eve`)
	f.Close()
	tm, _, _ := tuiReplay(t, path, replay.Options{Speed: 0}, 120, 30)
	waitScreen(t, tm, `1 damaged line\(s\) skipped: line 8 is incomplete`)
	finalScreen(t, tm)
}
