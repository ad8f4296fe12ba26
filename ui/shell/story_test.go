package shell

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/ui"
)

// drive feeds us to a model at w×h by calling Update as the runtime
// would, and returns the model.
func drive(t *testing.T, src *fakeSource, w, h int, us ...protocol.Update) Model {
	t.Helper()
	return driveWith(t, src, wscProvider(), w, h, us...)
}

// driveWith is drive under provider p.
func driveWith(t *testing.T, src *fakeSource, p ui.Provider, w, h int, us ...protocol.Update) Model {
	t.Helper()
	m := New(src, Options{Title: "test", Now: fixedNow, Provider: p, Faults: src.faults})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m = mm.(Model)
	for _, u := range us {
		src.feed.Push(u)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	b, skipped, ok := src.Next(ctx)
	mm, _ = m.Update(batchMsg{b, skipped, ok})
	return mm.(Model)
}

func screen(m Model) string { return ansi.Strip(m.View().Content) }

func press(m Model, keys ...string) Model {
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "up":
			msg = tea.KeyPressMsg{Code: tea.KeyUp}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "ctrl+s":
			msg = tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
		default:
			r := []rune(k)[0]
			msg = tea.KeyPressMsg{Code: r, Text: k}
		}
		mm, _ := m.Update(msg)
		m = mm.(Model)
	}
	return m
}

func TestTheHeaderNeverSaysLiveBeforeTheSessionDoes(t *testing.T) {
	src := newFakeSource()
	m := drive(t, src, 120, 30,
		state(0, protocol.State{Phase: protocol.PhaseDialing}),
		state(1, protocol.State{Phase: protocol.PhaseConnected}))
	first := strings.SplitN(screen(m), "\n", 2)[0]
	if strings.Contains(first, "LIVE") {
		t.Fatalf("header claims LIVE while only connected: %q", first)
	}
	m = drive(t, src, 120, 30, state(2, protocol.State{Phase: protocol.PhaseLive}))
	if first = strings.SplitN(screen(m), "\n", 2)[0]; !strings.Contains(first, "LIVE") {
		t.Fatalf("header does not say LIVE once the session does: %q", first)
	}
}

func TestARecoveryShowsItsOutcomeAndCountsIt(t *testing.T) {
	rec := protocol.Recovery{Token: "RTFhRG5nfExxxxxxxxxxxcHE3bXkyRURQVQ", Sequence: 7, Outcome: "Successful", TimeoutSec: 180}
	m := drive(t, newFakeSource(), 160, 40, append(liveSession(),
		state(5, protocol.State{Phase: protocol.PhaseDropped, Cause: "close 1006"}),
		state(6, protocol.State{Phase: protocol.PhaseRecovering}),
		state(7, protocol.State{Phase: protocol.PhaseRecovered, Recovery: &rec}))...)
	s := screen(m)
	for _, want := range []string{"Successful", "recovered 1"} {
		if !strings.Contains(s, want) {
			t.Fatalf("screen lacks %q after a successful recovery:\n%s", want, s)
		}
	}
}

func TestABackoffShowsTheAttemptAndACountdown(t *testing.T) {
	m := drive(t, newFakeSource(), 120, 30,
		state(9, protocol.State{Phase: protocol.PhaseBackoff, Attempt: 3, Until: fixedNow().Add(4 * time.Second), Cause: "read: connection reset by peer"}))
	s := screen(m)
	for _, want := range []string{"waiting to reconnect", "attempt 3 in 4s", "connection reset by peer"} {
		if !strings.Contains(s, want) {
			t.Fatalf("screen lacks %q:\n%s", want, s)
		}
	}
}

func TestARejectionShowsTheHTTPStatusAndTheServersWords(t *testing.T) {
	m := drive(t, newFakeSource(), 160, 40,
		state(1, protocol.State{Phase: protocol.PhaseRejected, HTTPStatus: 401, Cause: "upgrade refused: HTTP 401 token expired"}))
	s := screen(m)
	if !strings.Contains(s, "REJECTED") || !strings.Contains(s, "REJECTED: HTTP 401") || !strings.Contains(s, "token expired") {
		t.Fatalf("rejection not shown with its status and message:\n%s", s)
	}
}

