package record

// How a Redactor finds the names of secrets in a line: one pass over its
// ':' and '=' bytes, reading each name backwards from there, for JSON
// fields, query and form parameters and header lines.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"net/url"
	"strings"
)

// identByte marks the bytes of a field, parameter or header name.
var identByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
	}
	return t
}()

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// scanNames records the value of every name the rules list where it
// stands as a field, a parameter or a header. Such a name ends right
// before a '=' (a parameter), a ':' (a header line), or the closing quote
// of a JSON key that a ':' follows; so the scanner visits only the ':' and
// '=' of the line, found eight bytes at a time, and reads each name
// backwards from there, passing over most on their last two bytes.
// (bytes.IndexByte would cost more to call than it saves: in JSON a ':'
// comes every twenty bytes or so.) Values are skipped over, so no byte is
// looked at twice, and a name is read back at most maxName+6 bytes:
// linear in the line's length.
func (r *Redactor) scanNames(line []byte) {
	var noEnd uint64 // depths at which no string ends any more (see stringEndAt)
	n := len(line)
	// done is where the last value taken ends: a name ending at or
	// before it lies in that value (none straddles it: a value ends on a
	// byte no name holds).
	done := 0
	// The ':' not yet visited among the 8 bytes from base, and the next
	// '=' (rare in JSON: one bytes.IndexByte finds it).
	base, m, eq := -8, uint64(0), indexFrom(line, 0, '=')
	for {
		for m == 0 {
			if base += 8; base >= n {
				break
			}
			m = colonsIn(line, base)
		}
		c := n
		if m != 0 {
			c = base + bits.TrailingZeros64(m)/8
		}
		if eq < c {
			c, eq = eq, indexFrom(line, eq+1, '=')
		} else if c == n {
			return
		} else {
			m &= m - 1
		}
		if c >= 3 && line[c-1] == '"' {
			// Most marks end a JSON key: judge it on the two bytes
			// before its closing quote and backslashes, at once.
			p := c - 2
			for p > 1 && line[p] == '\\' {
				p--
			}
			if !r.rules.endsWith(line[p-1], line[p]) {
				continue
			}
		}
		var b int // where the name that c may follow ends
		switch {
		case c == 0:
			continue
		case identByte[line[c-1]]:
			b = c // name= or Name:
		case line[c] == ':':
			if b = jsonKeyEnd(line, c); b == 0 {
				continue
			}
		default:
			continue
		}
		if b <= done || !r.rules.mayEnd(line, b) {
			continue
		}
		a := b - 1
		for a > 0 && identByte[line[a-1]] && b-a <= maxName+5 {
			a--
		}
		if a > 0 && identByte[line[a-1]] {
			continue // longer than any name, even after an escape letter
		}
		// A name glued to an escape sequence: the n of \n, the u0026 of
		// \u0026 (an & escaped in JSON) before a query parameter.
		// Any run of backslashes before it makes its first byte an
		// escape letter, at one depth of nesting or another.
		escaped := byte(0)
		if a > 0 && line[a-1] == '\\' {
			if line[a] == 'u' && b-a > 5 {
				if string(line[a+1:a+5]) == "0026" {
					escaped = '&'
				}
				a += 5
			} else {
				escaped, a = line[a], a+1
			}
		}
		if b-a < 1 || b-a > maxName || r.rules.byFirst[lower(line[a])]&(1<<(b-a)) == 0 {
			continue
		}
		end := 0
		switch line[b] {
		case '"', '\\':
			end = r.jsonField(line, a, b, &noEnd)
		case '=':
			end = r.param(line, a, b, escaped)
		case ':':
			end = r.headerLine(line, a, b, escaped)
		}
		if end > 0 {
			done, base, m = end, end-8, 0 // go on after the value
			if eq < end {
				eq = indexFrom(line, end, '=')
			}
		}
	}
}

// indexFrom is the index of the first c in line at or after from, or
// len(line).
func indexFrom(line []byte, from int, c byte) int {
	if from < len(line) {
		if i := bytes.IndexByte(line[from:], c); i >= 0 {
			return from + i
		}
	}
	return len(line)
}

// colonsIn has the high bit set of each of the 8 bytes of line from i
// that is a ':' (bytes past the end count as none).
func colonsIn(line []byte, i int) uint64 {
	var w uint64
	if i+8 <= len(line) {
		w = binary.LittleEndian.Uint64(line[i:])
	} else {
		var tail [8]byte
		copy(tail[:], line[i:])
		w = binary.LittleEndian.Uint64(tail[:])
	}
	return zeroBytes(w ^ colons)
}

const (
	colons = 0x3a3a3a3a3a3a3a3a // ':' in every byte
	low7   = 0x7f7f7f7f7f7f7f7f
)

