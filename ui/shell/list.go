package shell

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/evtap/evtap/protocol"
)

// list is the scrolling event list. It follows the tail until the user
// moves up; then it holds still and counts what arrived meanwhile.
type list struct {
	store    *store
	selected int // row number; meaningful when !follow
	follow   bool
	unseen   int
	width    int
	height   int
	query    string
}

func newList(keep int) list { return list{store: newStore(keep), follow: true} }

func (l *list) add(u protocol.Update) {
	before := l.store.end()
	l.store.add(u)
	if !l.follow && l.store.end() > before {
		l.unseen++
	}
	if !l.store.has(l.selected) && !l.follow {
		l.selected = l.store.first
	}
}

func (l *list) setSize(w, h int) { l.width, l.height = w, h }

// current is the selected row, or nil when the list is empty.
func (l *list) current() *protocol.Update {
	if l.store.len() == 0 {
		return nil
	}
	n := l.selected
	if l.follow || !l.store.has(n) {
		n = l.store.end() - 1
	}
	return l.store.at(n)
}

// move shifts the selection by d rows and stops following the tail.
func (l *list) move(d int) {
	if l.store.len() == 0 {
		return
	}
	if l.follow {
		l.selected = l.store.end() - 1
	}
	l.selected = min(max(l.selected+d, l.store.first), l.store.end()-1)
	l.follow = l.selected == l.store.end()-1 && d > 0
	if l.follow {
		l.unseen = 0
	}
}

func (l *list) top() {
	l.follow = false
	l.selected = l.store.first
}

func (l *list) bottom() {
	l.follow, l.unseen = true, 0
}

// find moves to the next row (dir 1) or previous (dir -1) whose text
// contains the query, searching the whole payload of every stored row.
func (l *list) find(dir int) bool {
	if l.query == "" || l.store.len() == 0 {
		return false
	}
	q := strings.ToLower(l.query)
	from := l.selected
	if l.follow {
		from = l.store.end() - 1
	}
	for i := 1; i <= l.store.len(); i++ {
		n := from + dir*i
		if n < l.store.first || n >= l.store.end() {
			break
		}
		if matches(l.store.at(n), q) {
			l.follow, l.selected = false, n
			return true
		}
	}
	return false
}

func matches(u *protocol.Update, q string) bool {
	text := rowText(u)
	if u.Event != nil {
		text += " " + string(u.Event.Body)
	}
	return strings.Contains(strings.ToLower(text), q)
}

// view draws only the visible rows.
func (l *list) view(st styles) string {
	if l.height <= 0 {
		return ""
	}
	end := l.store.end()
	sel := end - 1
	if !l.follow && l.store.has(l.selected) {
		sel = l.selected
	}
	last := end
	if !l.follow {
		// keep the selection on screen, as low as it can sit
		last = min(end, max(sel+1, l.store.first+l.height))
	}
	first := max(l.store.first, last-l.height)
	var b strings.Builder
	for n := first; n < last; n++ {
		line := ansi.Truncate(rowLine(l.store.at(n)), l.width, "…")
		switch {
		case n == sel:
			line = st.selected.Render(padRight(line, l.width))
		default:
			line = rowStyle(st, l.store.at(n)).Render(line)
		}
		b.WriteString(line)
		if n < last-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func padRight(s string, w int) string {
	if d := w - lipgloss.Width(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

func rowStyle(st styles, u *protocol.Update) lipgloss.Style {
	switch u.Kind {
	case protocol.KindGap, protocol.KindError:
		return st.alert
	case protocol.KindState, protocol.KindSubscription:
		return st.muted
	case protocol.KindMarker:
		return st.marker
	}
	return st.event
}

// rowLine is one row: receive time, kind, key fields, sequence, markers.
func rowLine(u *protocol.Update) string {
	ts := u.Time.Local().Format("15:04:05.000")
	if u.Kind == protocol.KindEvent {
		e := u.Event
		seq := ""
		if e.Seq > 0 {
			seq = "#" + strconv.FormatUint(e.Seq, 10)
		}
		flag := " "
		switch {
		case e.Duplicate:
			flag = "D"
		case e.Replayed:
			flag = "R"
		}
		return fmt.Sprintf("%s %s %-7s %-12s %s", ts, flag, seq, sanitize(e.Label, 12), sanitize(e.Summary, 300))
	}
	return fmt.Sprintf("%s · %s", ts, rowText(u))
}

// rowText is the text of a row that is not an event.
func rowText(u *protocol.Update) string {
	switch u.Kind {
	case protocol.KindEvent:
		return u.Event.Label + " " + u.Event.Summary
	case protocol.KindState:
		s := "── " + string(u.State.Phase)
		if u.State.Phase == protocol.PhaseBackoff {
			s += fmt.Sprintf(" attempt %d in %s", u.State.Attempt, u.State.Delay.Duration().Round(1e6))
		}
		if u.State.Cause != "" {
			s += ": " + sanitize(u.State.Cause, 200)
		}
		if r := u.State.Recovery; r != nil && r.Outcome != "" {
			s += " (recoveryState " + sanitize(strings.TrimSpace(r.Outcome+" "+r.ErrorCode), 40) + ")"
		}
		return s
	case protocol.KindGap:
		g := u.Gap
		s := "!! GAP " + sanitize(g.Reason, 200)
		if g.From > 0 {
			s += fmt.Sprintf(" (seq %d..%d", g.From, g.To)
			if g.Missed > 0 {
				s += fmt.Sprintf(", %d missed", g.Missed)
			}
			s += ")"
		}
		return s
	case protocol.KindMarker:
		return "▶ MARK " + sanitize(u.Marker.Label, 200)
	case protocol.KindError:
		return "!! " + sanitize(u.Error.Where+": "+u.Error.Message, 300)
	case protocol.KindSubscription:
		if e := u.Subscription.Error; e != nil {
			return "── subscription refused: " + sanitize(e.Error(), 200)
		}
		return fmt.Sprintf("── subscription %s %s, %d filter(s)", sanitize(u.Subscription.ID, 40), sanitize(u.Subscription.Status, 20), len(u.Subscription.Filters))
	}
	return string(u.Kind)
}
