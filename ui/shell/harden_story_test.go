package shell

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/ui"
)

// The stories of issue 13's item 19 and its other screen items: each
// fails on the screen as it was before.

// fitsIn fails unless every line of s fits w columns and there are at
// most h lines.
func fitsIn(t *testing.T, s string, w, h int) {
	t.Helper()
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		t.Fatalf("%d lines on a %d-line terminal:\n%s", len(lines), h, s)
	}
	for i, l := range lines {
		if cw := ansi.StringWidth(l); cw > w {
			t.Fatalf("line %d is %d columns wide on a %d-column terminal: %q", i+1, cw, w, l)
		}
	}
}

// helpKeys are the descriptions every live help screen must show whole.
var helpKeys = []string{"follow newest", "only gaps+recoveries", "show/mask tokens", "drop the connection (no close handshake)",
	"edit the subscription's filters", "fault menu", "add a labelled marker"}

// The help screen shows every key at 80x24 and 120x30, scrolling when
// it does not fit; before, the last columns were cut off at 80 and 120.
func TestTheHelpScreenFitsAndScrolls(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 30}, {160, 45}} {
		w, h := size[0], size[1]
		m := press(drive(t, newFakeSource(), w, h, liveSession()...), "?")
		seen := screen(m)
		fitsIn(t, seen, w, h)
		for range 20 { // scroll to the end, collecting what was shown
			m = press(m, "down")
			seen += screen(m)
		}
		for _, want := range helpKeys {
			if !strings.Contains(seen, want) {
				t.Errorf("%dx%d: the help screen never shows %q:\n%s", w, h, want, seen)
			}
		}
		m = press(m, "x") // any other key closes
		if m.mode != modeList {
			t.Errorf("%dx%d: a key other than a scrolling one did not close the help", w, h)
		}
	}
}

func TestTheHelpScreenSaysItScrollsWhenItMust(t *testing.T) {
	m := press(drive(t, newFakeSource(), 80, 24, liveSession()...), "?")
	if s := screen(m); !strings.Contains(s, "↑/↓ pgup/pgdn scroll") || !strings.Contains(s, "more") {
		t.Fatalf("an 80x24 help screen that does not fit does not say it scrolls:\n%s", s)
	}
}

// At 20x5 the screen says it is too small instead of a jumble of cut
// panes, and q still quits.
func TestATinyTerminalGetsANotice(t *testing.T) {
	m := drive(t, newFakeSource(), 20, 5, liveSession()...)
	s := screen(m)
	fitsIn(t, s, 20, 5)
	if !strings.Contains(strings.ReplaceAll(s, "\n", " "), "terminal too small") {
		t.Fatalf("no notice at 20x5:\n%s", s)
	}
	if _, cmd := m.Update(tea.KeyPressMsg{Code: 'q', Text: "q"}); cmd == nil {
		t.Fatal("q does not quit at 20x5")
	}
}

// The status line says in words what a key did, never an internal
// name such as "stall_read sent".
func TestTheStatusLineUsesWords(t *testing.T) {
	src := func() *fakeSource {
		s := newFakeSource(liveSession()...)
		s.controls[protocol.CmdStallRead] = true
		s.controls[protocol.CmdStopHeartbeats] = true
		return s
	}
	for _, keys := range [][]string{{"!", "1"}, {"!", "2"}, {"!", "3"}, {"d"}} {
		m := press(drive(t, src(), 120, 30), keys...)
		footer := screen(m)
		if strings.Contains(footer, "_read") || strings.Contains(footer, "_heartbeats") || strings.Contains(footer, " sent\n") {
			t.Errorf("%v: the status line names a command:\n%s", keys, footer)
		}
	}
	m := press(drive(t, src(), 120, 30), "!", "3")
	mustContain(t, screen(m), "stall reading 10s: done")
}

// A fault that changes nothing visible (heartbeats stopped, reading
// stalled) writes a row into the list saying what was done: a marker,
// sent after the fault, so it is recorded too.
func TestAFaultWritesWhatWasDoneIntoTheList(t *testing.T) {
	src := newFakeSource(liveSession()...)
	src.controls[protocol.CmdStallRead] = true
	src.controls[protocol.CmdStopHeartbeats] = true
	press(drive(t, src, 120, 30), "!", "2", "!", "2", "!", "3")
	var got []string
	for _, c := range src.sent() {
		got = append(got, string(c.Kind)+":"+c.Text)
	}
	want := []string{"stop_heartbeats:", "marker:fault: stop heartbeats (on)", "stop_heartbeats:", "marker:fault: stop heartbeats (off)",
		"stall_read:", "marker:fault: stall reading 10s"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("sent %q, want %q", got, want)
	}
}