// zeroBytes has the high bit of each byte of x that is zero set, and no
// other bit.
func zeroBytes(x uint64) uint64 { return ^((x&low7 + low7) | x | low7) }

// jsonKeyEnd is where the name ends of a JSON key that the ':' at c
// follows ("name":, "name" : , \"name\":), or 0: back over spaces, the
// closing quote and its backslashes.
func jsonKeyEnd(line []byte, c int) int {
	j := c
	for j > 0 && (line[j-1] == ' ' || line[j-1] == '\t') {
		j--
	}
	if j == 0 || line[j-1] != '"' {
		return 0
	}
	j--
	for j > 0 && line[j-1] == '\\' {
		j--
	}
	if j == 0 || !identByte[line[j-1]] {
		return 0
	}
	return j
}

// name returns the lower-case name line[a:b], in scratch space.
func (r *Redactor) name(line []byte, a, b int) []byte {
	r.low = r.low[:0]
	for _, c := range line[a:b] {
		r.low = append(r.low, lower(c))
	}
	return r.low
}

// backslashes counts the backslashes that end at line[i] (inclusive).
func backslashes(line []byte, i int) int {
	k := 0
	for ; i >= 0 && line[i] == '\\'; i-- {
		k++
	}
	return k
}

// quoteDepth tells how deeply the quote at line[q] is nested in JSON
// strings: a quote of the line's own JSON has no backslash before it
// (depth 1), one of JSON inside a string (a frame's data) has one
// (depth 2), one inside a string inside that has three (depth 3), and so
// on: 2^(depth-1)-1. It returns the number of backslashes, or -1 when q is
// not such a quote.
func quoteDepth(line []byte, q int) int {
	if q < 0 || line[q] != '"' {
		return -1
	}
	k := backslashes(line, q-1)
	if k&(k+1) != 0 || k > 63 { // k+1 must be a power of two
		return -1
	}
	return k
}

// quoteAt reports whether line[i:] starts with k backslashes and a quote.
func quoteAt(line []byte, i, k int) bool {
	if i+k >= len(line) || line[i+k] != '"' {
		return false
	}
	for j := i; j < i+k; j++ {
		if line[j] != '\\' {
			return false
		}
	}
	return true
}

func skipSpace(line []byte, j int) int {
	for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
		j++
	}
	return j
}

// jsonField handles a name followed by a quote: "name": "value" at any
// depth of nesting. It returns where scanning goes on, or 0.
func (r *Redactor) jsonField(line []byte, a, b int, noEnd *uint64) int {
	k := quoteDepth(line, a-1)
	if k < 0 || !quoteAt(line, b, k) {
		return 0
	}
	j := skipSpace(line, b+k+1)
	if j >= len(line) || line[j] != ':' {
		return 0
	}
	j = skipSpace(line, j+1)
	if !quoteAt(line, j, k) {
		return 0 // not a string: a number, an object, null
	}
	kind, header := r.fieldKind(line, a, b, k)
	if kind == "" {
		return 0
	}
	from := j + k + 1
	to := stringEndAt(line, from, k, noEnd)
	if to < 0 {
		return 0
	}
	if header {
		from += schemeLen(line[from:to])
	}
	r.add(line, from, to, kind, func(v []byte) string { return unescapeJSON(v, k) })
	return to
}

// fieldKind looks the name line[a:b] up: as "parent.name" when it is the
// first member of parent's object, then as a plain field, then as a
// header.
func (r *Redactor) fieldKind(line []byte, a, b, k int) (kind string, header bool) {
	nr := r.rules.names[string(r.name(line, a, b))]
	switch {
	case nr == nil:
		return "", false
	case nr.parents != nil:
		if p := parentName(line, a-1-k); p != nil {
			if kind, ok := nr.parents[string(r.name(p, 0, len(p)))]; ok {
				return kind, false
			}
		}
	}
	if nr.field != "" {
		return nr.field, false
	}
	return nr.header, nr.header != ""
}

// parentName returns the name of the object whose first member's opening
// quote (with its backslashes) starts at q: the parent of "parent":{"name"…
// It looks back over a bounded stretch, so it costs O(1).
func parentName(line []byte, q int) []byte {
	j := q
	back := func() {
		for j > 0 && q-j < 64 && (line[j-1] == ' ' || line[j-1] == '\t') {
			j--
		}
	}
	back()
	if j == 0 || line[j-1] != '{' {
		return nil
	}
	j--
	back()
	if j == 0 || line[j-1] != ':' {
		return nil
	}
	j--
	back()
	// the parent's closing quote, with the same escaping
	if j == 0 || line[j-1] != '"' {
		return nil
	}
	j--
	for j > 0 && line[j-1] == '\\' {
		j--
	}
	end := j
	for j > 0 && end-j < maxName && identByte[line[j-1]] {
		j--
	}
	if j == end {
		return nil
	}
	return line[j:end]
}

