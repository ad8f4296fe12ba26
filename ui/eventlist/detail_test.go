package eventlist

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/evtap/evtap/protocol"
)

func TestDetailMasksRecoveryTokenAndCopies(t *testing.T) {
	d := NewDetail(Styles{})
	d.SetSize(80, 30)
	u := state(1, protocol.PhaseRecovered)
	u.State.Recovery = &protocol.Recovery{Token: "wsc-secret-token-0123456789", Sequence: 7, Outcome: "Successful"}
	d.Show(&u)
	v := d.View()
	if strings.Contains(v, "secret-token") || !strings.Contains(v, "wsc-…6789") {
		t.Errorf("recovery token not masked:\n%s", v)
	}
	if u.State.Recovery.Token != "wsc-secret-token-0123456789" {
		t.Error("masking changed the stored row")
	}
	if cmd := d.Update(tea.KeyPressMsg{Code: 'y', Text: "y"}); cmd == nil {
		t.Error("y gave no clipboard command")
	}
}

func TestDetailOfHugeBodyScrollsAndFits(t *testing.T) {
	items := make([]string, 100000)
	for i := range items {
		items[i] = `"\u001b[2J item"`
	}
	body := json.RawMessage(`{"items":[` + strings.Join(items, ",") + `]}`)
	u := evBody(1, "big", "big", body)
	d := NewDetail(Styles{})
	d.SetSize(40, 10)
	d.Show(&u)
	d.Update(tea.KeyPressMsg{Code: tea.KeyEnd})
	v := d.View()
	lines := strings.Split(v, "\n")
	if len(lines) != 10 {
		t.Fatalf("%d lines, want 10", len(lines))
	}
	for _, l := range lines {
		if w := lipgloss.Width(l); w != 40 {
			t.Errorf("line %q is %d cells", l, w)
		}
	}
	if !strings.Contains(v, "]") || strings.Contains(v, "\x1b") {
		t.Errorf("end of the body not shown, or raw escape present:\n%s", v)
	}
	if !strings.Contains(lines[1], "delay +150ms") {
		t.Errorf("delay missing: %q", lines[1])
	}
}

func TestStatsCountsAndSparkline(t *testing.T) {
	s := NewStats()
	for i := range 6 {
		s.Add(ev(i / 3)) // 3 events in second 0, 3 in second 1
	}
	s.Add(state(2, protocol.PhaseUpgraded))
	s.Add(state(2, protocol.PhaseDropped))
	s.Add(state(3, protocol.PhaseRecovered))
	s.Add(state(4, protocol.PhaseRecoveryFailed))
	s.Add(protocol.Update{Kind: protocol.KindGap, Gap: &protocol.Gap{Missed: 4}})
	s.Add(protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpText, Size: 500}})
	if s.Events != 6 || s.Reconnects != 1 || s.RecoveredOK != 1 || s.RecoveryBad != 1 || s.Gaps != 1 || s.Missed != 4 || s.Bytes != 500 {
		t.Errorf("stats wrong: %+v", *s)
	}
	if got := s.Rate(t0.Add(2*time.Second), 3); got[0] != 3 || got[1] != 3 || got[2] != 0 {
		t.Errorf("rate %v, want [3 3 0]", got)
	}
	if got := Sparkline([]int{0, 1, 8}); got != " ▁█" {
		t.Errorf("sparkline %q", got)
	}
	v := s.View(50, 6, Styles{}, t0.Add(2*time.Second))
	if !strings.Contains(v, "3 SMS In") || !strings.Contains(v, "missed 4") {
		t.Errorf("view:\n%s", v)
	}
}

// Keys and string values get different roles, and a value cut at the
// pane's edge is still coloured as a string (it is lexed before cutting).
func TestDetailHighlightsKeysApartFromValues(t *testing.T) {
	st := Styles{JSONKey: lipgloss.NewStyle().Bold(true), JSONString: lipgloss.NewStyle().Italic(true)}
	d := NewDetail(st)
	d.SetSize(30, 2)
	in := `  "subject": "a very long value that will not fit",`
	line, used := d.highlightJSON(in, 0, len(in), 30)
	if used != 30 || lipgloss.Width(line) != 30 {
		t.Fatalf("used %d, width %d; want 30", used, lipgloss.Width(line))
	}
	if want := st.JSONKey.Render(`"subject"`); !strings.Contains(line, want) {
		t.Errorf("key not in key role: %q", line)
	}
	if want := st.JSONString.Render(`"a very long val…`); !strings.Contains(line, want) {
		t.Errorf("cut value not in string role: %q", line)
	}
}

