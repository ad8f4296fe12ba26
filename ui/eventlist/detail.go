package eventlist

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/evtap/evtap/protocol"
)

// Detail shows one row in full: a header (kind, arrival, the delay
// between the event's own timestamp and its arrival, sequence, replay),
// the pretty-printed JSON, highlighted, scrollable, every line wrapped to
// the width so nothing is cut off, and a footer with the keys; y copies
// the JSON to the clipboard (OSC 52) and the footer says so. The JSON is
// formatted and wrapped once per Show (and per width), and highlighted
// only for the lines on screen, so a 5 MB body scrolls freely.
type Detail struct {
	st     Styles
	redact func(string) string // a frame's text before it is shown; nil: as it came
	w, h   int
	header []string
	lines  []string // pretty JSON, sanitized lazily at View
	wraps  []wrap   // the lines as drawn at width w: each a part of one line
	pretty []byte   // what y copies
	off    int      // the first of wraps on screen
	shown  *protocol.Update
	shownV protocol.Update // what shown was, to spot the same row again
	keys   DetailKeyMap
	query  string // search text to highlight, lower case
	notice string // what the last key did (y: copied), until the next key
}

// wrap is one screen line of the JSON: bytes from..to of lines[line].
type wrap struct{ line, from, to int }

// SetSearch highlights q (the List's search) and, when the row shown
// next holds it, opens the view at its first line, which may be deep in
// a long body.
func (d *Detail) SetSearch(q string) { d.query = strings.ToLower(q) }

// DetailKeyMap is the Detail's bindings.
type DetailKeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom, Copy key.Binding
}

// ShortHelp is the bindings for the one-line help.
func (k DetailKeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Down, k.PageDown, k.Copy} }

// FullHelp is the bindings for the full help.
func (k DetailKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Copy}}
}

