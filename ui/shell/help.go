package shell

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// The help screen lists every key the source accepts, in titled groups.
// Groups are set side by side while they fit the width, and the screen
// scrolls when they do not fit the height, so nothing is ever cut off:
// at 80x24 as at 200x60.

// helpLines lays out the groups in columns of at most width cells and
// returns the lines: as many columns as fit, each group whole in one.
func (m Model) helpLines(width, height int) []string {
	var blocks [][]string
	colW := 0
	for _, g := range m.groups() {
		keyW := 0
		for _, b := range g.bindings {
			keyW = max(keyW, lipgloss.Width(b.Help().Key))
		}
		block := []string{m.st.title.Render(g.title)}
		for _, b := range g.bindings {
			h := b.Help()
			line := m.st.key.Render(padRight(h.Key, keyW)) + "  " + h.Desc
			block = append(block, line)
			colW = max(colW, lipgloss.Width(line))
		}
		blocks = append(blocks, block)
	}
	const gutter = 4
	// Fill columns group by group; try the fewest columns first, so the
	// screen reads down, and take the first layout that fits the height.
	for cols := 1; cols*(colW+gutter) <= width+gutter && cols <= len(blocks); cols++ {
		if lines, ok := columns(blocks, cols, colW+gutter, height); ok {
			return lines
		}
	}
	// One column, scrolled: the widest lines are cut at the edge by View.
	var lines []string
	for i, b := range blocks {
		if i > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, b...)
	}
	return lines
}

// columns sets blocks into cols columns of width w, balanced by height,
// and reports whether they fit in height lines.
func columns(blocks [][]string, cols, w, height int) ([]string, bool) {
	total := 0
	for _, b := range blocks {
		total += len(b) + 1
	}
	target := (total + cols - 1) / cols
	var cs [][]string
	var cur []string
	for _, b := range blocks {
		if len(cur) > 0 && len(cur)+len(b) > target && len(cs) < cols-1 {
			cs = append(cs, cur)
			cur = nil
		}
		if len(cur) > 0 {
			cur = append(cur, "")
		}
		cur = append(cur, b...)
	}
	cs = append(cs, cur)
	rows := 0
	for _, c := range cs {
		rows = max(rows, len(c))
	}
	if rows > height {
		return nil, false
	}
	lines := make([]string, rows)
	for i := range lines {
		var b strings.Builder
		for j, c := range cs {
			cell := ""
			if i < len(c) {
				cell = c[i]
			}
			if j < len(cs)-1 {
				cell = padRight(cell, w)
			}
			b.WriteString(cell)
		}
		lines[i] = strings.TrimRight(b.String(), " ")
	}
	return lines, true
}

// helpBody is the room the help screen has for its lines, under its
// title and a blank line.
func (m Model) helpBody() int { return max(m.height-2, 1) }

// helpView draws the help screen from line m.helpOff.
func (m Model) helpView() string {
	lines := m.helpLines(m.width, m.helpBody())
	body := m.helpBody()
	off := min(m.helpOff, max(len(lines)-body, 0))
	hint := "  (any key closes)"
	if len(lines) > body {
		hint = "  (↑/↓ pgup/pgdn scroll · any other key closes)"
		more := len(lines) - off - body
		if more > 0 {
			hint += "  ↓ " + itoa(more) + " more"
		}
	}
	shown := lines[off:min(off+body, len(lines))]
	return m.st.title.Render("Keys") + m.st.muted.Render(hint) + "\n\n" + strings.Join(shown, "\n")
}

// scrollHelp scrolls the help screen for a scrolling key and reports
// whether k was one.
func (m *Model) scrollHelp(k interface{ String() string }) bool {
	n := len(m.helpLines(m.width, m.helpBody()))
	page := m.helpBody()
	last := max(n-page, 0)
	if last == 0 {
		return false // it all fits: any key closes, as the title says
	}
	switch k.String() {
	case "up", "k":
		m.helpOff--
	case "down", "j":
		m.helpOff++
	case "pgup", "b":
		m.helpOff -= page
	case "pgdown", "space", " ":
		m.helpOff += page
	case "home", "g":
		m.helpOff = 0
	case "end", "G":
		m.helpOff = last
	default:
		return false
	}
	m.helpOff = max(0, min(m.helpOff, last))
	return true
}