func TestTokensAreMaskedUntilTheUserRevealsThem(t *testing.T) {
	const tok = "RTFhRG5nfExxxxxxxxxxxcHE3bXkyRURQVQ"
	m := drive(t, newFakeSource(), 160, 40, liveSession()...)
	if strings.Contains(screen(m), tok) {
		t.Fatal("the wsc token is on screen unmasked")
	}
	m = press(m, "t")
	var shown strings.Builder
	for _, l := range strings.Split(screen(m), "\n") {
		if i := strings.Index(l, "│ "); i >= 0 {
			cell := strings.SplitN(l[i+len("│ "):], " │", 2)[0]
			shown.WriteString(strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(cell, "token"), " ")))
		}
	}
	if !strings.Contains(strings.ReplaceAll(shown.String(), " ", ""), tok) {
		t.Fatalf("t does not reveal the whole token:\n%s", screen(m))
	}
}

func TestNetworkTextIsShownEscapedNeverInterpreted(t *testing.T) {
	evil := "\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202eevil\xff"
	m := drive(t, newFakeSource(), 160, 40, event(1, 1, "SMS in", evil))
	raw := m.View().Content
	if strings.Contains(raw, "\x1b]52") || strings.Contains(raw, "\x1b[2J") || strings.Contains(raw, "\u202e") {
		t.Fatal("an escape sequence or bidi override from the network reached the terminal")
	}
	if !strings.Contains(screen(m), `\x1b]52`) || !strings.Contains(screen(m), `\u202e`) {
		t.Fatalf("hostile characters are not shown escaped:\n%s", screen(m))
	}
}

func TestDropAndForgetKeysSendTheirCommands(t *testing.T) {
	src := newFakeSource()
	m := drive(t, src, 120, 30, liveSession()...)
	press(m, "d", "x")
	got := src.sent()
	if len(got) != 2 || got[0].Kind != protocol.CmdDrop || got[1].Kind != protocol.CmdForget {
		t.Fatalf("want drop then forget, got %+v", got)
	}
}

func TestScrollingUpStopsFollowingAndCountsNewRows(t *testing.T) {
	src := newFakeSource()
	m := drive(t, src, 120, 30, liveSession()...)
	m = press(m, "k")
	m = drive2(t, m, src, event(5, 7, "SMS in", "late one"), event(6, 8, "SMS in", "later one"))
	if !strings.Contains(screen(m), "2 new") {
		t.Fatalf("no count of rows that arrived while scrolled up:\n%s", screen(m))
	}
	m = press(m, "G")
	if strings.Contains(screen(m), "2 new") {
		t.Fatal("G did not go back to following")
	}
}

