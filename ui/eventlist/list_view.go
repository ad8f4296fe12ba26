package eventlist

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/evtap/evtap/protocol"
)

// View draws the visible rows and a footer line, exactly SetSize's size.
// It only draws: rows added to the Store show once Sync (or Update) has
// taken them in, so no filter runs while a frame is drawn.
func (l *List) View() string {
	var b strings.Builder
	bh := l.bodyHeight()
	drawn := 0
	if len(l.idx) > 0 {
		for p := l.pos(l.top); p < len(l.idx) && drawn < bh; p++ {
			n := l.idx[p]
			b.WriteString(l.row(n, l.store.At(n), n == l.sel))
			b.WriteByte('\n')
			drawn++
		}
	}
	for ; drawn < bh; drawn++ {
		if drawn == 0 && len(l.idx) == 0 {
			b.WriteString(l.st.Muted.Render(pad(Cut(l.emptyText(), l.w), l.w)))
		} else {
			b.WriteString(strings.Repeat(" ", max(l.w, 0)))
		}
		b.WriteByte('\n')
	}
	b.WriteString(l.footer())
	return b.String()
}

func (l *List) emptyText() string {
	if l.store.Len() == 0 {
		return "waiting for events…"
	}
	return "nothing matches (esc clears the filter)"
}

// row draws one row in exactly l.w cells.
func (l *List) row(n int, u *protocol.Update, selected bool) string {
	w := l.w
	gutter := " "
	if selected {
		gutter = "›"
	}
	label, text := rowCells(u)
	if t, ok := l.shown[n]; ok {
		text = t // through the provider's redaction, in Sync
	}
	flags := []rune("   ")
	if u.Kind == protocol.KindEvent {
		if u.Event.Replayed {
			flags[0] = 'R'
		}
		if u.Event.Duplicate {
			flags[1] = 'D'
		}
		if s := u.Event.Seal; s != nil {
			flags[2] = sealMark(s)
		}
	}
	seq := ""
	if s := seqOf(u); s != 0 {
		seq = strconv.FormatUint(s, 10)
	}
	tm := u.Time.Local().Format("15:04:05.000")
	fixed := 1 + timeWidth + 1 + labelWidth + 1 + seqWidth + 1 + flagWidth + 1
	rest := max(w-fixed, 0)
	labelCell := pad(Cut(label, labelWidth), labelWidth)
	seqCell := padLeft(Cut(seq, seqWidth), seqWidth)
	textCell := Cut(text, rest)
	if selected {
		head := gutter + tm + " " + labelCell + " " + seqCell + " " + string(flags) + " "
		if fixed > w || l.query == "" {
			return l.paint.selected.Render(fit(head+pad(textCell, rest), w))
		}
		// The matches stay marked on the selected row too: n lands on it.
		sel := l.paint.selected.Render
		return sel(head) + highlight(textCell, l.query, sel, l.paint.selectedMatch.Render) +
			sel(strings.Repeat(" ", max(rest-Width(textCell), 0)))
	}
	p := &l.paint
	cell := p.summary
	switch u.Kind {
	case protocol.KindState:
		cell = p.state
		if c, _ := ClassOf(u); c == ClassRecovery {
			cell = p.recovery
		}
	case protocol.KindGap:
		cell = p.gap
	case protocol.KindError:
		cell = p.err
	case protocol.KindMarker:
		cell = p.mark
	case protocol.KindHeartbeat, protocol.KindRecv, protocol.KindSent:
		cell = p.muted
	}
	seal := p.replayed
	if flags[2] == sealBad {
		seal = p.err
	}
	flagCell := p.replayed.Render(string(flags[:1])) + p.duplicate.Render(string(flags[1:2])) + seal.Render(string(flags[2:]))
	line := gutter + p.time.Render(tm) + " " + p.label.Render(labelCell) + " " +
		p.seq.Render(seqCell) + " " + flagCell + " " +
		highlight(textCell, l.query, cell.Render, p.match.Render) +
		strings.Repeat(" ", max(rest-Width(textCell), 0))
	if fixed > w {
		return fit(line, w)
	}
	return line
}

// Footer is the list's last line as View draws it, exactly the list's
// width: for a root that redraws only this line while the prompt is
// being typed into.
func (l *List) Footer() string { return l.footer() }

