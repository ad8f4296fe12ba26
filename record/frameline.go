package record

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/evtap/evtap/protocol"
)

// isPlainFrame reports an Update that appendFrameLine can write: a frame
// received or sent, with no other payload. These are most of a session's
// lines, and encoding/json's reflection is half the cost of writing one.
func isPlainFrame(u protocol.Update) bool {
	return (u.Kind == protocol.KindRecv || u.Kind == protocol.KindSent) && u.Frame != nil &&
		u.State == nil && u.Event == nil && u.Subscription == nil && u.Gap == nil &&
		u.Heartbeat == nil && u.Marker == nil && u.Error == nil
}

// appendFrameLine writes u exactly as encoding/json (with HTML escaping
// off) would, plus the newline; frameline_test.go holds it to that.
func appendFrameLine(b []byte, u protocol.Update) []byte {
	b = appendHead(b, u)
	f := u.Frame
	b = append(b, `,"frame":{"op":`...)
	b = appendJSONString(b, string(f.Op))
	if f.Data != "" {
		b = append(b, `,"data":`...)
		b = appendJSONString(b, f.Data)
	}
	if f.Enc != "" {
		b = append(b, `,"enc":`...)
		b = appendJSONString(b, f.Enc)
	}
	b = append(b, `,"size":`...)
	b = strconv.AppendInt(b, int64(f.Size), 10)
	if f.Type != "" {
		b = append(b, `,"type":`...)
		b = appendJSONString(b, f.Type)
	}
	return append(b, "}}\n"...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does with HTML escaping off:
// quotes, backslashes and control characters escaped, invalid UTF-8 as
// \ufffd, and U+2028/U+2029 escaped for JavaScript's sake.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendJSONStringBody(b, s)
	return append(b, '"')
}

// appendJSONStringBody is appendJSONString without the quotes.
func appendJSONStringBody(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		// Most bytes are printable ASCII that needs no escape: skip a
		// run of them with one table lookup each.
		for i < len(s) && safeASCII[s[i]] {
			i++
		}
		if i >= len(s) {
			break
		}
		if c := s[i]; c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}

// isPlainEvent reports an event Update that appendEventLine can write.
func isPlainEvent(u protocol.Update) bool {
	return u.Kind == protocol.KindEvent && u.Event != nil && u.Frame == nil &&
		u.State == nil && u.Subscription == nil && u.Gap == nil &&
		u.Heartbeat == nil && u.Marker == nil && u.Error == nil
}

// appendEventLine writes an event Update as encoding/json would, with the
// body spliced in as it is (the caller makes sure it is one line).
func appendEventLine(b []byte, u protocol.Update) []byte {
	b = appendHead(b, u)
	e := u.Event
	b = append(b, `,"event":{"provider":`...)
	b = appendJSONString(b, e.Provider)
	if e.ID != "" {
		b = append(b, `,"id":`...)
		b = appendJSONString(b, e.ID)
	}
	if e.Name != "" {
		b = append(b, `,"name":`...)
		b = appendJSONString(b, e.Name)
	}
	b = append(b, `,"label":`...)
	b = appendJSONString(b, e.Label)
	if e.Summary != "" {
		b = append(b, `,"summary":`...)
		b = appendJSONString(b, e.Summary)
	}
	if e.Seq != 0 {
		b = append(b, `,"seq":`...)
		b = strconv.AppendUint(b, e.Seq, 10)
	}
	if e.Replayed {
		b = append(b, `,"replayed":true`...)
	}
	if e.Duplicate {
		b = append(b, `,"duplicate":true`...)
	}
	if e.Subscription != "" {
		b = append(b, `,"subscription_id":`...)
		b = appendJSONString(b, e.Subscription)
	}
	if !e.Timestamp.IsZero() {
		b = append(b, `,"ts":"`...)
		b = e.Timestamp.AppendFormat(b, time.RFC3339Nano)
		b = append(b, '"')
	}
	if s := e.Seal; s != nil {
		b = append(b, `,"seal":{"via":`...)
		b = appendJSONString(b, s.Via)
		b = append(b, `,"ok":`...)
		b = strconv.AppendBool(b, s.OK)
		if s.Problem != "" {
			b = append(b, `,"problem":`...)
			b = appendJSONString(b, s.Problem)
		}
		b = append(b, '}')
	}
	b = append(b, `,"body":`...)
	if len(e.Body) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, e.Body...)
	}
	return append(b, "}}\n"...)
}

// appendHead writes the fields every Update line starts with.
func appendHead(b []byte, u protocol.Update) []byte {
	b = append(b, `{"t":"`...)
	b = u.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","off":`...)
	b = strconv.AppendFloat(b, time.Duration(u.Offset).Seconds(), 'f', 6, 64)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(u.Kind))
	if u.Conn != 0 {
		b = append(b, `,"conn":`...)
		b = strconv.AppendInt(b, int64(u.Conn), 10)
	}
	return b
}

// parseFrameLine reads a recv or sent frame line in the exact layout
// appendFrameLine writes, without encoding/json's reflection: replay
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
			return string(out), true
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
	if len(p.b)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	p.i += 4
	return r, true
}

// safeASCII marks the bytes appendJSONStringBody copies as they are:
// printable ASCII but the quote and the backslash.
var safeASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

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
