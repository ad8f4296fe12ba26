package eventlist

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/evtap/evtap/protocol"
)

// Detail shows one row in full: a header (kind, arrival, the delay
// between the event's own timestamp and its arrival, sequence, replay)
// and the pretty-printed JSON, highlighted, scrollable; y copies the JSON
// to the clipboard (OSC 52). The JSON is formatted once per Show and
// highlighted only for the lines on screen, so a 5 MB body scrolls freely.
type Detail struct {
	st     Styles
	redact func(string) string // a frame's text before it is shown; nil: as it came
	w, h   int
	header []string
	lines  []string // pretty JSON, sanitized lazily at View
	pretty []byte   // what y copies
	off    int
	shown  *protocol.Update
	shownV protocol.Update // what shown was, to spot the same row again
	keys   DetailKeyMap
	query  string // search text to highlight, lower case
}

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
func (d *Detail) SetSize(w, h int) { d.w, d.h = w, h; d.clamp() }

// Show displays u (nil clears). Showing the row already shown keeps the
// scroll position, so the root may call it on every frame.
func (d *Detail) Show(u *protocol.Update) {
	if u != nil && d.shown != nil && *u == d.shownV {
		return
	}
	d.shown, d.off = u, 0
	if u != nil {
		d.shownV = *u
	}
	d.header, d.lines, d.pretty = nil, nil, nil
	if u == nil {
		return
	}
	d.header = headerOf(u, d.redact)
	d.pretty = prettyJSON(u, d.redact)
	d.lines = strings.Split(string(d.pretty), "\n")
	if d.query != "" {
		for i, l := range d.lines {
			if indexFold(l, d.query) >= 0 {
				d.off = max(i-1, 0) // one line of context above
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
		h = append(h, line, "event "+e.Name+"  id "+e.ID)
		if s := e.Seal; s != nil {
			h = append(h, sealText(s))
		}
	} else {
		h = append(h, line)
	}
	return h
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
			d.off = len(d.lines)
		case key.Matches(msg, k.Copy):
			if d.pretty != nil {
				return tea.SetClipboard(string(d.pretty))
			}
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

func (d *Detail) bodyHeight() int { return max(d.h-len(d.header), 1) }

func (d *Detail) clamp() {
	d.off = max(0, min(d.off, len(d.lines)-d.bodyHeight()))
}

// View draws the header and the visible JSON lines, exactly SetSize's
// size.
func (d *Detail) View() string {
	var b strings.Builder
	drawn := 0
	if d.shown == nil {
		b.WriteString(d.st.Muted.Render(pad(Cut("no row selected", d.w), d.w)))
		drawn = 1
	}
	for i, h := range d.header {
		if drawn >= d.h {
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
	for i := d.off; i < len(d.lines) && drawn < d.h; i++ {
		if drawn > 0 {
			b.WriteByte('\n')
		}
		line, used := d.highlightJSON(d.lines[i], d.w)
		b.WriteString(line)
		b.WriteString(strings.Repeat(" ", max(d.w-used, 0)))
		drawn++
	}
	for ; drawn < d.h; drawn++ {
		if drawn > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.Repeat(" ", max(d.w, 0)))
	}
	return b.String()
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
