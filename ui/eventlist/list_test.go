package eventlist

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/evtap/evtap/protocol"
)

func press(l *List, keys ...string) {
	for _, k := range keys {
		var m tea.KeyPressMsg
		switch k {
		case "enter":
			m = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			m = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "end":
			m = tea.KeyPressMsg{Code: tea.KeyEnd}
		case "space":
			m = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
		default:
			r := []rune(k)[0]
			m = tea.KeyPressMsg{Code: r, Text: k}
		}
		// Run any command as the program would and hand back its message.
		if cmd := l.Update(m); cmd != nil {
			l.Update(cmd())
		}
	}
}

func typeText(l *List, s string) {
	for _, r := range s {
		if r == ' ' {
			press(l, "space")
		} else {
			press(l, string(r))
		}
	}
}

func TestListFollowsTailThenCountsNew(t *testing.T) {
	s, l := filled(50, 100, 11)
	if got := l.Selected().Event.Seq; got != 50 || !l.Following() {
		t.Fatalf("selected seq %d following %v, want the newest (50) followed", got, l.Following())
	}
	press(l, "k", "k")
	if l.Following() {
		t.Fatal("still following after scrolling up")
	}
	held := l.Selected().Event.Seq
	for i := 50; i < 57; i++ {
		s.Add(ev(i))
	}
	l.Sync() // as the root does after each burst
	view := l.View()
	if l.Selected().Event.Seq != held {
		t.Errorf("selection jumped from %d to %d while paused", held, l.Selected().Event.Seq)
	}
	if !strings.Contains(view, "7 new") {
		t.Errorf("footer lacks \"7 new\":\n%s", view)
	}
	press(l, "G")
	s.Add(ev(57))
	if !l.Following() || l.Selected().Event.Seq != 58 || strings.Contains(l.View(), " new") {
		t.Errorf("after G: following %v seq %d; want to follow to 58 with no \"new\" count", l.Following(), l.Selected().Event.Seq)
	}
}

func TestListViewIsExactSizeWithHostileRows(t *testing.T) {
	s, l := filled(3, 60, 6)
	huge := strings.Repeat("\x1b[2J\u202eevil", 500000)
	s.Add(evBody(3, "SMS\x1b[31m", huge, json.RawMessage(`{}`)))
	v := l.View()
	lines := strings.Split(v, "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines, want 6", len(lines))
	}
	for i, line := range lines {
		if w := lipgloss.Width(line); w != 60 {
			t.Errorf("line %d is %d cells, want 60: %q", i, w, line)
		}
	}
	if strings.ContainsAny(v, "\x1b\u202e") {
		t.Error("raw escape or bidi override reached the screen")
	}
}

func TestSearchFindsTextDeepInBodyAndCycles(t *testing.T) {
	s, l := filled(20, 100, 8)
	// The needle sits after 1 MB of body: a truncated-prefix search misses it.
	body := `{"pad":"` + strings.Repeat("x", 1<<20) + `","note":"NeedleHere"}`
	s.Add(evBody(20, "SMS", "big", json.RawMessage(body)))
	for i := 21; i < 30; i++ {
		s.Add(ev(i))
	}
	s.Add(evBody(30, "SMS", "second needlehere", json.RawMessage(`{}`)))
	press(l, "g", "/")
	typeText(l, "needlehere")
	press(l, "enter")
	if got := l.Selected().Event.Seq; got != 21 {
		t.Fatalf("first match seq %d, want 21 (the 1 MB body)", got)
	}
	press(l, "n")
	if got := l.Selected().Event.Seq; got != 31 {
		t.Fatalf("n went to %d, want 31", got)
	}
	press(l, "n")
	if got := l.Selected().Event.Seq; got != 21 {
		t.Fatalf("n did not wrap: %d", got)
	}
	press(l, "N")
	if got := l.Selected().Event.Seq; got != 31 {
		t.Fatalf("N went to %d, want 31", got)
	}
	if l.SetSearch("absent-word") || !strings.Contains(l.View(), "no match") {
		t.Error("a search with no match should say so")
	}
}

func TestJQFilterNarrowsAndInvalidKeepsView(t *testing.T) {
	s, l := filled(40, 100, 10)
	s.Add(state(40, protocol.PhaseDropped))
	press(l, ":")
	typeText(l, `select(.body.direction=="Inbound")`)
	press(l, "enter")
	// 20 inbound events plus the state row, which jq never hides.
	if got := l.Visible(); got != 21 {
		t.Fatalf("visible %d after filter, want 21", got)
	}
	for n := s.First(); n < s.End(); n++ {
		if s.At(n) == nil {
			t.Fatal("filtering dropped a row from the store")
		}
	}
	press(l, ":")
	typeText(l, `)`) // the old expression is offered for editing; break it
	press(l, "enter")
	if !l.Editing() || !strings.Contains(l.View(), "jq: ") {
		t.Fatalf("invalid expression from the prompt: editing %v, view:\n%s", l.Editing(), l.View())
	}
	press(l, "esc")
	if err := l.SetFilter(`select(.body.direction==`); err == nil {
		t.Fatal("invalid expression accepted")
	}
	if got := l.Visible(); got != 21 || l.Filter() != `select(.body.direction=="Inbound")` {
		t.Errorf("invalid expression changed the view: %d rows, filter %q", got, l.Filter())
	}
	if !strings.Contains(l.View(), "jq: ") {
		t.Error("the parser's message is not shown")
	}
	// New events are filtered as they arrive.
	s.Add(ev(41)) // outbound
	s.Add(ev(42)) // inbound
	if got := l.Visible(); got != 22 {
		t.Errorf("visible %d after two arrivals, want 22", got)
	}
	press(l, "esc")
	if got := l.Visible(); got != 43 {
		t.Errorf("esc left %d rows, want all 43", got)
	}
}

