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
