package eventlist

import (
	"strconv"
	"strings"

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
		line := gutter + tm + " " + labelCell + " " + seqCell + " " + string(flags) + " " + pad(textCell, rest)
		return l.paint.selected.Render(fit(line, w))
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

// footer is the status line under the rows: the prompt while typing,
// otherwise "N new", what is hidden, the filter and search, evictions.
func (l *List) footer() string {
	if l.prompt != 0 {
		line := Cut(string(l.prompt)+string(l.input), max(l.w-1, 0)) + "█"
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
		parts = append(parts, "/"+Cut(l.query, 20))
	}
	if ev := l.store.Evicted(); ev > 0 {
		parts = append(parts, l.st.Muted.Render(strconv.Itoa(ev)+" oldest dropped (--keep "+strconv.Itoa(l.store.Keep())+")"))
	}
	parts = append(parts, l.st.Muted.Render(strconv.Itoa(len(l.idx))+"/"+strconv.Itoa(l.store.Len())))
	return fit(strings.Join(parts, " · "), l.w)
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