func TestNoiseTogglesAndHiddenCounts(t *testing.T) {
	s, l := filled(5, 120, 12)
	s.Add(heartbeat(5))
	s.Add(heartbeat(6))
	s.Add(state(7, protocol.PhaseRecovered))
	s.Add(protocol.Update{Time: t0, Kind: protocol.KindGap, Gap: &protocol.Gap{Missed: 3, Reason: "sequence jumped"}})
	if got := l.Visible(); got != 7 {
		t.Fatalf("visible %d, want 7 (heartbeats hidden by default)", got)
	}
	if !strings.Contains(l.View(), "hidden: 2 heartbeats") {
		t.Errorf("hidden count missing:\n%s", l.View())
	}
	press(l, "H")
	if got := l.Visible(); got != 9 {
		t.Errorf("after H visible %d, want 9", got)
	}
	press(l, "!")
	if got := l.Visible(); got != 2 {
		t.Errorf("only gaps+recoveries shows %d rows, want 2", got)
	}
	if !strings.Contains(l.View(), "GAP, 3 missed") {
		t.Errorf("gap row not drawn:\n%s", l.View())
	}
}

func TestMouseClickSelectsRow(t *testing.T) {
	_, l := filled(30, 100, 11)
	l.SetOrigin(0, 2)
	l.Update(tea.MouseClickMsg{Button: tea.MouseLeft, X: 5, Y: 2}) // first drawn row
	if got := l.Selected().Event.Seq; got != 21 || l.Following() {
		t.Errorf("click selected %d following %v, want 21 and paused", got, l.Following())
	}
	l.Update(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if got := l.Selected().Event.Seq; got != 18 {
		t.Errorf("wheel up selected %d, want 18", got)
	}
}

func TestListSurvivesEvictionWhilePaused(t *testing.T) {
	s := NewStore(10)
	l := NewList(s, Styles{})
	l.SetSize(100, 6)
	for i := range 10 {
		s.Add(ev(i))
	}
	press(l, "g") // oldest, paused
	for i := 10; i < 15; i++ {
		s.Add(ev(i))
	}
	l.Sync()
	v := l.View()
	if got := l.Selected().Event.Seq; got != 6 {
		t.Errorf("selection on evicted row moved to seq %d, want the oldest kept (6)", got)
	}
	if !strings.Contains(v, "5 oldest dropped") || !strings.Contains(v, "5 new") {
		t.Errorf("footer should report evictions and new rows:\n%s", v)
	}
	if l.Visible() != 10 {
		t.Errorf("visible %d, want 10", l.Visible())
	}
}

// The filter runs off the UI goroutine: rows arriving meanwhile are not
// lost and are filtered too, and a superseded run's result is ignored.
func TestFilterRunsWhileEventsArrive(t *testing.T) {
	s, l := filled(10, 100, 8)
	cmd, err := l.startFilter(`select(.body.direction=="Inbound")`)
	if err != nil || cmd == nil {
		t.Fatalf("startFilter: %v", err)
	}
	if !strings.Contains(l.View(), "filtering") {
		t.Error("no sign that a filter is running")
	}
	for i := 10; i < 14; i++ {
		s.Add(ev(i))
	}
	l.Update(cmd())
	if got := l.Visible(); got != 7 { // inbound: 0,2,...,12
		t.Errorf("visible %d, want 7", got)
	}
	old, _ := l.startFilter(`select(.body.direction=="Outbound")`)
	newer, _ := l.startFilter(`select(.body.id=="3")`)
	l.Update(newer())
	l.Update(old()) // arrives late: must not win
	if got := l.Visible(); got != 1 || l.Filter() != `select(.body.id=="3")` {
		t.Errorf("late result won: visible %d, filter %q", got, l.Filter())
	}
}

// Search marks its matches on every row shown, the selected one too
// (where n lands), and the footer counts them.
func TestSearchMarksMatchesOnTheSelectedRowToo(t *testing.T) {
	st := Styles{Match: lipgloss.NewStyle().Underline(true), Selected: lipgloss.NewStyle().Reverse(true)}
	s := NewStore(0)
	for i := range 5 {
		s.Add(ev(i))
	}
	l := NewList(s, st)
	l.SetSize(80, 6)
	if !l.SetSearch("msg 3") {
		t.Fatal("no match")
	}
	v := l.View()
	if want := st.Match.Reverse(true).Render("msg 3"); !strings.Contains(v, want) {
		t.Errorf("the selected match is not marked:\n%q", v)
	}
	if !strings.Contains(ansi.Strip(v), "/msg 3 (1 of 1)") {
		t.Errorf("the footer does not count the matches:\n%s", ansi.Strip(v))
	}
}

// A jq filter set before any event arrived is in force at once; one that
// never ends (`def f: f; f`) must not then freeze the screen on the first
// event: it is dropped, the events are shown, and the list says why.
func TestARunawayFilterOnNewEventsIsDroppedNotFrozenOn(t *testing.T) {
	s := NewStore(100)
	l := NewList(s, Styles{})
	l.SetSize(120, 10)
	if err := l.SetFilter("def f: f; f"); err != nil {
		t.Fatal(err)
	}
	s.Add(ev(1))
	done := make(chan struct{})
	go func() { l.Sync(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Sync is still running the filter after 10 s")
	}
	if v := l.View(); !strings.Contains(v, "msg 1") || !strings.Contains(l.notice, "took too long") {
		t.Fatalf("want the event shown and the filter dropped; notice %q:\n%s", l.notice, v)
	}
}
