package run

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/evtap/evtap/protocol"
)

// jqInput is what a jq program runs on for one line: the value, and the
// parts a program's output is recognised by, so that an output that is
// the line itself is written as the line, and one that is the event's
// body as the body's own bytes (as jq -c would print them, in their
// order, not gojq's sorted one).
type jqInput struct {
	root    map[string]any
	body    any    // the event's parsed body, if parsed
	bodyRaw []byte // its bytes, when they are one compact line
}

// updateValue builds gojq's input from an Update directly: the value jq
// would read from the Update's line, with no encoding and re-parsing of
// what the session already decoded. An event's body is parsed only when
// withBody is set; otherwise it is null, which a program that never looks
// at it cannot tell (jqbody.go decides). Frames and events are built
// field by field; the other kinds are rare, and go through their JSON.
// jqinput_test.go holds the result to what the line parses to.
func updateValue(u *protocol.Update, withBody bool) (jqInput, error) {
	root := make(map[string]any, 5)
	root["t"] = u.Time.Format(time.RFC3339Nano)
	// Exactly the number the line says: six decimals, read back.
	off, _ := strconv.ParseFloat(strconv.FormatFloat(time.Duration(u.Offset).Seconds(), 'f', 6, 64), 64)
	root["off"] = off
	root["kind"] = string(u.Kind)
	if u.Conn != 0 {
		root["conn"] = u.Conn
	}
	in := jqInput{root: root}
	if f := u.Frame; f != nil {
		m := make(map[string]any, 5)
		m["op"] = string(f.Op)
		if f.Data != "" {
			m["data"] = f.Data
		}
		if f.Enc != "" {
			m["enc"] = f.Enc
		}
		m["size"] = f.Size
		if f.Type != "" {
			m["type"] = f.Type
		}
		root["frame"] = m
	}
	if e := u.Event; e != nil {
		m := make(map[string]any, 8)
		m["provider"] = e.Provider
		if e.ID != "" {
			m["id"] = e.ID
		}
		if e.Name != "" {
			m["name"] = e.Name
		}
		m["label"] = e.Label
		if e.Summary != "" {
			m["summary"] = e.Summary
		}
		if e.Seq != 0 {
			m["seq"] = jqUint(e.Seq)
		}
		if e.Replayed {
			m["replayed"] = true
		}
		if e.Duplicate {
			m["duplicate"] = true
		}
		if e.Subscription != "" {
			m["subscription_id"] = e.Subscription
		}
		if !e.Timestamp.IsZero() {
			m["ts"] = e.Timestamp.Format(time.RFC3339Nano)
		}
		if s := e.Seal; s != nil {
			seal := map[string]any{"via": s.Via, "ok": s.OK}
			if s.Problem != "" {
				seal["problem"] = s.Problem
			}
			m["seal"] = seal
		}
		m["body"] = nil
		if withBody && len(e.Body) > 0 {
			v, err := parseJSON(e.Body)
			if err != nil {
				return in, fmt.Errorf("cannot read the event's body: %w", err)
			}
			m["body"], in.body = v, v
			if compactJSON(e.Body) {
				in.bodyRaw = e.Body
			}
		}
		root["event"] = m
	}
	for key, p := range map[string]any{"state": u.State, "subscription": u.Subscription, "gap": u.Gap,
		"heartbeat": u.Heartbeat, "marker": u.Marker, "error": u.Error} {
		if p == nil || isNilPointer(p) {
			continue
		}
		b, err := json.Marshal(p)
		if err != nil {
			return in, err
		}
		v, err := parseJSON(b)
		if err != nil {
			return in, err
		}
		root[key] = v
	}
	return in, nil
}

func isNilPointer(p any) bool {
	switch p := p.(type) {
	case *protocol.State:
		return p == nil
	case *protocol.Subscription:
		return p == nil
	case *protocol.Gap:
		return p == nil
	case *protocol.Heartbeat:
		return p == nil
	case *protocol.Marker:
		return p == nil
	case *protocol.Error:
		return p == nil
	}
	return false
}

// jqUint is n as gojq holds a number read from JSON.
func jqUint(n uint64) any {
	if n <= uint64(maxInt) {
		return int(n)
	}
	return new(big.Int).SetUint64(n)
}

const maxInt = int(^uint(0) >> 1)

// lineValue parses a recording line (replay) into gojq's input, noting
// where the event's body is so that it can be written as it is.
func lineValue(line []byte) (jqInput, error) {
	p := jsonParser{b: line, spanBody: true}
	v, err := p.parse()
	if err != nil {
		return jqInput{}, err
	}
	root, ok := v.(map[string]any)
	if !ok {
		return jqInput{}, errors.New("the line is not a JSON object")
	}
	in := jqInput{root: root}
	if ev, ok := root["event"].(map[string]any); ok && p.bodyEnd > p.bodyStart {
		in.body = ev["body"]
		if raw := line[p.bodyStart:p.bodyEnd]; compactJSON(raw) {
			in.bodyRaw = raw
		}
	}
	return in, nil
}

// parseJSON reads one JSON value as gojq holds it: objects as
// map[string]any, arrays as []any, integers that fit as int, larger ones
// as *big.Int, other numbers as float64 — what gojq's own command reads.
// It is encoding/json's grammar, about three times faster than
// json.Unmarshal into any, and refuses nesting deeper than maxDepth, as
// encoding/json does.
func parseJSON(b []byte) (any, error) {
	p := jsonParser{b: b}
	return p.parse()
}

