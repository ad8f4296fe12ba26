package eventlist

import (
	"strings"

	"github.com/evtap/evtap/protocol"
)

// matches says whether row u contains q, ignoring ASCII case: the row's
// cells and, for an event, its whole body however long (never a
// truncated prefix). q must already be lower case.
func matches(u *protocol.Update, q string) bool {
	if q == "" {
		return false
	}
	label, text := rowCells(u)
	if indexFold(label, q) >= 0 || indexFold(text, q) >= 0 {
		return true
	}
	if u.Kind == protocol.KindEvent {
		return indexFold(u.Event.Body, q) >= 0
	}
	return false
}

// indexFold is the index of the lower-case q in s, ignoring ASCII case,
// or -1. It allocates nothing, so searching 100,000 bodies costs no
// garbage.
func indexFold[S ~string | ~[]byte](s S, q string) int {
	n := len(q)
	if n == 0 || n > len(s) {
		return -1
	}
	c0 := q[0]
	for i := 0; i+n <= len(s); i++ {
		if lower(s[i]) != c0 {
			continue
		}
		j := 1
		for j < n && lower(s[i+j]) == q[j] {
			j++
		}
		if j == n {
			return i
		}
	}
	return -1
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// highlight wraps every match of q in the (already sanitized) cell s with
// render.
func highlight(s, q string, plain, match func(...string) string) string {
	if q == "" {
		return plain(s)
	}
	var b strings.Builder
	for {
		i := indexFold(s, q)
		if i < 0 {
			b.WriteString(plain(s))
			return b.String()
		}
		if i > 0 {
			b.WriteString(plain(s[:i]))
		}
		b.WriteString(match(s[i : i+len(q)]))
		s = s[i+len(q):]
	}
}