// drive2 feeds more Updates into an existing model.
func drive2(t *testing.T, m Model, src *fakeSource, us ...protocol.Update) Model {
	t.Helper()
	for _, u := range us {
		src.feed.Push(u)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	b, skipped, ok := src.Next(ctx)
	mm, _ := m.Update(batchMsg{b, skipped, ok})
	return mm.(Model)
}

func TestSearchFindsTextAnywhereInThePayload(t *testing.T) {
	m := drive(t, newFakeSource(), 120, 30, liveSession()...)
	m = press(m, "/")
	for _, r := range "hello" {
		m = press(m, string(r))
	}
	m = press(m, "enter")
	if u := m.list.Selected(); u == nil || u.Event == nil || u.Event.Label != "SMS in" {
		t.Fatalf("search for text in the body did not select the SMS, got %+v", u)
	}
}

func TestAnInvalidFilterIsExplainedAndNotSent(t *testing.T) {
	src := newFakeSource()
	m := drive(t, src, 120, 30, liveSession()...)
	m = press(m, "f")
	m.editor.ta.SetValue("/restapi/v1.0/account/~/extension/~/fax")
	mm, _ := m.Update(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	m = mm.(Model)
	if len(src.sent()) != 0 {
		t.Fatal("an invalid filter was sent")
	}
	if !strings.Contains(screen(m), `unknown resource "fax"`) {
		t.Fatalf("the reason is not shown:\n%s", screen(m))
	}
	m.editor.ta.SetValue("/restapi/v1.0/account/~/extension/~/voicemail")
	mm, _ = m.Update(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	if got := src.sent(); len(got) != 1 || got[0].Kind != protocol.CmdSetFilters || got[0].Filters[0] != "/restapi/v1.0/account/~/extension/~/voicemail" {
		t.Fatalf("valid filters not sent: %+v", got)
	}
	_ = mm
}

func TestTheFeedSkipsEventsButNeverStateWhenTheScreenFallsBehind(t *testing.T) {
	f := NewFeed(2)
	for i := 0; i < 5; i++ {
		f.Push(event(float64(i), uint64(i), "SMS in", "x"))
	}
	f.Push(state(6, protocol.State{Phase: protocol.PhaseDropped}))
	b, skipped, ok := f.Next(context.Background())
	if !ok || skipped != 3 {
		t.Fatalf("want 3 skipped, got %d", skipped)
	}
	if last := b[len(b)-1]; last.Kind != protocol.KindState {
		t.Fatalf("the state change was skipped: %+v", last)
	}
}

func TestReplayKeysSeekByTenthsAndToTheNextChange(t *testing.T) {
	src := newFakeSource()
	src.controls = protocol.Controls{protocol.CmdPause: true, protocol.CmdSeek: true, protocol.CmdSeekTo: true, protocol.CmdSpeed: true, protocol.CmdStep: true}
	m := drive(t, src, 120, 30, liveSession()...)
	press(m, "5", "]")
	got := src.sent()
	if len(got) != 2 || got[0].Kind != protocol.CmdSeek || got[0].Value != 0.5 || got[1].Kind != protocol.CmdSeekTo || got[1].Text != "" {
		t.Fatalf("want seek 50%% then seek to the next mark of any kind, got %+v", got)
	}
	if first := strings.SplitN(screen(m), "\n", 2)[0]; !strings.Contains(first, "REPLAY") {
		t.Fatalf("no REPLAY badge: %q", first)
	}
}

func TestAJQFilterNarrowsTheListAndTheFaultMenuKeepsItsKey(t *testing.T) {
	m := drive(t, newFakeSource(), 160, 40, liveSession()...)
	if !m.src.Controls().Has(protocol.CmdClose) {
		t.Fatal("fixture lost its controls")
	}
	m = press(m, "!")
	if !strings.Contains(screen(m), "Faults") {
		t.Fatalf("! no longer opens the fault menu:\n%s", screen(m))
	}
}

func TestEveryFaultInTheMenuCanBePicked(t *testing.T) {
	src := newFakeSource()
	src.controls = protocol.Controls{}
	for _, k := range []protocol.CommandKind{protocol.CmdDrop, protocol.CmdClose, protocol.CmdStopHeartbeats, protocol.CmdStallRead,
		protocol.CmdForget, protocol.CmdRefuseToken, protocol.CmdDelayFrames, protocol.CmdReorderFrames} {
		src.controls[k] = true
	}
	src.controls[protocol.CmdFault] = true
	m := drive(t, src, 160, 40)
	// drop, stop heartbeats, stall (the session's), then the emulator's ten
	if len(m.faults.items) != 13 {
		t.Fatalf("want 13 faults on offer, got %d", len(m.faults.items))
	}
	m = press(m, "!", "0")
	if got := src.sent(); len(got) != 1 || got[0].Kind != protocol.CmdReorderFrames || !got[0].On {
		t.Fatalf("0 should pick the tenth fault (reorder frames, on), got %+v", got)
	}
	m = press(m, "!", "c", "!", "c")
	got := src.sent()
	if len(got) != 3 || got[1].Kind != protocol.CmdFault || got[1].Text != "plain" || !got[1].On || got[2].On {
		t.Fatalf("c should toggle the thirteenth fault (encryption off) on, then off; got %+v", got)
	}
}

func TestAFaultMenuLongerThanTheScreenScrolls(t *testing.T) {
	src := newFakeSource()
	for _, k := range []protocol.CommandKind{protocol.CmdFault, protocol.CmdRefuseToken, protocol.CmdDelayFrames, protocol.CmdReorderFrames} {
		src.controls[k] = true
	}
	m := drive(t, src, 80, 20)
	m = press(m, "!")
	if s := screen(m); !strings.Contains(s, "more (↓)") || strings.Contains(s, "encryption off") {
		t.Fatalf("at 80x20 the menu should say more follow, not overflow:\n%s", s)
	}
	for range 12 {
		m = press(m, "down")
	}
	if s := screen(m); !strings.Contains(s, "encryption off") {
		t.Fatalf("scrolling down should reach the last fault:\n%s", s)
	}
}

// A provider that repeats the live state to refresh its context (VoIPBin's
// keepalive pane) does not restart the "no events for N s" count: the
// stream has been quiet since it went live, not since the last refresh.
func TestARepeatedLiveStateDoesNotRestartTheStallCount(t *testing.T) {
	m := drive(t, newFakeSource(), 160, 40,
		state(0, protocol.State{Phase: protocol.PhaseDialing}),
		state(1, protocol.State{Phase: protocol.PhaseLive}),
		state(8, protocol.State{Phase: protocol.PhaseLive, Context: []protocol.Field{{Label: "pings", Value: "1"}}}))
	if s := screen(m); !strings.Contains(s, "no events for 9s") {
		t.Fatalf("want the stall counted from the first live state (9 s before now):\n%s", s)
	}
}
