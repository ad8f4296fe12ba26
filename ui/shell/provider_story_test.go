package shell

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/ui"
)

// Stories that pin the UI's provider independence: every word, title and
// rule that differs between providers comes from ui.Provider, and every
// key offered from the Source's Controls.

func sub(sec float64, s protocol.Subscription) protocol.Update {
	return protocol.Update{Time: at(sec), Kind: protocol.KindSubscription, Conn: 1, Subscription: &s}
}

func eventOf(sec float64, subID, label string) protocol.Update {
	u := event(sec, 0, label, label+" summary")
	u.Event.Subscription = subID
	return u
}

func mustContain(t *testing.T, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Fatalf("screen lacks %q:\n%s", w, s)
		}
	}
}

func mustNotContain(t *testing.T, s string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(s, n) {
			t.Fatalf("screen shows %q:\n%s", n, s)
		}
	}
}

func TestAnotherProvidersWordsTitlesAndGapNoteAreItsOwn(t *testing.T) {
	m := driveWith(t, newFakeSource(), otherProvider(), 160, 40,
		state(0, protocol.State{Phase: protocol.PhaseConnected}))
	s := screen(m)
	mustContain(t, s, "Stripes", "no stripes counted yet", "Herds", "state   zebra says hello", "gaps cannot be known on a zebra stream")
	mustNotContain(t, s, "Recovery", "wsc", "ConnectionDetails", "Subscription ", "gaps 0")
	m = drive2(t, m, m.src.(*fakeSource), state(1, protocol.State{Phase: protocol.PhaseLive}))
	mustContain(t, screen(m), "state   GALLOPING")
}