func TestDetailOpensAtSearchMatchDeepInBody(t *testing.T) {
	items := make([]string, 500)
	for i := range items {
		items[i] = `"filler"`
	}
	items[400] = `"the NeedleHere value"`
	u := evBody(1, "big", "big", json.RawMessage(`{"items":[`+strings.Join(items, ",")+`]}`))
	d := NewDetail(Styles{Match: lipgloss.NewStyle().Reverse(true)})
	d.SetSize(60, 10)
	d.SetSearch("needlehere")
	d.Show(&u)
	v := d.View()
	if !strings.Contains(v, lipgloss.NewStyle().Reverse(true).Render("NeedleHere")) {
		t.Errorf("match not shown highlighted:\n%s", v)
	}
}

// Rule: reconnects count connections lost after they had opened; a dial
// that never opened is a failed attempt, not a reconnect (five refused
// dials are not five reconnects).
func TestReconnectsDoNotCountFailedDials(t *testing.T) {
	s := NewStats()
	for range 5 {
		s.Add(state(0, protocol.PhaseDialing))
		s.Add(state(0, protocol.PhaseDropped))
		s.Add(state(0, protocol.PhaseBackoff))
	}
	s.Add(state(1, protocol.PhaseDialing))
	s.Add(state(1, protocol.PhaseUpgraded))
	s.Add(state(1, protocol.PhaseLive))
	s.Add(state(2, protocol.PhaseDropped))
	if s.Reconnects != 1 || s.FailedAttempts != 5 {
		t.Fatalf("reconnects %d, failed attempts %d; want 1 and 5", s.Reconnects, s.FailedAttempts)
	}
	if v := s.View(60, 4, Styles{}, t0); !strings.Contains(v, "reconnects 1") || !strings.Contains(v, "attempts failed 5") {
		t.Errorf("stats column:\n%s", v)
	}
}

// Rule: a notification the decoder says arrived late (Event.Late) was
// not lost: the gap it fell in counts one fewer, and a gap whose every
// notification arrived is no gap. A duplicate of it credits nothing.
func TestLateArrivalsAreNotCountedLost(t *testing.T) {
	s := NewStats()
	s.Add(protocol.Update{Kind: protocol.KindGap, Gap: &protocol.Gap{From: 10, To: 11, Missed: 2}})
	s.Add(protocol.Update{Kind: protocol.KindGap, Gap: &protocol.Gap{From: 20, To: 24, Missed: 5}})
	late := func(seq uint64, dup bool) protocol.Update {
		u := ev(3)
		u.Event.Seq, u.Event.Late, u.Event.Duplicate = seq, true, dup
		return u
	}
	s.Add(late(10, false))
	if s.Gaps != 2 || s.Missed != 6 {
		t.Fatalf("after one late arrival: gaps %d missed %d; want 2 and 6", s.Gaps, s.Missed)
	}
	s.Add(late(10, true)) // its duplicate
	s.Add(late(11, false))
	if s.Gaps != 1 || s.Missed != 5 {
		t.Fatalf("after the whole gap arrived: gaps %d missed %d; want 1 and 5", s.Gaps, s.Missed)
	}
	if v := s.View(60, 4, Styles{}, t0); !strings.Contains(v, "gaps 1  missed 5") {
		t.Errorf("stats column:\n%s", v)
	}
}

func TestTheStatsColumnSaysEventsPerSecondInFigures(t *testing.T) {
	s := NewStats()
	for sec := range 5 {
		for range 3 {
			s.Add(ev(sec))
		}
	}
	v := s.View(40, 4, Styles{}, t0.Add(5*time.Second))
	if first := strings.SplitN(v, "\n", 2)[0]; !strings.HasPrefix(first, "3/s ") {
		t.Fatalf("first line %q: want the rate in figures, 3/s", first)
	}
}
