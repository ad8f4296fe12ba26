package ringcentral

import (
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner reads one JSON text in a single forward pass, validating it as
// it goes, and hands out the strings it reads as substrings of the text:
// a frame is read once and its ids cost no copies. Only a string with
// escapes or invalid UTF-8 is rebuilt, exactly as encoding/json would.
//
// It exists because this package must stay on the standard library and
// encoding/json cannot read a frame without a copy per string, a second
// pass to validate, and a generic value or a second decode to find the
// frame's type before its body can be typed (see BenchmarkDecoder).
//
// Errors are sticky: after the first, every method returns zero values
// and reports nothing more, so callers check err once at the end.
type scanner struct {
	s     string
	i     int
	err   *syntaxError
	stack []byte // containers open during skip: '{' or '['
}

// maxDepth bounds nesting, as encoding/json does (10000).
const maxDepth = 10000

// syntaxError is a JSON problem and where it is.
type syntaxError struct {
	msg string
	off int
}

func (e *syntaxError) Error() string {
	return "invalid JSON at offset " + strconv.Itoa(e.off) + ": " + e.msg
}

func (sc *scanner) reset(s string) {
	sc.s, sc.i, sc.err = s, 0, nil
	sc.stack = sc.stack[:0]
}

func (sc *scanner) fail(msg string) {
	if sc.err == nil {
		sc.err = &syntaxError{msg: msg, off: sc.i}
	}
	sc.i = len(sc.s) // nothing more is read
}

func (sc *scanner) ws() {
	for sc.i < len(sc.s) {
		switch sc.s[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// peek skips whitespace and returns the next byte, or 0 at the end.
func (sc *scanner) peek() byte {
	sc.ws()
	if sc.i < len(sc.s) {
		return sc.s[sc.i]
	}
	return 0
}

// end checks that only whitespace is left.
func (sc *scanner) end() {
	if sc.ws(); sc.i < len(sc.s) {
		sc.fail("data after the top-level value")
	}
}

// objectFirst consumes '{' and reports whether a member follows. A value
// that is not an object is skipped and reported as false with ok false.
func (sc *scanner) objectFirst() (more, ok bool) {
	if sc.peek() != '{' {
		sc.skip()
		return false, false
	}
	sc.i++
	if sc.peek() == '}' {
		sc.i++
		return false, true
	}
	return sc.err == nil, true
}

// objectNext consumes the ',' before the next member, or the closing '}'.
func (sc *scanner) objectNext() bool {
	switch sc.peek() {
	case ',':
		sc.i++
		return true
	case '}':
		sc.i++
		return false
	}
	sc.fail("expected ',' or '}' after an object member")
	return false
}

// key reads a member name and its ':'.
func (sc *scanner) key() string {
	if sc.peek() != '"' {
		sc.fail("expected a string for an object key")
		return ""
	}
	k := sc.str()
	if sc.peek() != ':' {
		sc.fail("expected ':' after an object key")
		return ""
	}
	sc.i++
	return k
}

// arrayFirst consumes '[' and reports whether an element follows. A value
// that is not an array is skipped and reported with ok false.
func (sc *scanner) arrayFirst() (more, ok bool) {
	if sc.peek() != '[' {
		sc.skip()
		return false, false
	}
	sc.i++
	if sc.peek() == ']' {
		sc.i++
		return false, true
	}
	return sc.err == nil, true
}

// arrayNext consumes the ',' before the next element, or the closing ']'.
func (sc *scanner) arrayNext() bool {
	switch sc.peek() {
	case ',':
		sc.i++
		return true
	case ']':
		sc.i++
		return false
	}
	sc.fail("expected ',' or ']' after an array element")
	return false
}

// plainByte marks the bytes a string can hold as they are: not a
// quote, a backslash, a control character or the start of non-ASCII.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str reads a string value; the caller has seen '"'.
func (sc *scanner) str() string {
	s := sc.s
	start := sc.i + 1
	escaped, high := false, false
	j := start
	for {
		for j < len(s) && plainByte[s[j]] {
			j++
		}
		if j >= len(s) {
			sc.i = len(s)
			sc.fail("unterminated string")
			return ""
		}
		c := s[j]
		if c == '"' {
			break
		}
		switch {
		case c == '\\':
			escaped = true
			j += 2 // the escaped byte is checked by unquote
		case c < 0x20:
			sc.i = j
			sc.fail("control character in a string")
			return ""
		default:
			high = true
			j++
		}
	}
	sc.i = j + 1
	raw := s[start:j]
	if !escaped && (!high || utf8.ValidString(raw)) {
		return raw
	}
	out, ok := unquote(raw)
	if !ok {
		sc.i = start
		sc.fail("invalid escape in a string")
		return ""
	}
	return out
}

// unquote decodes the inside of a JSON string with escapes or invalid
// UTF-8, with encoding/json's rules: each invalid byte and each unpaired
// surrogate becomes U+FFFD.
func unquote(raw string) (string, bool) {
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\':
			if i+1 >= len(raw) {
				return "", false
			}
			e := raw[i+1]
			i += 2
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := hex4(raw, i)
				if r < 0 {
					return "", false
				}
				i += 4
				if utf16.IsSurrogate(r) {
					if i+1 < len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
						if r2 := hex4(raw, i+2); r2 >= 0 {
							if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
								b = utf8.AppendRune(b, dec)
								i += 6
								break
							}
						}
					}
					r = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, r)
			default:
				return "", false
			}
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(raw[i:])
			i += size
			b = utf8.AppendRune(b, r) // RuneError for an invalid byte
		}
	}
	return string(b), true
}

