package shell

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
)

// composerRows is how many lines of text the composer shows at once.
const composerRows = 4

// historyLimit is how many sent frames the composer remembers.
const historyLimit = 100

// composer writes frames to send by hand (CmdSend): several lines, sent
// with ctrl+s or alt+enter, while the list stays in sight above it so the
// sent frame can be seen arriving. Up on the first line and down on the
// last walk the frames sent before, as a shell's history does; walking
// past the newest brings back the draft.
type composer struct {
	ta      textarea.Model
	history []string
	pos     int    // index into history while walking; len(history) is the draft
	draft   string // what was being written before walking the history
	err     string
	send    key.Binding
}

func newComposer() composer {
	ta := textarea.New()
	ta.ShowLineNumbers = false
	ta.Prompt = "│ "
	ta.MaxHeight = 0 // a frame may have any number of lines
	ta.SetHeight(composerRows)
	return composer{ta: ta, send: key.NewBinding(key.WithKeys("ctrl+s", "alt+enter"), key.WithHelp("ctrl+s", "send"))}
}

// height is how many screen lines the composer takes.
func (c *composer) height() int { return 1 + composerRows }

func (c *composer) setWidth(w int) { c.ta.SetWidth(w) }

func (c *composer) open() tea.Cmd {
	c.pos, c.err = len(c.history), ""
	return c.ta.Focus()
}

func (c *composer) close() { c.ta.Blur() }

// take returns the text to send, or why there is none, and on success
// remembers it and clears the composer for the next frame.
func (c *composer) take() (string, bool) {
	text := c.ta.Value()
	if text == "" {
		c.err = "nothing to send"
		return "", false
	}
	if n := len(c.history); n == 0 || c.history[n-1] != text {
		c.history = append(c.history, text)
		if len(c.history) > historyLimit {
			c.history = c.history[len(c.history)-historyLimit:]
		}
	}
	c.ta.Reset()
	c.pos, c.draft, c.err = len(c.history), "", ""
	return text, true
}

// walk moves through the history when up is pressed on the first line or
// down on the last; it reports whether it did (otherwise the key moves
// the cursor).
func (c *composer) walk(k tea.KeyPressMsg) bool {
	li := c.ta.LineInfo()
	switch k.String() {
	case "up":
		if c.ta.Line() != 0 || li.RowOffset != 0 || c.pos == 0 {
			return false
		}
		if c.pos == len(c.history) {
			c.draft = c.ta.Value()
		}
		c.pos--
		c.ta.SetValue(c.history[c.pos])
	case "down":
		if c.ta.Line() != c.ta.LineCount()-1 || li.RowOffset < li.Height-1 || c.pos == len(c.history) {
			return false
		}
		c.pos++
		if c.pos == len(c.history) {
			c.ta.SetValue(c.draft)
		} else {
			c.ta.SetValue(c.history[c.pos])
		}
	default:
		return false
	}
	return true
}

func (c composer) update(msg tea.Msg) (composer, tea.Cmd) {
	var cmd tea.Cmd
	c.ta, cmd = c.ta.Update(msg)
	return c, cmd
}

func (c composer) view(st styles, width int, notice string) string {
	head := st.title.Render("Send") + st.muted.Render(" a text frame · ctrl+s or alt+enter sends · ↑ on the first line, ↓ on the last: history · esc closes")
	if c.err != "" {
		head = st.title.Render("Send") + "  " + st.alert.Render(sanitize(c.err, 200))
	} else if notice != "" {
		head = st.title.Render("Send") + "  " + st.muted.Render(sanitize(notice, 200))
	}
	return clip(strings.TrimRight(head+"\n"+c.ta.View(), "\n"), width, c.height())
}
