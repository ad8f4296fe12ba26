package shell

import (
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Typing into the list's / or : prompt changes one line of the screen,
// but Bubble Tea draws the whole View after every message, and a paste
// in a terminal without bracketed paste (or tmux send-keys) arrives as
// one key press per character: 20,000 characters were 20,000 full
// frames. So the last frame is kept, and a key that only edits the
// prompt redraws the prompt's line into it.

// frame is the last screen drawn in the list mode.
type frame struct {
	gen   int      // Model.gen it was drawn at
	w, h  int      // the size it was drawn at
	lines []string // the screen, line by line, as View returned it
	row   int      // the line holding the list's footer (its prompt)
}

// promptOnly reports whether msg changes nothing on screen but the
// list's prompt: a key typed into it (not the one that applies or
// closes it), or a paste into it.
func (m Model) promptOnly(msg tea.Msg) bool {
	if m.mode != modeList || !m.list.Editing() {
		return false
	}
	switch msg := msg.(type) {
	case tea.PasteMsg:
		return true
	case tea.KeyPressMsg:
		switch msg.String() {
		case "enter", "esc", "ctrl+c":
			return false
		}
		return true
	}
	return false
}

// promptFrame is the screen with only the prompt's line drawn afresh,
// when the last frame can stand for the rest; ok is false otherwise.
func (m Model) promptFrame() (string, bool) {
	f := m.frame
	if f == nil || f.gen != m.gen || f.w != m.width || f.h != m.height || m.mode != modeList ||
		!m.list.Editing() || f.row < 0 || f.row >= len(f.lines) {
		return "", false
	}
	lines := slices.Clone(f.lines)
	// The prompt is the list's last line; a stats column may follow it.
	lines[f.row] = m.list.Footer() + ansi.TruncateLeft(f.lines[f.row], m.listWidth(), "")
	return strings.Join(lines, "\n"), true
}

// keep remembers screen as the last frame of the list mode.
func (m Model) keep(screen string) {
	if m.frame == nil {
		return
	}
	*m.frame = frame{gen: m.gen, w: m.width, h: m.height, lines: strings.Split(screen, "\n"), row: -1}
	if m.mode == modeList {
		m.frame.row = m.listTop() + m.listHeight() - 1
	}
}