// maxDepth is how deeply values may nest (encoding/json's limit).
const maxDepth = 10000

type jsonParser struct {
	b     []byte
	i     int
	depth int
	// spanBody asks to note where .event.body's value lies in b.
	spanBody           bool
	bodyStart, bodyEnd int
}

func (p *jsonParser) parse() (any, error) {
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(p.b) {
		return nil, p.errorf("unexpected %q after the value", p.b[p.i])
	}
	return v, nil
}

func (p *jsonParser) errorf(format string, a ...any) error {
	return fmt.Errorf("invalid JSON at byte %d: %s", p.i, fmt.Sprintf(format, a...))
}

func (p *jsonParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// value parses the value at p.i. path says where it is for spanBody: 1
// for the root object's "event", 2 for that object's "body".
func (p *jsonParser) value(path int) (any, error) {
	p.ws()
	if p.i >= len(p.b) {
		return nil, p.errorf("unexpected end")
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object(path)
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == 't':
		return true, p.lit("true")
	case c == 'f':
		return false, p.lit("false")
	case c == 'n':
		return nil, p.lit("null")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	default:
		return nil, p.errorf("unexpected %q", c)
	}
}

func (p *jsonParser) lit(s string) error {
	if len(p.b)-p.i < len(s) || string(p.b[p.i:p.i+len(s)]) != s {
		return p.errorf("expected %s", s)
	}
	p.i += len(s)
	return nil
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errorf("nested deeper than %d", maxDepth)
	}
	return nil
}

func (p *jsonParser) object(path int) (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	p.i++ // {
	m := make(map[string]any)
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		p.depth--
		return m, nil
	}
	for {
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, p.errorf("expected a key")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, p.errorf("expected :")
		}
		p.i++
		sub := 0
		if p.spanBody && p.depth == 1 && k == "event" {
			sub = 1
		} else if p.spanBody && path == 1 && p.depth == 2 && k == "body" {
			sub = 2
			p.ws()
			p.bodyStart = p.i
		}
		v, err := p.value(sub)
		if err != nil {
			return nil, err
		}
		if sub == 2 {
			p.bodyEnd = p.i
		}
		m[k] = v // a repeated key: the last wins, as with encoding/json and jq
		p.ws()
		if p.i >= len(p.b) {
			return nil, p.errorf("unexpected end in an object")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			p.depth--
			return m, nil
		default:
			return nil, p.errorf("expected , or }")
		}
	}
}

func (p *jsonParser) array() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	p.i++ // [
	a := []any{}
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		p.depth--
		return a, nil
	}
	for {
		v, err := p.value(0)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		p.ws()
		if p.i >= len(p.b) {
			return nil, p.errorf("unexpected end in an array")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			p.depth--
			return a, nil
		default:
			return nil, p.errorf("expected , or ]")
		}
	}
}

func (p *jsonParser) number() (any, error) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	first := p.i
	if n := digits(); n == 0 || n > 1 && p.b[first] == '0' {
		return nil, p.errorf("bad number")
	}
	integer := true
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		integer = false
		if digits() == 0 {
			return nil, p.errorf("bad number")
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		integer = false
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, p.errorf("bad number")
		}
	}
	s := string(p.b[start:p.i])
	if integer {
		if n, err := strconv.ParseInt(s, 10, 0); err == nil {
			return int(n), nil
		}
		if n, ok := new(big.Int).SetString(s, 10); ok {
			return n, nil
		}
	}
	f, _ := strconv.ParseFloat(s, 64) // out of range: ±Inf, as gojq reads it
	return f, nil
}

// str reads a string as encoding/json does: escapes undone, invalid
// UTF-8 and lone surrogates as U+FFFD, a raw control character refused.
func (p *jsonParser) str() (string, error) {
	p.i++ // "
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			s := p.b[start:p.i]
			p.i++
			if !utf8.Valid(s) {
				return string(replaceInvalid(nil, s)), nil
			}
			return string(s), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.i++
	}
	out := append([]byte(nil), p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			if !utf8.Valid(out) {
				out = replaceInvalid(nil, out)
			}
			return string(out), nil
		case c < 0x20:
			return "", p.errorf("control character in a string")
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.b) {
			break
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
				return "", p.errorf(`bad \u escape`)
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				save := p.i
				if len(p.b)-p.i >= 2 && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
					p.i += 2
					if r2, ok = p.hex4(); !ok {
						return "", p.errorf(`bad \u escape`)
					}
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
				} else {
					r = utf8.RuneError
					p.i = save // the second escape stands on its own
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", p.errorf("bad escape \\%c", e)
		}
	}
	return "", p.errorf("unterminated string")
}

func (p *jsonParser) hex4() (rune, bool) {
	r, ok := protocol.Hex4(p.b[p.i:])
	if ok {
		p.i += 4
	}
	return r, ok
}

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

// compactJSON reports JSON text with no whitespace outside strings, so
// that written as it is it is one compact line, as jq -c prints a value:
// the common case of a body as a server sent it.
func compactJSON(b []byte) bool {
	in := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if in {
			switch c {
			case '\\':
				i++
			case '"':
				in = false
			}
			continue
		}
		switch c {
		case '"':
			in = true
		case ' ', '\t', '\n', '\r':
			return false
		}
	}
	return true
}