// stringEndAt returns the index of the backslashes before the quote that
// closes a string at depth k (2^(d-1)-1 backslashes) whose contents start
// at from, or -1. At depth d a closing quote is preceded by a run of
// backslashes whose length is k modulo 2^d; an escaped quote inside the
// string has another. noEnd remembers depths with no closing quote left,
// so a line full of unterminated strings stays linear.
func stringEndAt(line []byte, from, k int, noEnd *uint64) int {
	bit := uint64(1) << (k & 63)
	if *noEnd&bit != 0 {
		return -1
	}
	mod := 2 * (k + 1)
	for j := from; j < len(line); {
		q := bytes.IndexByte(line[j:], '"')
		if q < 0 {
			break
		}
		q += j
		run := 0
		for p := q - 1; p >= from && line[p] == '\\'; p-- {
			run++
		}
		if run%mod == k && run >= k {
			return q - k
		}
		j = q + 1
	}
	*noEnd |= bit
	return -1
}

// unescapeJSON undoes depth k's escaping (k = 2^(d-1)-1: d-1 levels
// beyond the line's own, and the line's own) of a string's contents, so
// that the same secret has the same canonical value wherever it is.
func unescapeJSON(v []byte, k int) string {
	s := string(v)
	for levels := bitsLen(k + 1); levels > 0; levels-- {
		if !strings.ContainsRune(s, '\\') {
			return s
		}
		var out string
		if err := json.Unmarshal([]byte(`"`+s+`"`), &out); err != nil {
			return s
		}
		s = out
	}
	return s
}

// bitsLen is the depth of nesting of a string whose quotes have k
// backslashes before them: 1 for k = 0, 2 for 1, 3 for 3.
func bitsLen(x int) int {
	n := 0
	for ; x > 0; x >>= 1 {
		n++
	}
	return n
}

// param handles name=value in a query string, a form body or a cookie:
// only where a parameter can start (after ?, &, ;, #, or at the start of
// a string), never after a word in a sentence.
func (r *Redactor) param(line []byte, a, b int, escaped byte) int {
	ok := escaped == '&' || escaped == 'n' // after \u0026 (an escaped &) or a newline
	if escaped == 0 {
		switch {
		case a == 0:
			ok = true
		default:
			p := a - 1
			if line[p] == ' ' && p > 0 && line[p-1] == ';' {
				p-- // "a=b; token=c" in a cookie
			}
			switch line[p] {
			case '?', '&', ';', '#':
				ok = true
			case '"':
				ok = quoteDepth(line, p) >= 0
			}
		}
	}
	if !ok {
		return 0
	}
	name := r.name(line, a, b)
	nr := r.rules.names[string(name)]
	if nr == nil || nr.field == "" {
		return 0
	}
	kind := nr.field
	from := b + 1
	to := from
	for to < len(line) && !isValueEnd(line[to]) {
		to++
	}
	if to == from {
		return 0
	}
	r.add(line, from, to, kind, func(v []byte) string {
		if s, err := url.PathUnescape(string(v)); err == nil {
			return s
		}
		return string(v)
	})
	return to
}

func isValueEnd(c byte) bool {
	switch c {
	case '&', '"', '\\', ' ', '\t', '\r', '\n', '#', ',', ';', '\'', '<', '>':
		return true
	}
	return false
}

// headerLine handles "Name: value" for a header the rules list, at the
// start of a line of text (the start of the line, or after a newline,
// raw or escaped).
func (r *Redactor) headerLine(line []byte, a, b int, escaped byte) int {
	if b+1 >= len(line) || line[b+1] != ' ' {
		return 0
	}
	if !(a == 0 || escaped == 'n' || line[a-1] == '\n') {
		return 0
	}
	nr := r.rules.names[string(r.name(line, a, b))]
	if nr == nil || nr.header == "" {
		return 0
	}
	kind := nr.header
	from := b + 2
	to := from
	for to < len(line) && line[to] != '\r' && line[to] != '\n' && line[to] != '"' && line[to] != '\\' {
		to++
	}
	from += schemeLen(line[from:to])
	r.add(line, from, to, kind, func(v []byte) string { return string(v) })
	return to
}

// schemeLen is the length of a leading "Bearer " or "Basic " to keep.
func schemeLen(v []byte) int {
	i := bytes.IndexByte(v, ' ')
	if i <= 0 || i > 10 {
		return 0
	}
	for _, c := range v[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return 0
		}
	}
	return i + 1
}
