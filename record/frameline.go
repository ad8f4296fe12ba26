package record

import (
	"strconv"
	"time"
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
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
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
	b = append(b, s[start:]...)
	return append(b, '"')
}
