package eventlist

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// painter draws text in one style. lipgloss.Style.Render works out
// borders, margins, padding and widths on every call, several hundred
// calls a frame; for a style that only sets colours and attributes, what
// it writes is always the same codes before and after the text, so
// those are worked out once (and checked against Render) and a cell is
// drawn by concatenation. Anything else goes to Render.
type painter struct {
	style     lipgloss.Style
	pre, post string
	fast      bool
	empty     string // what Render makes of ""
}

func newPainter(st lipgloss.Style) painter {
	p := painter{style: st, empty: st.Render("")}
	out := st.Render("x")
	i := strings.IndexByte(out, 'x')
	if i < 0 || strings.IndexByte(out[i+1:], 'x') >= 0 {
		return p
	}
	p.pre, p.post = out[:i], out[i+1:]
	for _, probe := range []string{"a b", " padded  ", "→ … │ é 日本", "12:00:01.000"} {
		if st.Render(probe) != p.pre+probe+p.post {
			return p
		}
	}
	p.fast = true
	return p
}

// Render draws strs joined by spaces, as lipgloss.Style.Render does; the
// text is one line of sanitized text (Cut), so it holds no tab, newline
// or escape code, which Render would treat otherwise.
func (p painter) Render(strs ...string) string {
	s := strings.Join(strs, " ")
	if s == "" {
		return p.empty
	}
	if !p.fast || strings.ContainsAny(s, "\t\n\r\x1b") {
		return p.style.Render(s)
	}
	return p.pre + s + p.post
}

// painters are a List's Styles, ready to draw.
type painters struct {
	time, label, seq, summary, selected, match           painter
	replayed, duplicate, state, recovery, gap, err, mark painter
	muted, notice                                        painter
	selectedMatch                                        painter // a search match on the selected row
}

func newPainters(st Styles) painters {
	return painters{
		time: newPainter(st.Time), label: newPainter(st.Label), seq: newPainter(st.Seq), summary: newPainter(st.Summary),
		selected: newPainter(st.Selected), match: newPainter(st.Match), replayed: newPainter(st.Replayed),
		duplicate: newPainter(st.Duplicate), state: newPainter(st.State), recovery: newPainter(st.Recovery),
		gap: newPainter(st.Gap), err: newPainter(st.Error), mark: newPainter(st.Marker), muted: newPainter(st.Muted),
		notice: newPainter(st.Notice), selectedMatch: newPainter(st.Match.Reverse(true)),
	}
}
