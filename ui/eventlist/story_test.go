package eventlist

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

// harness runs the list and the detail of its selection side by side as
// a program, the way the root embeds them, at a fixed size.
type harness struct {
	store  *Store
	list   *List
	detail *Detail
	focus  int // 0 list, 1 detail
}

type addMsg []protocol.Update

func (h harness) Init() tea.Cmd { return nil }

func (h harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case addMsg:
		for _, u := range msg {
			h.store.Add(u)
		}
	case tea.KeyPressMsg:
		if msg.String() == "tab" && !h.list.Editing() {
			h.focus = 1 - h.focus
			return h, nil
		}
		if msg.String() == "ctrl+c" {
			return h, tea.Quit
		}
		if h.focus == 1 {
			return h, h.detail.Update(msg)
		}
	}
	cmd := h.list.Update(msg)
	return h, cmd
}

func (h harness) View() tea.View {
	h.detail.SetSearch(h.list.Search())
	h.detail.Show(h.list.Selected())
	return tea.NewView(h.list.View() + "\n" + strings.Repeat("─", 80) + "\n" + h.detail.View())
}

func newHarness() harness {
	s := NewStore(0)
	l := NewList(s, Styles{})
	l.SetSize(80, 8)
	d := NewDetail(Styles{})
	d.SetSize(80, 12)
	return harness{store: s, list: l, detail: d}
}

func runStory(t *testing.T, steps func(tm *teatest.TestModel)) {
	t.Helper()
	tm := teatest.NewTestModel(t, newHarness(), teatest.WithInitialTermSize(80, 21),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	steps(tm)
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(harness)
	golden.RequireEqual(t, []byte(ansi.Strip(fm.View().Content)))
}

func waitFor(t *testing.T, tm *teatest.TestModel, s string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func story() addMsg {
	us := addMsg{state(0, protocol.PhaseLive)}
	for i := 1; i <= 12; i++ {
		us = append(us, ev(i))
	}
	us[10].Event.Replayed = true
	us[11].Event.Duplicate = true
	us = append(us, protocol.Update{Time: t0.Add(13 * time.Second), Kind: protocol.KindGap,
		Gap: &protocol.Gap{From: 14, To: 15, Missed: 2, Reason: "sequence jumped"}})
	us = append(us, heartbeat(14))
	return us
}

func TestStoryListFollowsThenScrolls(t *testing.T) {
	runStory(t, func(tm *teatest.TestModel) {
		tm.Send(story())
		waitFor(t, tm, "sequence jumped")
		tm.Type("kkk")
		tm.Send(addMsg{ev(15), ev(16)})
		waitFor(t, tm, "2 new")
	})
}

func TestStoryDetailOfSearchMatch(t *testing.T) {
	runStory(t, func(tm *teatest.TestModel) {
		tm.Send(story())
		waitFor(t, tm, "sequence jumped")
		tm.Type("/hello 7")
		tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		waitFor(t, tm, "12:00:07.000  seq 8")
		tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
		tm.Type("jj")
	})
}
