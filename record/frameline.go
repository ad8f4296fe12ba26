package record

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/evtap/evtap/protocol"
)

// parseFrameLine reads a recv or sent frame line in the exact layout
// protocol.AppendUpdate writes, without encoding/json's reflection: replay
// decodes every recorded frame to run the provider's decoder over it,
// and this is most of a recording. ok is false for any other layout (a
// line written by something else, an unknown field), and the caller
// falls back to encoding/json, so the result is always what
// json.Unmarshal would give (frameline_test.go holds it to that).
func parseFrameLine(raw []byte, kind protocol.Kind) (u protocol.Update, ok bool) {
	if kind != protocol.KindRecv && kind != protocol.KindSent {
		return u, false
	}
	p := lineParser{b: raw}
	if !p.lit(`{"t":`) {
		return u, false
	}
	ts, ok := p.rawString()
	if !ok || u.Time.UnmarshalText(ts) != nil || !p.lit(`,"off":`) {
		return u, false
	}
	if num := p.number(); num == nil || u.Offset.UnmarshalJSON(num) != nil {
		return u, false
	}
	if !p.lit(`,"kind":`) {
		return u, false
	}
	k, ok := p.str()
	if !ok {
		return u, false
	}
	u.Kind = protocol.Kind(k)
	if p.lit(`,"conn":`) {
		if u.Conn, ok = p.int(); !ok {
			return u, false
		}
	}
	f := &protocol.Frame{}
	u.Frame = f
	if !p.lit(`,"frame":{"op":`) {
		return u, false
	}
	op, ok := p.str()
	if !ok {
		return u, false
	}
	f.Op = protocol.Opcode(op)
	if p.lit(`,"data":`) {
		if f.Data, ok = p.str(); !ok {
			return u, false
		}
	}
	if p.lit(`,"enc":`) {
		if f.Enc, ok = p.str(); !ok {
			return u, false
		}
	}
	if !p.lit(`,"size":`) {
		return u, false
	}
	if f.Size, ok = p.int(); !ok {
		return u, false
	}
	if p.lit(`,"type":`) {
		if f.Type, ok = p.str(); !ok {
			return u, false
		}
	}
	return u, p.lit(`}}`) && p.i == len(p.b)
}

// lineParser walks one line for parseFrameLine.
type lineParser struct {
	b []byte
	i int
}

func (p *lineParser) lit(s string) bool {
	if len(p.b)-p.i >= len(s) && string(p.b[p.i:p.i+len(s)]) == s {
		p.i += len(s)
		return true
	}
	return false
}

// rawString returns a string's contents when they hold no escape.
func (p *lineParser) rawString() ([]byte, bool) {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return nil, false
	}
	end := bytes.IndexByte(p.b[p.i+1:], '"')
	if end < 0 {
		return nil, false
	}
	s := p.b[p.i+1 : p.i+1+end]
	if bytes.IndexByte(s, '\\') >= 0 {
		return nil, false
	}
	p.i += end + 2
	return s, true
}

// number reads a number by JSON's grammar:
// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *lineParser) number() []byte {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(p.b) && p.b[p.i] == '-' {
		p.i++
	}
	first := p.i
	if n := digits(); n == 0 || n > 1 && p.b[first] == '0' {
		return nil
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil
		}
	}
	return p.b[start:p.i]
}

// int reads an integer as encoding/json reads one into an int.
func (p *lineParser) int() (int, bool) {
	start := p.i
	if p.i < len(p.b) && p.b[p.i] == '-' {
		p.i++
	}
	digits := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	if p.i == digits || p.i-digits > 1 && p.b[digits] == '0' {
		return 0, false
	}
	n, err := strconv.Atoi(string(p.b[start:p.i]))
	return n, err == nil
}

// str reads a JSON string as encoding/json does: escapes undone, invalid
// UTF-8 and lone surrogates as U+FFFD, a raw control character refused.
func (p *lineParser) str() (string, bool) {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return "", false
	}
	p.i++
	start := p.i
	// Fast path: printable ASCII or valid UTF-8 with no escape.
	for p.i < len(p.b) && plainInString[p.b[p.i]] {
		p.i++
	}
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			s := p.b[start:p.i]
			p.i++
			if !utf8.Valid(s) {
				return string(replaceInvalid(nil, s)), true
			}
			return string(s), true
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.i++
	}
	if p.i >= len(p.b) || p.b[p.i] < 0x20 {
		return "", false
	}
	out := make([]byte, 0, len(p.b)-start)
	out = append(out, p.b[start:p.i]...)
	for p.i < len(p.b) {
		// Copy the run up to the next quote or backslash in one go.
		run := p.b[p.i:]
		j := 0
		for j < len(run) && plainInString[run[j]] {
			j++
		}
		out = append(out, run[:j]...)
		p.i += j
		if p.i >= len(p.b) {
			break
		}
		c := p.b[p.i]
		if c == '"' {
			p.i++
			if !utf8.Valid(out) {
				out = replaceInvalid(nil, out)
			}
			// out is never written again: the string takes it over
			// rather than copying a frame's worth of text once more.
			return unsafe.String(unsafe.SliceData(out), len(out)), true
		}
		if c < 0x20 || p.i+1 >= len(p.b) {
			return "", false
		}
		e := p.b[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if p.lit(`\u`) {
					if r2, ok = p.hex4(); !ok {
						return "", false
					}
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
				} else {
					r = utf8.RuneError
					if r2 >= 0 {
						p.i -= 6 // the second escape stands on its own
					}
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", false
		}
	}
	return "", false
}

func (p *lineParser) hex4() (rune, bool) {
	r, ok := protocol.Hex4(p.b[p.i:])
	if ok {
		p.i += 4
	}
	return r, ok
}

// plainInString marks the bytes a JSON string holds as they are: not a
// quote, a backslash or a control character.
var plainInString = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// replaceInvalid appends s with each byte that is not part of valid UTF-8
// replaced by U+FFFD, as encoding/json decodes strings.
func replaceInvalid(dst, s []byte) []byte {
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		if r == utf8.RuneError && size == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, s[:size]...)
		}
		s = s[size:]
	}
	return dst
}

// Payload is a frame's bytes as they were on the wire, for a decoder:
// the text, or the binary payload decoded from base64. It is a fresh
// slice, since a decoder may keep it (as an event's body); nil for an
// Update that is not a frame.
func Payload(u protocol.Update) []byte {
	if u.Frame == nil || u.Kind != protocol.KindRecv && u.Kind != protocol.KindSent {
		return nil
	}
	if u.Frame.Enc == "base64" {
		if b, err := base64.StdEncoding.DecodeString(u.Frame.Data); err == nil {
			return b
		}
	}
	return []byte(u.Frame.Data)
}