func TestAnotherProvidersEditorChecksLinesItsOwnWay(t *testing.T) {
	src := newFakeSource()
	m := driveWith(t, src, otherProvider(), 120, 30, state(0, protocol.State{Phase: protocol.PhaseLive}))
	m = press(m, "f")
	mustContain(t, screen(m), "Herd names", "one herd per line, lower case", "alt+1 plains: the plains herd")
	m.editor.ta.SetValue("Plains")
	mm, _ := m.Update(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	m = mm.(Model)
	mustContain(t, screen(m), `line 1: herd "Plains" must be lower case`)
	if len(src.sent()) != 0 {
		t.Fatal("a line the provider refuses was sent")
	}
	m.editor.ta.SetValue("")
	mm, _ = m.Update(tea.KeyPressMsg{Code: '1', Mod: tea.ModAlt})
	m = mm.(Model)
	mm, _ = m.Update(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	if got := src.sent(); len(got) != 1 || got[0].Kind != protocol.CmdSetFilters || len(got[0].Filters) != 1 || got[0].Filters[0] != "plains" {
		t.Fatalf("the preset was not sent as the one filter: %+v", got)
	}
	_ = mm
}

func TestWithNoProviderDescriptionTheScreenUsesGenericWordsAndOffersNoEditor(t *testing.T) {
	src := newFakeSource()
	m := driveWith(t, src, ui.Provider{}, 160, 40,
		state(0, protocol.State{Phase: protocol.PhaseUpgraded}))
	s := screen(m)
	mustContain(t, s, "state   upgraded", "Context", "nothing reported yet", "Subscriptions", "none yet")
	mustNotContain(t, s, "f filters", "ConnectionDetails")
	m = press(m, "f")
	if m.mode == modeEditor {
		t.Fatal("f opened an editor with no provider rules to check lines against")
	}
	mustContain(t, screen(m), "this source has no filters to edit")
}

func TestContextFieldsShowMaskedSecretsAndLiveCountdowns(t *testing.T) {
	const tok = "tok_live_0123456789abcdef"
	m := driveWith(t, newFakeSource(), otherProvider(), 160, 40,
		state(0, protocol.State{Phase: protocol.PhaseLive, Context: []protocol.Field{
			{Label: "url token", Value: tok, Secret: true},
			{Label: "expires", Value: "12:00:51", At: fixedNow().Add(41 * time.Second)},
			{Label: "in flight", At: fixedNow().Add(-12 * time.Second)},
			{Label: "issued", Value: "11:59:56", At: fixedNow().Add(-4 * time.Second), Ago: true},
		}}))
	s := screen(m)
	mustContain(t, s, "url token", "tok_…cdef  (t reveals)", "expires   12:00:51  in 41s", "in flight for 12s", "issued    11:59:56  4s ago")
	mustNotContain(t, s, tok)
	m = press(m, "t")
	mustContain(t, screen(m), tok)
	// A later state without Context leaves the fields as they were.
	m = drive2(t, m, m.src.(*fakeSource), state(1, protocol.State{Phase: protocol.PhaseLive}))
	mustContain(t, screen(m), "expires")
}

func TestSubscriptionsAreListedByIDWithTheEventsEachMatched(t *testing.T) {
	src := newFakeSource()
	m := driveWith(t, src, otherProvider(), 160, 45,
		sub(0, protocol.Subscription{ID: "herd-a", Status: "Active", Filters: []string{"a"}}),
		sub(0, protocol.Subscription{ID: "herd-b", Status: "Active", Filters: []string{"b"}, Note: "every b event arrives twice"}),
		eventOf(1, "herd-a", "one"), eventOf(2, "herd-b", "two"), eventOf(3, "herd-b", "three"))
	s := screen(m)
	mustContain(t, s, "id      herd-a", "status  Active  events 1", "id      herd-b", "status  Active  events 2", "note    every b event arrives twice")
	m = drive2(t, m, src, sub(4, protocol.Subscription{ID: "herd-a", Status: "Removed"}))
	s = screen(m)
	mustContain(t, s, "herd-b")
	mustNotContain(t, s, "id      herd-a")
}

func TestAProviderWithOneSubscriptionShowsOnlyTheNewest(t *testing.T) {
	src := newFakeSource()
	m := drive(t, src, 160, 40,
		sub(0, protocol.Subscription{ID: "first-sub", Status: "Active"}),
		sub(1, protocol.Subscription{ID: "second-sub", Status: "Active"}))
	s := screen(m)
	mustContain(t, s, "second-sub")
	if strings.Contains(strings.Join(strings.Split(s, "\n")[:10], "\n"), "id      first-sub") {
		t.Fatalf("the replaced subscription is still in the pane:\n%s", s)
	}
}

func TestFooterHelpAndFaultMenuOfferExactlyWhatTheSourceAccepts(t *testing.T) {
	src := newFakeSource()
	src.controls = protocol.Controls{protocol.CmdMarker: true, protocol.CmdSetFilters: true}
	m := drive(t, src, 200, 40, liveSession()...)
	footer := screen(m)[strings.LastIndex(screen(m), "\n")+1:]
	mustContain(t, footer, "f filters", "m mark")
	mustNotContain(t, footer, "d drop", "x forget", "! faults", "R record")
	m = press(m, "?")
	help := screen(m)
	mustContain(t, help, "labelled marker", "edit the subscription")
	mustNotContain(t, help, "drop the connection", "forget the session", "fault menu", "recording")
	m = press(m, "esc", "!")
	if m.mode == modeFaults {
		t.Fatal("the fault menu opened though the source accepts no fault")
	}
}

// t says what it did: with secrets in the context, they come first (a
// pane cut to its height never hides what was revealed); with none, that
// there is nothing to reveal.
func TestRevealSaysWhatItDidAndPutsSecretsFirst(t *testing.T) {
	const tok = "sub-c-0123456789abcdef"
	var fields []protocol.Field
	for i := range 9 {
		fields = append(fields, protocol.Field{Label: fmt.Sprintf("field %d", i), Value: "v"})
	}
	fields = append(fields, protocol.Field{Label: "sub key", Value: tok, Secret: true})
	m := driveWith(t, newFakeSource(), otherProvider(), 80, 24, state(0, protocol.State{Phase: protocol.PhaseLive, Context: fields}))
	m = press(m, "t")
	mustContain(t, screen(m), tok, "tokens shown")
	m = press(m, "t")
	mustContain(t, screen(m), "tokens masked")
	mustNotContain(t, screen(m), tok)

	m = driveWith(t, newFakeSource(), otherProvider(), 80, 24, state(0, protocol.State{Phase: protocol.PhaseLive, URL: "ws://h/events/REDACTED-url_token-0123456789ab"}))
	m = press(m, "t")
	mustContain(t, screen(m), "nothing to reveal")
}
