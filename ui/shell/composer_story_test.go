package shell

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/evtap/evtap/protocol"
)

// typeIn types s into the model, enter for each newline.
func typeIn(m Model, s string) Model {
	for _, r := range s {
		if r == '\n' {
			m = press(m, "enter")
			continue
		}
		mm, _ := m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		m = mm.(Model)
	}
	return m
}

func sending(t *testing.T) (*fakeSource, Model) {
	t.Helper()
	src := newFakeSource()
	src.controls[protocol.CmdSend] = true
	return src, drive(t, src, 120, 30, liveSession()...)
}

func TestTheComposerSendsSeveralLinesAndTheSentFrameAppearsInTheList(t *testing.T) {
	src, m := sending(t)
	mustContain(t, screen(m), "s send")
	m = press(m, "s")
	m = typeIn(m, `{"op":"subscribe",`+"\n"+`"topic":"calls"}`)
	if len(src.sent()) != 0 {
		t.Fatal("enter sent the frame; it must only start a new line")
	}
	m = press(m, "ctrl+s")
	got := src.sent()
	if len(got) != 1 || got[0].Kind != protocol.CmdSend || got[0].Text != "{\"op\":\"subscribe\",\n\"topic\":\"calls\"}" {
		t.Fatalf("want both lines sent as one CmdSend, got %+v", got)
	}
	m = drive2(t, m, src)
	s := screen(m)
	mustContain(t, s, "sent text", `{"op":"subscribe", "topic":"calls"}`, "sent 35 bytes")
	if m.mode != modeCompose || m.composer.ta.Value() != "" {
		t.Fatalf("the composer should stay open and empty for the next frame (mode %d, %q)", m.mode, m.composer.ta.Value())
	}
	m = press(m, "esc")
	if m.mode != modeList {
		t.Fatal("esc does not close the composer")
	}
}

func TestUpAndDownAtTheEdgesWalkTheFramesSentBefore(t *testing.T) {
	_, m := sending(t)
	m = press(m, "s")
	m = typeIn(m, "one")
	m = press(m, "ctrl+s")
	m = typeIn(m, "two\nlines")
	m = press(m, "ctrl+s")
	m = typeIn(m, "draft")
	value := func() string { return m.composer.ta.Value() }

	m = press(m, "up")
	if value() != "two\nlines" {
		t.Fatalf("up on the only line: want the newest frame, got %q", value())
	}
	m = press(m, "up") // the cursor is on the second line: it moves up first
	if value() != "two\nlines" {
		t.Fatalf("up inside a frame changed it to %q", value())
	}
	m = press(m, "up")
	if value() != "one" {
		t.Fatalf("up on the first line: want the older frame, got %q", value())
	}
	m = press(m, "up")
	if value() != "one" {
		t.Fatalf("up past the oldest frame changed it to %q", value())
	}
	m = press(m, "down")
	if value() != "two\nlines" {
		t.Fatalf("down: want the newer frame, got %q", value())
	}
	m = press(m, "down")
	if value() != "draft" {
		t.Fatalf("down past the newest frame: want the draft back, got %q", value())
	}
}

func TestTheComposerIsOnlyOfferedToASourceThatSends(t *testing.T) {
	m := drive(t, newFakeSource(), 160, 30, liveSession()...)
	mustNotContain(t, screen(m), "s send")
	m = press(m, "s")
	if m.mode == modeCompose {
		t.Fatal("the composer opened for a source that does not accept CmdSend")
	}
	mustContain(t, screen(m), "this source sends nothing by hand")
}

func TestAnEmptyFrameIsNotSent(t *testing.T) {
	src, m := sending(t)
	m = press(m, "s", "ctrl+s")
	if len(src.sent()) != 0 || !strings.Contains(screen(m), "nothing to send") {
		t.Fatalf("an empty frame was sent, or the reason not shown:\n%s", screen(m))
	}
}

func TestTheComposerLeavesTheListInSightAndFitsTheScreen(t *testing.T) {
	_, m := sending(t)
	m = press(m, "s")
	m = typeIn(m, `{"ping":1}`)
	s := screen(m)
	lines := strings.Split(s, "\n")
	if len(lines) > 30 {
		t.Fatalf("%d lines on a 30-line screen", len(lines))
	}
	mustContain(t, s, "Ringing", "Send", "ctrl+s or alt+enter sends", `{"ping":1}`)
}
