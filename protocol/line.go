package protocol

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// AppendUpdate appends u to dst as one line of headless output and of a
// recording, with its newline: byte for byte what encoding/json (HTML
// escaping off) writes for it. The recorder, headless output and replay
// all write lines with it.
//
// Frames and events, most of a session, are written by hand, without
// reflection and without re-compacting a notification body: a body with
// no line break is already a one-line JSON value (the decoder validated
// it), so it goes in as it is (line_test.go holds all of it to
// encoding/json). Every other kind goes through encoding/json.
func AppendUpdate(dst []byte, u Update) ([]byte, error) {
	e := LineEncoder{once: true}
	return e.Append(dst, u)
}

// LineEncoder is AppendUpdate for a writer of many lines: it writes the
// same bytes, and remembers the second of the last times it wrote, which
// most lines share, rather than formatting each date again. The zero
// value is ready; it is not safe for concurrent use.
type LineEncoder struct {
	t, ts stampCache // the Update's time, an event's timestamp
	once  bool       // one line (AppendUpdate): nothing to remember
}

// Append appends u to dst as AppendUpdate does.
func (e *LineEncoder) Append(dst []byte, u Update) ([]byte, error) {
	start := len(dst)
	switch {
	case isPlainFrame(&u):
		dst = e.appendFrameLine(dst, &u)
	case isPlainEvent(&u) && len(u.Event.Body) > 0 && oneLine(u.Event.Body):
		dst = e.appendEventLine(dst, &u)
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(u); err != nil {
			return dst, fmt.Errorf("encode %s update: %w", u.Kind, err)
		}
		dst = append(dst, buf.Bytes()...)
	}
	return escapeTerminalControls(dst, start), nil
}

// escapeTerminalControls rewrites, in the line that starts at dst[start],
// the characters that act on a terminal even inside a JSON string — the
// C1 controls (U+0080–U+009F: U+009B is CSI) and the bidi overrides
// (U+202A–U+202E, U+2066–U+2069) — as \u escapes. In valid JSON they can
// only stand inside strings, so the line means exactly what it did, and
// headless output, often read in a terminal, cannot steer it. A line with
// neither lead byte (0xC2, 0xE2) costs two scans.
func escapeTerminalControls(dst []byte, start int) []byte {
	line := dst[start:]
	if bytes.IndexByte(line, 0xC2) < 0 && bytes.IndexByte(line, 0xE2) < 0 {
		return dst
	}
	var out []byte
	last := 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c != 0xC2 && c != 0xE2 {
			continue
		}
		r, size := utf8.DecodeRune(line[i:])
		if !(r >= 0x80 && r <= 0x9F || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069) {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(line)+16)
		}
		out = append(out, line[last:i]...)
		out = append(out, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
		i += size - 1
		last = i + 1
	}
	if out == nil {
		return dst
	}
	out = append(out, line[last:]...)
	return append(dst[:start], out...)
}

// isPlainFrame reports an Update that appendFrameLine can write: a frame
// received or sent, with no other payload.
func isPlainFrame(u *Update) bool {
	return (u.Kind == KindRecv || u.Kind == KindSent) && u.Frame != nil &&
		u.State == nil && u.Event == nil && u.Subscription == nil && u.Gap == nil &&
		u.Heartbeat == nil && u.Marker == nil && u.Error == nil
}

// isPlainEvent reports an event Update that appendEventLine can write.
func isPlainEvent(u *Update) bool {
	return u.Kind == KindEvent && u.Event != nil && u.Frame == nil &&
		u.State == nil && u.Subscription == nil && u.Gap == nil &&
		u.Heartbeat == nil && u.Marker == nil && u.Error == nil
}

// oneLine reports a body with no line break (two SIMD scans; ContainsAny
// would walk it byte by byte).
func oneLine(b []byte) bool {
	return bytes.IndexByte(b, '\n') < 0 && bytes.IndexByte(b, '\r') < 0
}

// appendFrameLine writes a frame Update, plus the newline.
func (e *LineEncoder) appendFrameLine(b []byte, u *Update) []byte {
	b = e.appendHead(b, u)
	f := u.Frame
	b = append(b, `,"frame":{"op":`...)
	b = AppendJSONString(b, string(f.Op))
	if f.Data != "" {
		b = append(b, `,"data":`...)
		b = AppendJSONString(b, f.Data)
	}
	if f.Enc != "" {
		b = append(b, `,"enc":`...)
		b = AppendJSONString(b, f.Enc)
	}
	b = append(b, `,"size":`...)
	b = strconv.AppendInt(b, int64(f.Size), 10)
	if f.Type != "" {
		b = append(b, `,"type":`...)
		b = AppendJSONString(b, f.Type)
	}
	return append(b, "}}\n"...)
}

