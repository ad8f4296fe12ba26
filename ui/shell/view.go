package shell

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/ui"
	events "github.com/evtap/evtap/ui/eventlist"
)

const sep = " │ "

// paneRows is how many lines each top pane may use at the current size.
func (m Model) paneRows() int {
	switch {
	case m.height >= 40:
		return 8
	case m.height >= 30:
		return 6
	}
	return 4
}

// panesHeight is the height of the block of top panes.
func (m Model) panesHeight() int {
	h := m.paneRows() + 1
	if m.width < 120 {
		h += min(3, m.paneRows()) + 1 // subscription below, shortened
	}
	return h
}

// listTop is the screen row the list starts on.
func (m Model) listTop() int {
	y := 1 /*header*/ + m.panesHeight() + 1 /*counters*/
	if _, ok := m.src.(ui.Progresser); ok {
		y++
	}
	return y
}

// listHeight includes the list's own footer line.
func (m Model) listHeight() int { return max(m.height-m.listTop()-m.bottomHeight(), 2) }

// bottomHeight is what lies under the list: the footer, or the composer
// while it is open.
func (m Model) bottomHeight() int {
	if m.mode == modeCompose {
		return m.composer.height()
	}
	return 1
}

// statsWidth is the width of the stats column beside the list; 0 when
// the terminal is too narrow for one.
func (m Model) statsWidth() int {
	if m.width < 140 {
		return 0
	}
	return 34
}

func (m Model) listWidth() int {
	if w := m.statsWidth(); w > 0 {
		return m.width - w - len(sep)
	}
	return m.width
}

// pane draws a titled block exactly w columns wide and rows+1 lines high.
func (m Model) pane(title string, lines []string, w, rows int) string {
	out := make([]string, 0, rows+1)
	out = append(out, padRight(truncate(m.st.title.Render(title), w, "…"), w))
	for i := 0; i < rows; i++ {
		l := ""
		if i < len(lines) {
			l = lines[i]
			if i == rows-1 && len(lines) > rows {
				l = fmt.Sprintf("… %d more", len(lines)-rows+1)
			}
		}
		out = append(out, padRight(truncate(l, w, "…"), w))
	}
	return strings.Join(out, "\n")
}

func (m Model) panes() string {
	now := m.clock()
	rows := m.paneRows()
	st := &m.status
	sub := st.subs.lines(now, st.prov.ShortFilter)
	if m.width >= 120 {
		avail := m.width - 2*len(sep)
		wc, wr := avail*40/100, avail*25/100
		conn := st.connectionLines(now, wc)
		ctx := st.contextLines(now, m.reveal, wr)
		ws := avail - wc - wr
		return joinColumns(
			m.pane("Connection", conn, wc, rows), m.column(rows),
			m.pane(st.contextTitle(), ctx, wr, rows), m.column(rows),
			m.pane(st.subscriptionsTitle(), sub, ws, rows))
	}
	avail := m.width - len(sep)
	wc := avail * 55 / 100
	conn := st.connectionLines(now, wc)
	ctx := st.contextLines(now, m.reveal, avail-wc)
	top := joinColumns(
		m.pane("Connection", conn, wc, rows), m.column(rows),
		m.pane(st.contextTitle(), ctx, avail-wc, rows))
	return top + "\n" + m.pane(st.subscriptionsTitle(), sub, m.width, min(3, rows))
}

func (m Model) column(rows int) string {
	return m.st.muted.Render(strings.TrimSuffix(strings.Repeat(sep+"\n", rows+1), "\n"))
}