// NewDetail returns an empty Detail.
func NewDetail(st Styles) *Detail {
	return &Detail{st: st, keys: DetailKeyMap{
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("k/↑", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("j/↓", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "space"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		Copy:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy JSON")),
	}}
}

// KeyMap returns the bindings for the help view.
func (d *Detail) KeyMap() DetailKeyMap { return d.keys }

// SetStyles replaces the looks.
func (d *Detail) SetStyles(st Styles) { d.st = st }

// SetSize sets the size in cells.
func (d *Detail) SetSize(w, h int) {
	if w != d.w && d.lines != nil {
		top := d.topLine()
		d.w = w
		d.rewrap()
		d.off = d.firstWrapOf(top)
	}
	d.w, d.h = w, h
	d.clamp()
}

// topLine is the JSON line at the top of the screen.
func (d *Detail) topLine() int {
	if d.off < len(d.wraps) {
		return d.wraps[d.off].line
	}
	return 0
}

// firstWrapOf is the first screen line of JSON line i.
func (d *Detail) firstWrapOf(i int) int {
	return sort.Search(len(d.wraps), func(k int) bool { return d.wraps[k].line >= i })
}

// rewrap breaks every JSON line into screen lines of at most w cells,
// as they will be drawn (sanitized: an escaped control character takes
// four cells, and is never split).
func (d *Detail) rewrap() {
	d.wraps = d.wraps[:0]
	w := max(d.w, 1)
	for i, l := range d.lines {
		from, cells := 0, 0
		for j := 0; j < len(l); {
			r, size := utf8.DecodeRuneInString(l[j:])
			_, cw := escapeRune(r, size)
			if cells+cw > w && j > from {
				d.wraps = append(d.wraps, wrap{i, from, j})
				from, cells = j, 0
			}
			cells += cw
			j += size
		}
		d.wraps = append(d.wraps, wrap{i, from, len(l)})
	}
}

// Show displays u (nil clears). Showing the row already shown keeps the
// scroll position, so the root may call it on every frame.
func (d *Detail) Show(u *protocol.Update) {
	if u != nil && d.shown != nil && *u == d.shownV {
		return
	}
	d.shown, d.off, d.notice = u, 0, ""
	if u != nil {
		d.shownV = *u
	}
	d.header, d.lines, d.pretty, d.wraps = nil, nil, nil, d.wraps[:0]
	if u == nil {
		return
	}
	d.header = headerOf(u, d.redact)
	d.pretty = prettyJSON(u, d.redact)
	d.lines = strings.Split(string(d.pretty), "\n")
	d.rewrap()
	if d.query != "" {
		for i, l := range d.lines {
			if indexFold(l, d.query) >= 0 {
				d.off = d.firstWrapOf(max(i-1, 0)) // one line of context above
				break
			}
		}
		d.clamp()
	}
}

// headerOf is the summary above the JSON.
func headerOf(u *protocol.Update, redact func(string) string) []string {
	label, text := shownCells(u, redact)
	h := []string{label + "  " + text}
	// The delay goes first: on a narrow pane it is what matters most.
	line := "received " + u.Time.Local().Format("2006-01-02 15:04:05.000")
	if u.Kind == protocol.KindEvent {
		e := u.Event
		if !e.Timestamp.IsZero() {
			line = "delay " + delay(u.Time.Sub(e.Timestamp)) + "  " + line
		}
		if e.Seq != 0 {
			line += "  seq " + strconv.FormatUint(e.Seq, 10)
		}
		if e.Replayed {
			line += "  REPLAYED by recovery"
		}
		if e.Duplicate {
			line += "  DUPLICATE"
		}
		h = append(h, line)
		if names := eventNames(e); names != "" {
			h = append(h, names)
		}
		if s := e.Seal; s != nil {
			h = append(h, sealText(s))
		}
	} else {
		h = append(h, line)
	}
	return h
}

// eventNames is the event's name and id, each only when it has one;
// "" when it has neither (a raw stream's frame).
func eventNames(e *protocol.Event) string {
	var parts []string
	if e.Name != "" {
		parts = append(parts, "event "+e.Name)
	}
	if e.ID != "" {
		parts = append(parts, "id "+e.ID)
	}
	return strings.Join(parts, "  ")
}

// delay formats the event's own-timestamp-to-arrival delay; a negative
// one means the clocks disagree, which is worth seeing too.
func delay(d time.Duration) string {
	s := d.Round(time.Millisecond).String()
	if d >= 0 {
		s = "+" + s
	}
	return s
}

// sealText says what the provider's signing or encryption said of an
// event.
func sealText(s *protocol.Seal) string {
	if s.OK {
		return string(sealOK) + " seal " + s.Via + ": verified"
	}
	t := string(sealBad) + " seal " + s.Via + ": NOT verified"
	if s.Problem != "" {
		t += " (" + s.Problem + ")"
	}
	return t
}

// prettyJSON is the indented JSON of u: the notification for an event,
// a frame's own payload (its text, its REST exchange, its bytes in hex
// and base64), the whole Update otherwise, with recovery tokens and
// secret context fields masked, and a frame's text passed through redact.
func prettyJSON(u *protocol.Update, redact func(string) string) []byte {
	var raw []byte
	switch {
	case u.Kind == protocol.KindEvent:
		raw = u.Event.Body
	case u.Frame != nil && u.Frame.Op == protocol.OpBinary:
		return binaryDump(u.Frame)
	case u.Frame != nil && (u.Frame.Op == protocol.OpText || u.Frame.Op == protocol.OpHTTP):
		raw = []byte(u.Frame.Data)
		if redact != nil {
			raw = []byte(redact(u.Frame.Data))
		}
	default:
		c := *u
		if c.State != nil {
			c.State = maskState(c.State)
		}
		raw, _ = json.Marshal(c)
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return raw // not JSON: shown as it came, sanitized at View
	}
	return b.Bytes()
}

// Mask shows a secret as its first and last four characters only.
func Mask(s string) string {
	if len(s) <= 12 {
		return strings.Repeat("•", len(s))
	}
	return s[:4] + "…" + s[len(s)-4:]
}

// Update scrolls and copies.
func (d *Detail) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		k := d.keys
		page := max(d.bodyHeight()-1, 1)
		d.notice = ""
		switch {
		case key.Matches(msg, k.Up):
			d.off--
		case key.Matches(msg, k.Down):
			d.off++
		case key.Matches(msg, k.PageUp):
			d.off -= page
		case key.Matches(msg, k.PageDown):
			d.off += page
		case key.Matches(msg, k.Top):
			d.off = 0
		case key.Matches(msg, k.Bottom):
			d.off = len(d.wraps)
		case key.Matches(msg, k.Copy):
			if d.pretty == nil {
				d.notice = "nothing to copy"
				break
			}
			// OSC 52 asks the terminal to copy; whether it does is the
			// terminal's to decide, and it does not answer.
			d.notice = "copied " + sizeText(len(d.pretty)) + " to the clipboard (OSC 52: the terminal must allow it)"
			return tea.SetClipboard(string(d.pretty))
		}
	case tea.MouseWheelMsg:
		switch msg.Mouse().Button {
		case tea.MouseWheelUp:
			d.off -= 3
		case tea.MouseWheelDown:
			d.off += 3
		}
	}
	d.clamp()
	return nil
}

