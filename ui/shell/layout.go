package shell

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	events "github.com/evtap/evtap/ui/eventlist"
)

// The screen is drawn every frame, and at 200 columns measuring text is
// most of a frame's cost: these measure with events.Width, which counts
// what evtap draws a byte at a time and hands anything else to the same
// grapheme rules lipgloss uses.

// width is the cells a one-line string takes.
func width(s string) int { return events.Width(s) }

// truncate cuts a styled line to w cells, ending with tail, when it is
// wider; ansi.Truncate walks every grapheme even when nothing is cut.
func truncate(s string, w int, tail string) string {
	if width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, tail)
}

// joinColumns is lipgloss.JoinHorizontal(lipgloss.Top, blocks...): the
// blocks side by side, each line of a block padded to the block's width
// and a shorter block padded with blank lines.
func joinColumns(blocks ...string) string {
	cols := make([][]string, len(blocks))
	widths := make([]int, len(blocks))
	height := 0
	for i, b := range blocks {
		cols[i] = strings.Split(b, "\n")
		for _, l := range cols[i] {
			widths[i] = max(widths[i], width(l))
		}
		height = max(height, len(cols[i]))
	}
	var out strings.Builder
	for y := 0; y < height; y++ {
		if y > 0 {
			out.WriteByte('\n')
		}
		for i, col := range cols {
			l := ""
			if y < len(col) {
				l = col[y]
			}
			out.WriteString(l)
			if d := widths[i] - width(l); d > 0 {
				out.WriteString(strings.Repeat(" ", d))
			}
		}
	}
	return out.String()
}