func (m Model) header() string {
	badge := " LIVE "
	if m.src.Controls().Has(protocol.CmdPause) {
		badge = " REPLAY "
	}
	if m.status.state.Phase != protocol.PhaseLive && badge == " LIVE " {
		badge = " " + strings.ToUpper(m.status.phase()) + " "
	}
	left := m.st.badge.Render(sanitize(badge, 40)) + " " + m.st.title.Render("evtap") + " " + sanitize(m.opts.Title, 100)
	var right string
	if _, ok := m.src.(ui.Recorder); ok {
		st := m.recording
		switch {
		case st.Path != "" && st.Err == "":
			right = fmt.Sprintf("● REC %s (%d written)", sanitize(st.Path, 60), st.Written)
		case st.Err != "":
			right = m.st.alert.Render("RECORDING FAILED: " + sanitize(st.Err, 80))
		}
	}
	return m.line(left, right)
}

// line puts left and right on one line of the full width.
func (m Model) line(left, right string) string {
	gap := m.width - width(left) - width(right)
	if gap < 1 {
		return truncate(left+" "+right, m.width, "…")
	}
	return left + strings.Repeat(" ", gap) + right
}

func (m Model) counters() string {
	s := m.status.statsLine(m.stats, m.clock())
	var extra []string
	if m.skipped > 0 {
		extra = append(extra, fmt.Sprintf("%d skipped: the screen fell behind", m.skipped))
	}
	if m.damaged > 0 {
		extra = append(extra, fmt.Sprintf("%d damaged line(s) skipped: %s", m.damaged, sanitize(m.lastDamage, 100)))
	}
	if len(extra) == 0 {
		return m.line(m.st.muted.Render(s), "")
	}
	// what needs the user's attention comes first, so a narrow screen
	// cuts the counters, not the warning
	return m.line(m.st.alert.Render(strings.Join(extra, " · "))+"  "+m.st.muted.Render(s), "")
}

func (m Model) progress() string {
	if _, ok := m.src.(ui.Progresser); !ok {
		return ""
	}
	pr := m.played
	speed := "max"
	if pr.Speed > 0 {
		speed = fmt.Sprintf("%gx", pr.Speed)
	}
	state := "▶"
	if pr.Paused {
		state = "⏸"
	}
	if pr.Done {
		state = "■"
	}
	label := fmt.Sprintf(" %s %s / %s %s ", state, pr.Position.Round(1e8), pr.Total.Round(1e8), speed)
	w := max(m.width-width(label), 10)
	bar := []rune(strings.Repeat("─", w))
	for _, f := range pr.Marks {
		if i := int(f * float64(w-1)); i >= 0 && i < w {
			bar[i] = '┼'
		}
	}
	if pr.Total > 0 {
		i := int(float64(pr.Position) / float64(pr.Total) * float64(w-1))
		if i >= 0 && i < w {
			bar[i] = '●'
		}
	}
	return label + string(bar)
}

func (m Model) footer() string {
	if m.notice != "" && m.opts.Now().Sub(m.noticeAt) < 4e9 {
		return m.line(m.st.title.Render(sanitize(m.notice, 200)), "")
	}
	if m.ended {
		why := "the source has ended"
		if m.opts.Ended != nil {
			if r := m.opts.Ended(); r != "" {
				why = sanitize(r, 80) + ": the session has ended"
			}
		}
		return m.line(m.st.alert.Render(why+" — q quits"), "")
	}
	return m.st.muted.Render(truncate(m.hint(), m.width, "…"))
}

// fitKeys joins the footer's keys into width cells: when they do not all
// fit, the last ones (? keys, q quit) stay and "…" stands for those left
// out, which ? lists.
func fitKeys(parts []string, keep, width int) string {
	const sep = " · "
	all := strings.Join(parts, sep)
	if ansi.StringWidth(all) <= width || len(parts) <= keep {
		return all
	}
	tail := strings.Join(parts[len(parts)-keep:], sep)
	room := width - ansi.StringWidth(tail) - ansi.StringWidth(sep+"…"+sep)
	var head []string
	for _, p := range parts[:len(parts)-keep] {
		if w := ansi.StringWidth(strings.Join(append(head, p), sep)); w > room {
			break
		}
		head = append(head, p)
	}
	return strings.Join(append(head, "…", tail), sep)
}

