package shell

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// sanitize makes text from the network safe to draw: control characters
// (escape sequences included), bidi overrides and invalid UTF-8 are shown
// escaped, never interpreted, and the result is cut to max runes with an
// ellipsis. Only what will be drawn is ever scanned, so a 5 MB payload
// costs no more than its first max runes.
func sanitize(s string, max int) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(s); {
		if n >= max {
			b.WriteString("…")
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i-1]))
			n += 4
		case r == '\n' || r == '\t' || r == '\r':
			b.WriteByte(' ')
			n++
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b.WriteString(`\x`)
			b.WriteString(hex2(byte(r)))
			n += 4
		case isBidiControl(r) || !unicode.IsPrint(r) && r != ' ':
			b.WriteString(`\u`)
			b.WriteString(hex4(r))
			n += 6
		default:
			b.WriteRune(r)
			n++
		}
	}
	return b.String()
}

func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

const hexdigits = "0123456789abcdef"

func hex2(c byte) string { return string([]byte{hexdigits[c>>4], hexdigits[c&15]}) }

func hex4(r rune) string {
	return string([]byte{hexdigits[r>>12&15], hexdigits[r>>8&15], hexdigits[r>>4&15], hexdigits[r&15]})
}

// mask shows a secret as its first and last characters only.
func mask(s string) string {
	if len(s) <= 8 {
		return strings.Repeat("•", len(s))
	}
	return s[:4] + "…" + s[len(s)-4:]
}

func itoa(n int) string { return strconv.Itoa(n) }