// The counters give events per second in figures, beside the count.
func TestTheCountersSayEventsPerSecond(t *testing.T) {
	var us []protocol.Update
	for sec := 5; sec < 10; sec++ { // 2 a second for the 5 seconds before now
		us = append(us, event(float64(sec), uint64(2*sec), "SMS in", "x"), event(float64(sec)+0.5, uint64(2*sec+1), "SMS in", "y"))
	}
	m := drive(t, newFakeSource(), 120, 30, us...)
	mustContain(t, screen(m), "events 10 (2/s)")
}

// A rejected login shows the HTTP status and the server's code and
// message in the pane, and they stay once the session has closed.
func TestARejectionKeepsTheServersWordsAfterTheSessionCloses(t *testing.T) {
	m := drive(t, newFakeSource(), 120, 30,
		state(0, protocol.State{Phase: protocol.PhaseToken}),
		state(1, protocol.State{Phase: protocol.PhaseRejected, HTTPStatus: 400, Cause: "rejected by the server (token): HTTP 400 OAU-213: Invalid JWT token"}),
		state(1, protocol.State{Phase: protocol.PhaseClosed, Cause: "rejected by the server"}))
	s := screen(m)
	mustContain(t, s, "REJECTED, closed: HTTP 400", "server  token: OAU-213: Invalid JWT token")
	// at 80x24 the pane has 4 lines: the server's words still fit whole
	s = screen(drive(t, newFakeSource(), 80, 24,
		state(1, protocol.State{Phase: protocol.PhaseRejected, HTTPStatus: 400, Cause: "rejected by the server (token): HTTP 400 OAU-213: Invalid JWT token"}),
		state(1, protocol.State{Phase: protocol.PhaseClosed, Cause: "rejected by the server"})))
	mustContain(t, s, "REJECTED, closed: HTTP 400", "OAU-213", "Invalid JWT")
	mustNotContain(t, s, "more")
}

// --count in the TUI: the session ends and the footer says why.
func TestTheFooterSaysWhyTheSessionEnded(t *testing.T) {
	src := newFakeSource(liveSession()...)
	m := New(src, Options{Title: "test", Now: fixedNow, Provider: wscProvider(), Ended: func() string { return "--count 3 reached" }})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	m = mm.(Model)
	src.feed.Close()
	for ok := true; ok; {
		var b []protocol.Update
		var skipped int
		b, skipped, ok = src.Next(t.Context())
		mm, _ = m.Update(batchMsg{b, skipped, ok})
		m = mm.(Model)
	}
	mustContain(t, screen(m), "--count 3 reached: the session has ended — q quits")
}

// A damaged line of a replayed recording is said on screen as it
// happens, in the counters, not only on stderr after quitting.
func TestADamagedReplayLineIsSaidOnScreenAtOnce(t *testing.T) {
	m := drive(t, newFakeSource(), 120, 30, append(liveSession(),
		protocol.Update{Time: at(5), Kind: protocol.KindError, Error: &protocol.Error{Where: "replay", Message: "line 6: garbled: not a JSON object; skipped"}})...)
	mustContain(t, screen(m), "1 damaged line(s) skipped: line 6: garbled")
}

// recorderSource is a source whose recording failed.
type recorderSource struct {
	*fakeSource
	st ui.RecordingStatus
}

func (r recorderSource) Recording() ui.RecordingStatus { return r.st }

// A recording that fails is said at once: an alert in the header and a
// notice, on the next tick.
func TestAFailedRecordingIsSaidAtOnce(t *testing.T) {
	src := recorderSource{fakeSource: newFakeSource(liveSession()...), st: ui.RecordingStatus{Err: "recording to x.jsonl failed: write x.jsonl: no space left on device"}}
	src.controls[protocol.CmdRecord] = true
	m := New(src, Options{Title: "test", Now: fixedNow, Provider: wscProvider()})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	mm, _ = mm.Update(tickMsg(fixedNow()))
	s := screen(mm.(Model))
	mustContain(t, s, "RECORDING FAILED: recording to x.jsonl failed: write x.jsonl: no space left on device")
}