// hint is the footer's list of keys: exactly what the source accepts.
func (m Model) hint() string {
	if m.src.Controls().Has(protocol.CmdPause) {
		return "space pause · +/- speed · n step · 0 1…9 $ seek · ] next change · enter detail · / search · ? keys · q quit"
	}
	var parts []string
	add := func(as []action) {
		for _, a := range offered(as) {
			parts = append(parts, a.b.Help().Key+" "+a.word)
		}
	}
	before, after := m.actions()
	add(before)
	parts = append(parts, "enter detail", "/ search")
	add(after)
	parts = append(parts, "t tokens", "? keys", "q quit")
	return fitKeys(parts, 2, m.width)
}

// clock is the moment the panes and the rate are measured at: now for a
// live session, the newest Update's time for a replay, which plays its
// own clock (a paused replay has no "no events for 3 days" stall).
func (m Model) clock() time.Time {
	if _, ok := m.src.(ui.Progresser); ok {
		return m.lastAt
	}
	return m.opts.Now()
}

// Below this size the screen cannot be drawn usefully: a notice says so
// instead of a jumble of cut panes.
const minWidth, minHeight = 60, 16

// tooSmall is the notice for a terminal below the minimum size, wrapped
// to whatever width there is.
func (m Model) tooSmall() string {
	text := fmt.Sprintf("terminal too small: %dx%d; evtap needs at least %dx%d. Enlarge it, or q quits.", m.width, m.height, minWidth, minHeight)
	lines := strings.Split(ansi.Wrap(text, max(m.width, 1), ""), "\n")
	for i, l := range lines {
		lines[i] = m.st.alert.Render(l)
	}
	return strings.Join(lines, "\n")
}

// View draws the whole screen at the current size.
func (m Model) View() tea.View {
	var body string
	if m.width < minWidth || m.height < minHeight {
		v := tea.NewView(clip(m.tooSmall(), m.width, m.height))
		v.AltScreen = true
		v.WindowTitle = "evtap"
		return v
	}
	if screen, ok := m.promptFrame(); ok {
		return m.finish(screen)
	}
	switch m.mode {
	case modeDetail:
		body = m.detail.View()
	case modeEditor:
		body = m.editor.view(m.st)
	case modeHelp:
		body = m.helpView()
	default:
		parts := []string{m.header(), m.panes(), m.counters()}
		if pr := m.progress(); pr != "" {
			parts = append(parts, pr)
		}
		list := m.list.View()
		if sw := m.statsWidth(); sw > 0 {
			stats := m.stats.View(sw, m.listHeight(), events.StylesFrom(m.opts.Theme), m.clock())
			list = joinColumns(padBlock(list, m.listWidth()), m.column(m.listHeight()-1), stats)
		}
		parts = append(parts, list)
		switch m.mode {
		case modePrompt:
			parts = append(parts, m.input.View())
		case modeFaults:
			parts[len(parts)-1] = m.faults.view(m.st, m.listHeight())
			parts = append(parts, m.footer())
		case modeCompose:
			notice := ""
			if m.opts.Now().Sub(m.noticeAt) < 4e9 {
				notice = m.notice
			}
			parts = append(parts, m.composer.view(m.st, m.width, notice))
		default:
			parts = append(parts, m.footer())
		}
		body = strings.Join(parts, "\n")
	}
	screen := clip(body, m.width, m.height)
	m.keep(screen)
	return m.finish(screen)
}

// finish makes the View of a drawn screen.
func (m Model) finish(screen string) tea.View {
	v := tea.NewView(screen)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "evtap"
	return v
}

// clip makes sure nothing overflows the terminal: no line wider than it,
// no more lines than it has.
func clip(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if width(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	return strings.Join(lines, "\n")
}

// padBlock pads every line of s to width w, so a column beside it lines up.
func padBlock(s string, w int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = padRight(l, w)
	}
	return strings.Join(lines, "\n")
}

func padRight(s string, w int) string {
	if d := w - width(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}