// hex4 reads four hex digits at s[i:], or returns -1.
func hex4(s string, i int) rune {
	if i+4 > len(s) {
		return -1
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// number reads a number and returns its literal text.
func (sc *scanner) number() string {
	s, start := sc.s, sc.i
	j := start
	if j < len(s) && s[j] == '-' {
		j++
	}
	switch {
	case j < len(s) && s[j] == '0':
		j++
	case j < len(s) && '1' <= s[j] && s[j] <= '9':
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
	default:
		sc.i = j
		sc.fail("invalid number")
		return ""
	}
	if j < len(s) && s[j] == '.' {
		j++
		d := j
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		if j == d {
			sc.i = j
			sc.fail("invalid number: no digits after '.'")
			return ""
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		d := j
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		if j == d {
			sc.i = j
			sc.fail("invalid number: no digits in the exponent")
			return ""
		}
	}
	sc.i = j
	return s[start:j]
}

// literal consumes true, false or null.
func (sc *scanner) literal() string {
	for _, w := range [...]string{"true", "false", "null"} {
		if len(sc.s)-sc.i >= len(w) && sc.s[sc.i:sc.i+len(w)] == w {
			sc.i += len(w)
			return w
		}
	}
	sc.fail("invalid literal")
	return ""
}

// kind is what the next value is.
type kind byte

const (
	kindNone kind = iota // end of input or an error
	kindObject
	kindArray
	kindString
	kindNumber
	kindBool
	kindNull
)

func (sc *scanner) next() kind {
	switch c := sc.peek(); {
	case c == '{':
		return kindObject
	case c == '[':
		return kindArray
	case c == '"':
		return kindString
	case c == '-' || ('0' <= c && c <= '9'):
		return kindNumber
	case c == 't' || c == 'f':
		return kindBool
	case c == 'n':
		return kindNull
	case sc.i >= len(sc.s):
		sc.fail("unexpected end of JSON")
	default:
		sc.fail("invalid character " + strconv.QuoteRune(rune(c)) + " looking for a value")
	}
	return kindNone
}

// scalar reads any value as text, the way a loose reader shows a field:
// a string as itself, a number as Go formats a float64 (as a value read
// into interface{} would print), a bool as true or false. Objects,
// arrays and null are skipped and read as "". isNum reports a number,
// with its value in f.
func (sc *scanner) scalar() (text string, f float64, isNum bool) {
	switch sc.next() {
	case kindString:
		return sc.str(), 0, false
	case kindNumber:
		lit := sc.number()
		v, err := strconv.ParseFloat(lit, 64)
		if err != nil {
			return lit, v, false
		}
		return lit, v, true
	case kindBool:
		return sc.literal(), 0, false
	}
	sc.skip()
	return "", 0, false
}

// text reads a string, or a number as its literal (ids the service
// writes either way), or "" for anything else, which is skipped.
func (sc *scanner) text() string {
	switch sc.next() {
	case kindString:
		return sc.str()
	case kindNumber:
		return sc.number()
	}
	sc.skip()
	return ""
}

// skip reads past one value of any kind, validating it, without
// recursion: nesting costs one byte of stack per level, up to maxDepth.
func (sc *scanner) skip() {
	base := len(sc.stack)
	defer func() { sc.stack = sc.stack[:base] }()
	for {
		// a value
		switch sc.next() {
		case kindObject:
			sc.i++
			if len(sc.stack)-base >= maxDepth {
				sc.fail("nested too deeply")
				return
			}
			if sc.peek() == '}' {
				sc.i++
				break
			}
			sc.stack = append(sc.stack, '{')
			sc.key()
			continue
		case kindArray:
			sc.i++
			if len(sc.stack)-base >= maxDepth {
				sc.fail("nested too deeply")
				return
			}
			if sc.peek() == ']' {
				sc.i++
				break
			}
			sc.stack = append(sc.stack, '[')
			continue
		case kindString:
			sc.str()
		case kindNumber:
			sc.number()
		case kindBool, kindNull:
			sc.literal()
		default:
			return
		}
		// after a value: close containers or move to the next member
		for {
			if sc.err != nil || len(sc.stack) == base {
				return
			}
			top := sc.stack[len(sc.stack)-1]
			if top == '{' {
				if sc.objectNext() {
					sc.key()
					break
				}
			} else if sc.arrayNext() {
				break
			}
			sc.stack = sc.stack[:len(sc.stack)-1]
		}
		if sc.err != nil {
			return
		}
	}
}

// span skips one value and returns its text.
func (sc *scanner) span() string {
	sc.ws()
	start := sc.i
	sc.skip()
	if sc.err != nil {
		return ""
	}
	return sc.s[start:sc.i]
}