// Search says how many rows match and which one is selected.
func TestSearchCountsItsMatches(t *testing.T) {
	m := drive(t, newFakeSource(), 120, 30, liveSession()...)
	m = press(m, "/")
	for _, r := range "+1555123000" {
		m = press(m, string(r))
	}
	m = press(m, "enter")
	mustContain(t, screen(m), "/+1555123000 (1 of 2)")
	m = press(m, "n")
	mustContain(t, screen(m), "/+1555123000 (2 of 2)")
}

// A long line in the detail view wraps instead of being cut at the edge.
func TestTheDetailViewWrapsLongLines(t *testing.T) {
	long := strings.Repeat("word ", 40) + "THE-END"
	ev := event(1, 2, "SMS in", "long")
	ev.Event.Body = []byte(`{"subject":"` + long + `"}`)
	m := press(drive(t, newFakeSource(), 80, 24, ev), "enter")
	s := screen(m)
	fitsIn(t, s, 80, 24)
	mustContain(t, s, "THE-END")
}

// y in the detail view says what it copied.
func TestCopyingSaysSo(t *testing.T) {
	m := drive(t, newFakeSource(), 120, 30, liveSession()...)
	m = press(m, "enter", "y")
	mustContain(t, screen(m), "copied ", "to the clipboard")
}

// replaySource is a fake replay at a given speed.
type replaySource struct {
	*fakeSource
	speed float64
}

func (r *replaySource) Progress() ui.Progress { return ui.Progress{Speed: r.speed, Total: time.Minute} }

// + doubles the speed up to 64x, then goes to as fast as possible
// (max), and stays there; - comes back to 64x.
func TestPlusStopsAt64xThenMax(t *testing.T) {
	src := &replaySource{fakeSource: newFakeSource()}
	src.controls = protocol.Controls{protocol.CmdPause: true, protocol.CmdSpeed: true}
	m := New(src, Options{Title: "test", Now: fixedNow})
	for _, c := range []struct{ from, want float64 }{{16, 32}, {32, 64}, {48, 64}, {64, 0}, {0, 0}} {
		src.speed = c.from
		if got := m.speedStep(2); got != c.want {
			t.Errorf("+ at %gx goes to %g, want %g", c.from, got, c.want)
		}
	}
	src.speed = 0
	if got := m.speedStep(0.5); got != 64 {
		t.Errorf("- at max goes to %g, want 64", got)
	}
}

// The screen of a replay that starts over shows what the source sends
// after the reset, once: no row or counter is doubled.
func TestAResetForgetsEverythingShown(t *testing.T) {
	src := newFakeSource()
	src.controls = protocol.Controls{protocol.CmdPause: true, protocol.CmdSeek: true}
	m := drive(t, src, 120, 30, liveSession()...)
	before := screen(m)
	src.feed.Reset()
	m = drive2(t, m, src, liveSession()...)
	after := screen(m)
	mustContain(t, before, "events 3 ", "9/9")
	mustContain(t, after, "events 3 ", "9/9")
	mustNotContain(t, after, "events 6 ", "18/18")
}

// A teatest story of the reset: updates pushed before a Reset that the
// UI has not yet taken are dropped with it.
func TestAResetDropsWhatItOvertakes(t *testing.T) {
	src := newFakeSource(liveSession()...)
	src.controls = protocol.Controls{protocol.CmdPause: true, protocol.CmdSeek: true}
	src.feed.Reset() // before the UI read anything
	for _, u := range liveSession() {
		src.feed.Push(u)
	}
	tm := teatest.NewTestModel(t, New(src, Options{Title: "test", Now: fixedNow, Provider: wscProvider()}),
		teatest.WithInitialTermSize(120, 30), teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Ringing")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if fm.stats.Events != 3 || fm.store.Len() != 9 {
		t.Fatalf("%d events, %d rows after a reset; want 3 and 9", fm.stats.Events, fm.store.Len())
	}
}

// Typing into the / prompt redraws only the prompt's line (frame.go);
// what it draws is exactly what a whole frame would, with the stats
// column beside the list and without.
func TestTypingIntoThePromptDrawsWhatAWholeFrameWould(t *testing.T) {
	for _, w := range []int{160, 100} {
		m := press(drive(t, newFakeSource(), w, 45, liveSession()...), "/")
		for _, r := range "Ringing and a long tail that goes past the edge of the prompt line, on and on and on and on" {
			m = press(m, string(r))
			fast := m.View().Content
			m.gen++ // no frame to reuse: draw it all
			whole := m.View().Content
			if fast != whole {
				t.Fatalf("%d wide, after %q: the redrawn prompt differs from a whole frame:\n%s\n---\n%s", w, r, fast, whole)
			}
		}
	}
}
