package eventlist

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// Sanitize makes text from the network safe to draw on a terminal:
// control characters (so escape sequences), bidi overrides and other
// invisible format characters are shown escaped (\x1b, \u202e), invalid
// UTF-8 becomes the replacement character, and newlines and tabs become
// spaces so a row stays one line. It is the one sanitizer of the UI.
func Sanitize(s string) string { return Cut(s, -1) }

// Cut sanitizes s like Sanitize and cuts it to at most width terminal
// cells, ending with "…" when something was cut. A negative width means
// no limit. Only the part that fits is scanned, so a 5 MB value costs no
// more than the cells drawn.
func Cut(s string, width int) string {
	if width == 0 {
		return ""
	}
	var b strings.Builder
	cells := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		piece, w := escapeRune(r, size)
		if width >= 0 && cells+w > width-1 {
			// Does the rest fit exactly, without the ellipsis?
			if cells+w <= width && i+size == len(s) {
				b.WriteString(piece)
				return b.String()
			}
			b.WriteString("…")
			return b.String()
		}
		b.WriteString(piece)
		cells += w
		i += size
	}
	return b.String()
}

// escapeRune returns how r is drawn and how many cells that takes.
func escapeRune(r rune, size int) (string, int) {
	switch {
	case r == utf8.RuneError && size == 1:
		return "\uFFFD", 1
	case r == '\n' || r == '\t' || r == '\r':
		return " ", 1
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return `\x` + string([]byte{hexdigits[r>>4], hexdigits[r&15]}), 4
	case isBidi(r) || unicode.Is(unicode.Cf, r) || (!unicode.IsPrint(r) && r != ' '):
		return `\u` + string([]byte{hexdigits[r>>12&15], hexdigits[r>>8&15], hexdigits[r>>4&15], hexdigits[r&15]}), 6
	}
	w := runewidth.RuneWidth(r)
	return string(r), w
}

func isBidi(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

const hexdigits = "0123456789abcdef"