// appendEventLine writes an event Update, with the body spliced in as it
// is (the caller makes sure it is one line).
func (enc *LineEncoder) appendEventLine(b []byte, u *Update) []byte {
	b = enc.appendHead(b, u)
	e := u.Event
	b = append(b, `,"event":{"provider":`...)
	b = AppendJSONString(b, e.Provider)
	if e.ID != "" {
		b = append(b, `,"id":`...)
		b = AppendJSONString(b, e.ID)
	}
	if e.Name != "" {
		b = append(b, `,"name":`...)
		b = AppendJSONString(b, e.Name)
	}
	b = append(b, `,"label":`...)
	b = AppendJSONString(b, e.Label)
	if e.Summary != "" {
		b = append(b, `,"summary":`...)
		b = AppendJSONString(b, e.Summary)
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
		b = AppendJSONString(b, e.Subscription)
	}
	if !e.Timestamp.IsZero() {
		b = append(b, `,"ts":"`...)
		if enc.once {
			b = e.Timestamp.AppendFormat(b, time.RFC3339Nano)
		} else {
			b = enc.ts.append(b, e.Timestamp)
		}
		b = append(b, '"')
	}
	if e.Seal != nil {
		b = append(b, `,"seal":{"via":`...)
		b = AppendJSONString(b, e.Seal.Via)
		b = append(b, `,"ok":`...)
		b = strconv.AppendBool(b, e.Seal.OK)
		if e.Seal.Problem != "" {
			b = append(b, `,"problem":`...)
			b = AppendJSONString(b, e.Seal.Problem)
		}
		if e.Seal.SecretMissing {
			b = append(b, `,"secret_missing":true`...)
		}
		b = append(b, '}')
	}
	b = append(b, `,"body":`...)
	b = append(b, e.Body...)
	return append(b, "}}\n"...)
}

// appendHead writes the fields every Update line starts with.
func (e *LineEncoder) appendHead(b []byte, u *Update) []byte {
	b = append(b, `{"t":"`...)
	if e.once {
		b = u.Time.AppendFormat(b, time.RFC3339Nano)
	} else {
		b = e.t.append(b, u.Time)
	}
	b = append(b, `","off":`...)
	b = appendSeconds(b, time.Duration(u.Offset))
	b = append(b, `,"kind":`...)
	b = AppendJSONString(b, string(u.Kind))
	if u.Conn != 0 {
		b = append(b, `,"conn":`...)
		b = strconv.AppendInt(b, int64(u.Conn), 10)
	}
	return b
}

// stampCache writes times as time.RFC3339Nano does, from the date,
// clock and zone of the last second it wrote when the time falls in it.
type stampCache struct {
	sec  int64          // the second cached (Unix time), in loc
	loc  *time.Location // nil: nothing cached
	head []byte         // "2006-01-02T15:04:05" of that second, in buf
	zone []byte         // "Z" or "-07:00", in buf
	buf  [48]byte
}

// append appends t formatted by the layout time.RFC3339Nano.
func (c *stampCache) append(b []byte, t time.Time) []byte {
	sec, loc := t.Unix(), t.Location()
	if c.loc != loc || c.sec != sec {
		// A location's offset at an instant never changes, so the
		// second and the location decide everything but the fraction.
		s := time.Unix(sec, 0).In(loc).AppendFormat(c.buf[:0], time.RFC3339)
		z := len(s) - 1 // "Z"
		if s[z] != 'Z' {
			z = len(s) - len("-07:00")
		}
		c.head, c.zone = s[:z:z], s[z:]
		c.sec, c.loc = sec, loc
	}
	b = append(b, c.head...)
	if ns := t.Nanosecond(); ns != 0 {
		// ".999999999": nine digits, the trailing zeros left out
		var frac [10]byte
		frac[0] = '.'
		for i := 9; i > 0; i-- {
			frac[i] = byte('0' + ns%10)
			ns /= 10
		}
		n := 10
		for frac[n-1] == '0' {
			n--
		}
		b = append(b, frac[:n]...)
	}
	return append(b, c.zone...)
}

