package shell

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/evtap/evtap/protocol"
)

// maxDetail caps what the detail pane formats, so a 5 MB payload opens at
// once; the whole payload is still what `y` copies.
const maxDetail = 256 << 10

// detail shows one row's full JSON, scrollable.
type detail struct {
	vp   viewport.Model
	raw  string
	head string
}

func newDetail() detail {
	vp := viewport.New()
	vp.SoftWrap = true
	return detail{vp: vp}
}

func (d *detail) setSize(w, h int) {
	d.vp.SetWidth(w)
	d.vp.SetHeight(max(h-1, 1))
}

// show loads u into the pane.
func (d *detail) show(u *protocol.Update) {
	var body []byte
	if u.Event != nil {
		body = u.Event.Body
		d.head = fmt.Sprintf("%s  %s  seq %d", sanitize(u.Event.Label, 20), sanitize(u.Event.Name, 120), u.Event.Seq)
		if !u.Event.Timestamp.IsZero() {
			d.head += fmt.Sprintf("  delay %s (arrival − event timestamp)", u.Time.Sub(u.Event.Timestamp).Round(1e5))
		}
	} else {
		body, _ = json.Marshal(u)
		d.head = string(u.Kind)
	}
	d.raw = string(body)
	if len(body) > maxDetail {
		body = body[:maxDetail]
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, body, "", "  ") != nil {
		pretty.Reset()
		pretty.Write(body)
	}
	lines := strings.Split(pretty.String(), "\n")
	for i, l := range lines {
		lines[i] = sanitize(l, 4000)
	}
	if len(d.raw) > maxDetail {
		lines = append(lines, fmt.Sprintf("… %d more bytes (y copies all of it)", len(d.raw)-maxDetail))
	}
	d.vp.SetContentLines(lines)
	d.vp.GotoTop()
}

func (d detail) update(msg tea.Msg) (detail, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "y" {
		return d, tea.SetClipboard(d.raw)
	}
	var cmd tea.Cmd
	d.vp, cmd = d.vp.Update(msg)
	return d, cmd
}

func (d detail) view(st styles) string {
	return st.title.Render(d.head) + "  " + st.muted.Render("(esc back, j/k scroll, y copy)") + "\n" + d.vp.View()
}