// bodyHeight is the lines left for the JSON under the header and over
// the footer.
func (d *Detail) bodyHeight() int { return max(d.h-len(d.header)-1, 1) }

func (d *Detail) clamp() {
	d.off = max(0, min(d.off, len(d.wraps)-d.bodyHeight()))
}

// sizeText says a byte count the way a person reads it.
func sizeText(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}

// View draws the header, the visible JSON lines and the footer, exactly
// SetSize's size.
func (d *Detail) View() string {
	var b strings.Builder
	drawn := 0
	body := d.h - 1 // the footer takes the last line
	if d.shown == nil {
		b.WriteString(d.st.Muted.Render(pad(Cut("no row selected", d.w), d.w)))
		drawn = 1
	}
	for i, h := range d.header {
		if drawn >= body {
			break
		}
		if drawn > 0 {
			b.WriteByte('\n')
		}
		st := d.st.Muted
		if i == 0 {
			st = d.st.Label
		}
		b.WriteString(st.Render(pad(Cut(h, d.w), d.w)))
		drawn++
	}
	for i := d.off; i < len(d.wraps) && drawn < body; i++ {
		if drawn > 0 {
			b.WriteByte('\n')
		}
		wr := d.wraps[i]
		line, used := d.highlightJSON(d.lines[wr.line], wr.from, wr.to, d.w)
		b.WriteString(line)
		b.WriteString(strings.Repeat(" ", max(d.w-used, 0)))
		drawn++
	}
	for ; drawn < body; drawn++ {
		if drawn > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.Repeat(" ", max(d.w, 0)))
	}
	if d.h > 0 {
		if drawn > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.footer())
	}
	return b.String()
}

// footer is the last line: what y did, else where the view is and the
// keys.
func (d *Detail) footer() string {
	if d.notice != "" {
		return d.st.Notice.Render(pad(Cut(d.notice, d.w), d.w))
	}
	where := ""
	if n := len(d.wraps); n > d.bodyHeight() {
		where = strconv.Itoa(min(d.off+d.bodyHeight(), n)*100/n) + "%  "
	}
	return d.st.Muted.Render(pad(Cut(where+"j/k scroll · y copy JSON · esc back", d.w), d.w))
}

// maskState masks what a state must not show: the recovery token and the
// values of secret context fields. st itself is left as it was.
func maskState(st *protocol.State) *protocol.State {
	s := *st
	if s.Recovery != nil {
		r := *s.Recovery
		r.Token = Mask(r.Token)
		s.Recovery = &r
	}
	if len(s.Context) > 0 {
		s.Context = append([]protocol.Field(nil), s.Context...)
		for i, f := range s.Context {
			if f.Secret {
				s.Context[i].Value = Mask(f.Value)
			}
		}
	}
	return &s
}

// binaryDump shows a binary frame as a hex dump (offset, 16 bytes, their
// printable characters) and then as base64, for copying.
func binaryDump(f *protocol.Frame) []byte {
	b, err := frameBytes(f)
	if err != nil {
		return []byte(f.Data)
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "%d bytes\n", len(b))
	const max = 64 << 10 // a dump beyond this is not read by anyone
	out.WriteString(hex.Dump(b[:min(len(b), max)]))
	if len(b) > max {
		fmt.Fprintf(&out, "… %d more bytes\n", len(b)-max)
	}
	out.WriteString("\nbase64\n")
	out.WriteString(base64.StdEncoding.EncodeToString(b))
	return out.Bytes()
}

// SetRedact sets what a frame's text passes through before it is shown
// or copied (the provider's redaction rules); nil shows it as it came.
func (d *Detail) SetRedact(f func(string) string) { d.redact = f; d.shown = nil }
