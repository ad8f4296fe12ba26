package shell

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/evtap/evtap/protocol"
)

// screenAt runs the TUI at w×h on the scripted session until its last
// row is on screen, quits, and returns the final screen without colour.
func screenAt(t *testing.T, w, h int, us []protocol.Update) string {
	t.Helper()
	src := newFakeSource(us...)
	m := New(src, Options{Title: "test", Now: fixedNow, Provider: wscProvider()})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Ringing")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	return ansi.Strip(fm.View().Content)
}

func TestMainScreenAt160x45(t *testing.T) {
	golden.RequireEqual(t, []byte(screenAt(t, 160, 45, liveSession())))
}

func TestMainScreenAt80x24FitsWithoutOverflow(t *testing.T) {
	screen := screenAt(t, 80, 24, liveSession())
	lines := strings.Split(screen, "\n")
	if len(lines) > 24 {
		t.Fatalf("%d lines on a 24-line terminal", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > 80 {
			t.Fatalf("line %d is %d columns wide on an 80-column terminal: %q", i+1, w, l)
		}
	}
	golden.RequireEqual(t, []byte(screen))
}

// screenAfter runs the TUI at w×h on the scripted session, presses keys,
// and returns the final screen without colour.
func screenAfter(t *testing.T, w, h int, want string, keys ...tea.KeyPressMsg) string {
	t.Helper()
	src := newFakeSource(liveSession()...)
	tm := teatest.NewTestModel(t, New(src, Options{Title: "test", Now: fixedNow, Provider: wscProvider(), Faults: src.faults}), teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Ringing")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	for _, k := range keys {
		tm.Send(k)
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	return ansi.Strip(fm.View().Content)
}

func TestHelpScreenListsEveryKey(t *testing.T) {
	golden.RequireEqual(t, []byte(screenAfter(t, 160, 30, "all keys", tea.KeyPressMsg{Code: '?', Text: "?"})))
}

func TestFilterEditorShowsTheFiltersAndTheCommonOnes(t *testing.T) {
	golden.RequireEqual(t, []byte(screenAfter(t, 120, 30, "add a common one", tea.KeyPressMsg{Code: 'f', Text: "f"})))
}

func TestFaultMenuOffersOnlyWhatTheSourceAccepts(t *testing.T) {
	screen := screenAfter(t, 120, 30, "close 4000", tea.KeyPressMsg{Code: '!', Text: "!"})
	// the fake source accepts drop, forget and close, not the emulator-only faults
	if strings.Contains(screen, "refuse next token") || strings.Contains(screen, "reorder frames") {
		t.Fatalf("the menu offers faults the source does not accept:\n%s", screen)
	}
	golden.RequireEqual(t, []byte(screen))
}

func TestComposerScreen(t *testing.T) {
	src := newFakeSource(liveSession()...)
	src.controls[protocol.CmdSend] = true
	tm := teatest.NewTestModel(t, New(src, Options{Title: "test", Now: fixedNow, Provider: wscProvider()}), teatest.WithInitialTermSize(120, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Ringing")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(tea.KeyPressMsg{Code: 's', Text: "s"})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("esc closes")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Type(`{"type":"Heartbeat"}`) // messages are handled in order: the final model has it all
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	golden.RequireEqual(t, []byte(ansi.Strip(fm.View().Content)))
}