// footer is the status line under the rows: the prompt while typing,
// otherwise "N new", what is hidden, the filter and search, evictions.
func (l *List) footer() string {
	if l.prompt != 0 {
		line := string(l.prompt) + tail(l.input, max(l.w-2, 0)) + "█"
		if l.notice != "" { // jq's complaint stays in sight while fixing
			line += " " + l.st.Notice.Render(Cut(l.notice, max(l.w-Width(line)-1, 0)))
		}
		return fit(line, l.w)
	}
	var parts []string
	if !l.follow && l.fresh > 0 {
		parts = append(parts, l.st.Notice.Render(strconv.Itoa(l.fresh)+" new ↓ G"))
	}
	if l.pending != nil {
		parts = append(parts, l.st.Notice.Render("filtering "+strconv.Itoa(l.store.Len())+" rows…"))
	}
	if l.notice != "" {
		parts = append(parts, l.st.Notice.Render(Cut(l.notice, max(l.w/2, 10))))
	}
	if h := l.hiddenText(); h != "" {
		parts = append(parts, l.st.Muted.Render(h))
	}
	if l.filter != nil {
		parts = append(parts, "jq "+Cut(l.filter.expr, 40))
	}
	if l.query != "" {
		parts = append(parts, "/"+Cut(l.typed, 20)+" ("+l.matchText()+")")
	}
	if ev := l.store.Evicted(); ev > 0 {
		parts = append(parts, l.st.Muted.Render(strconv.Itoa(ev)+" oldest dropped (--keep "+strconv.Itoa(l.store.Keep())+")"))
	}
	parts = append(parts, l.st.Muted.Render(strconv.Itoa(len(l.idx))+"/"+strconv.Itoa(l.store.Len())))
	return fit(strings.Join(parts, " · "), l.w)
}

// matchText counts the search's matches: "3 of 17" when the selected
// row is one, "17 matches" when it is not, "no match".
func (l *List) matchText() string {
	i := sort.SearchInts(l.hits, l.sel)
	switch n := len(l.hits); {
	case n == 0:
		return "no match"
	case i < n && l.hits[i] == l.sel:
		return strconv.Itoa(i+1) + " of " + strconv.Itoa(n)
	case n == 1:
		return "1 match"
	default:
		return strconv.Itoa(n) + " matches"
	}
}

// tail is the end of what is being typed that fits in w cells, after an
// ellipsis when the start is cut: the cursor is at the end, and a long
// paste shows where it stops. Only the runes drawn are looked at, so a
// 20,000-character paste costs no more to draw than a word.
func tail(in []rune, w int) string {
	if w <= 0 {
		return ""
	}
	cellsOf := func(r rune) int { _, w := escapeRune(r, utf8.RuneLen(r)); return w }
	cells, from := 0, len(in)
	for from > 0 && cells+cellsOf(in[from-1]) <= w {
		cells += cellsOf(in[from-1])
		from--
	}
	if from == 0 {
		return Sanitize(string(in))
	}
	for cells > w-1 && from < len(in) { // room for the ellipsis
		cells -= cellsOf(in[from])
		from++
	}
	return "…" + Sanitize(string(in[from:]))
}

// hiddenText counts the rows the toggles hide.
func (l *List) hiddenText() string {
	names := [...]string{ClassEvent: "events", ClassState: "state", ClassRecovery: "recovery",
		ClassGap: "gaps", ClassHeartbeat: "heartbeats", ClassControl: "control", ClassWire: "sent/http", ClassOther: "other"}
	var parts []string
	for c := ClassEvent; c <= ClassOther; c++ {
		hidden := l.hide[c]
		if l.onlyGaps {
			hidden = c != ClassGap && c != ClassRecovery
		}
		if n := l.store.Count(c); hidden && n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+names[c])
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "hidden: " + strings.Join(parts, ", ")
}

func pad(s string, w int) string {
	return s + strings.Repeat(" ", max(w-Width(s), 0))
}

func padLeft(s string, w int) string {
	return strings.Repeat(" ", max(w-Width(s), 0)) + s
}

// fit cuts or pads an already styled line to exactly w cells.
func fit(s string, w int) string {
	if Width(s) > w {
		s = ansiTruncate(s, w)
	}
	return pad(s, w)
}
