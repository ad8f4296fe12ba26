package eventlist

import (
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Width is how many terminal cells s takes, escape sequences aside:
// exactly ansi.StringWidth (lipgloss.Width), which segments every line
// into grapheme clusters, and is a frame's largest cost at 200 columns.
// Rows and panes are printable ASCII, escape codes and a few symbols
// (→ … │ ─ ●), so those are counted a byte or a rune at a time, and any
// other rune hands the whole string to ansi.StringWidth.
func Width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			n++
			i++
		case c == 0x1b:
			end := csiEnd(s, i)
			if end < 0 {
				return ansi.StringWidth(s) // not a CSI: its rules
			}
			i = end
		case c < utf8.RuneSelf:
			return ansi.StringWidth(s) // a control character: its rules
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r >= rune(len(oneCell)) || !oneCell[r] {
				return ansi.StringWidth(s)
			}
			n++
			i += size
		}
	}
	return n
}

// csiEnd returns the index after the CSI sequence (ESC [ … final byte)
// at s[i], or -1 when there is none.
func csiEnd(s string, i int) int {
	if i+1 >= len(s) || s[i+1] != '[' {
		return -1
	}
	for j := i + 2; j < len(s); j++ {
		if c := s[j]; c >= 0x40 && c <= 0x7e {
			return j + 1
		}
	}
	return -1
}

// oneCell marks the runes below U+2C00 that take one cell and never join
// a neighbour into a wider grapheme cluster, as ansi.StringWidth counts
// them (asked once, here).
var oneCell = func() (t [0x2c00]bool) {
	for r := rune(0xa0); r < rune(len(t)); r++ {
		if r >= 0x300 && r < 0x2000 {
			continue // combining marks and scripts: left to grapheme rules
		}
		s := string(r)
		t[r] = ansi.StringWidth(s) == 1 && ansi.StringWidth("a"+s+"b") == 3 && ansi.StringWidth(s+s) == 2
	}
	return t
}()