// appendSeconds appends d in seconds with six decimals, as
// strconv.AppendFloat(b, d.Seconds(), 'f', 6, 64) does. Most offsets
// are written from the integer: unless d is within a nanosecond of half
// a microsecond (where the float's own rounding decides), or beyond what
// a float64 holds to the nanosecond, both round to the same microsecond.
func appendSeconds(b []byte, d time.Duration) []byte {
	r := d % 1000
	if d < 0 || d >= 1<<48 || r >= 499 && r <= 501 {
		return strconv.AppendFloat(b, d.Seconds(), 'f', 6, 64)
	}
	us := int64(d / 1000)
	if r > 500 {
		us++
	}
	b = strconv.AppendInt(b, us/1e6, 10)
	var frac [7]byte
	frac[0] = '.'
	f := us % 1e6
	for i := 6; i > 0; i-- {
		frac[i] = byte('0' + f%10)
		f /= 10
	}
	return append(b, frac[:]...)
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s quoted as encoding/json quotes it with HTML
// escaping off: quotes, backslashes and control characters escaped,
// invalid UTF-8 as \ufffd, and U+2028/U+2029 escaped for JavaScript's
// sake.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	b = AppendJSONStringBody(b, s)
	return append(b, '"')
}

// AppendJSONStringBody is AppendJSONString without the quotes: what
// stands between them.
func AppendJSONStringBody(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		if i+8 <= len(s) {
			if b, i = appendWords(b, s, i); i >= len(s) {
				break
			}
		}
		// The last bytes, or a word with a control character or a
		// character beyond ASCII in it: one byte or one run of
		// characters at a time.
		c := s[i]
		switch {
		case safeASCII[c]:
			b = append(b, c)
			i++
		case c < utf8.RuneSelf:
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
		default:
			// A run of characters beyond ASCII, copied as it is, up to
			// one that is escaped.
			start := i
			for i < len(s) && s[i] >= utf8.RuneSelf {
				r, size := utf8.DecodeRuneInString(s[i:])
				if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
					break
				}
				i += size
			}
			if i > start {
				b = append(b, s[start:i]...)
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...) // invalid UTF-8
			} else {
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			}
			i += size
		}
	}
	return b
}

// appendWords appends s from i escaped, eight bytes at a time, for as
// long as each eight hold only printable ASCII: copied as a word, with a
// backslash put before each quote and backslash (a frame's data, JSON
// itself, has a quote every ten bytes or so). It stops before fewer than
// eight bytes are left or a word with any other byte, and returns where.
func appendWords(b []byte, s string, i int) ([]byte, int) {
	n := len(b)
	for i+8 <= len(s) {
		w := load64(s, i)
		if ctrlOrHigh(w) != 0 {
			break
		}
		if cap(b)-n < 24 { // a word of quotes takes 16, and each store writes 8
			b = slices.Grow(b[:n], 24+(len(s)-i)*5/4)
		}
		buf := b[:cap(b)]
		binary.LittleEndian.PutUint64(buf[n:], w)
		// Each escaped byte: a backslash where it stood, and the word
		// from it onwards stored again one byte further on.
		prev := 0
		for m := zeroByte(w^quotes) | zeroByte(w^slashes); m != 0; m &= m - 1 {
			p := bits.TrailingZeros64(m) / 8
			n += p - prev
			buf[n] = '\\'
			n++
			binary.LittleEndian.PutUint64(buf[n:], w>>(8*p))
			prev = p
		}
		n += 8 - prev
		i += 8
	}
	return b[:n], i
}

// load64 is the eight bytes of s from i, little-endian (the compiler
// makes it one load).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

const (
	ones    = 0x0101010101010101
	high    = 0x8080808080808080 // the top bit of every byte
	low7    = 0x7f7f7f7f7f7f7f7f // the other bits
	quotes  = '"' * ones
	slashes = '\\' * ones
)

// ctrlOrHigh has the top bit set of exactly those bytes of w (eight
// bytes of a string) that are a control character or a byte of a
// character beyond ASCII: (w&low7)+0x60 reaches the top bit exactly when
// the byte's low seven bits are 0x20 or more, and never carries into the
// next byte.
func ctrlOrHigh(w uint64) uint64 { return (w | ^(w&low7 + (0x80-0x20)*ones)) & high }

// zeroByte has the top bit set of each byte of x that is zero, and no
// other bit (no carry from one byte into the next, so no byte is flagged
// because of its neighbour).
func zeroByte(x uint64) uint64 { return ^(x&low7 + low7 | x | low7) }

// safeASCII marks the bytes AppendJSONStringBody copies as they are:
// printable ASCII but the quote and the backslash.
var safeASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()
