package raw

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/evtap/evtap/protocol"
)

// Labels of raw events. A JSON text frame that names its own kind in a
// top-level string field (type, event, method, …) is labelled with that
// name instead of LabelJSON.
const (
	LabelText   = "text"
	LabelJSON   = "json"
	LabelBinary = "binary"
	LabelClose  = "close"
)

// MaxSummary caps a summary, in runes: a row shows far less, and the
// event's Body keeps everything.
const MaxSummary = 200

// MaxHex caps how many bytes of a binary frame its Body spells in hex;
// the base64 is always whole.
const MaxHex = 64 << 10

// TextEvent is the event of a received text frame. Its Body is the JSON
// itself when the text is JSON, else the text as a JSON string; its
// summary is the JSON on one line, or the text's first line.
//
// Bytes that are not UTF-8 become U+FFFD one by one, as encoding/json
// writes them, so the live session and a replay of its recording (whose
// frames went through JSON) derive the same event.
func TextEvent(data []byte) *protocol.Event {
	if !utf8.Valid(data) {
		data = []byte(validUTF8(data))
	}
	e := &protocol.Event{Provider: ProviderName}
	if json.Valid(data) {
		e.Body = append(json.RawMessage(nil), data...)
		e.Label, e.Summary = LabelJSON, compactSummary(data)
		if name := kindField(data); name != "" {
			e.Label, e.Name = name, name
		}
		return e
	}
	e.Body, _ = json.Marshal(string(data)) // valid UTF-8 by now: cannot fail
	e.Label, e.Summary = LabelText, firstLine(string(data))
	return e
}

// binaryBody is the shape of a binary frame's Body, as BinaryEvent writes it.
type binaryBody struct {
	Size         int    `json:"size"`
	Hex          string `json:"hex"`
	HexTruncated bool   `json:"hex_truncated,omitempty"` // Hex spells only the first MaxHex bytes
	Base64       string `json:"base64"`
}

// BinaryEvent is the event of a received binary frame: its Body holds
// the byte length, hex and base64; its summary the length and the first
// bytes in hex.
func BinaryEvent(data []byte) *protocol.Event {
	// Written by hand, as binaryBody would marshal: hex and base64 need
	// no escaping, and a large frame is not scanned again for it.
	h := data[:min(len(data), MaxHex)]
	body := make([]byte, 0, 64+hex.EncodedLen(len(h))+base64.StdEncoding.EncodedLen(len(data)))
	body = append(body, `{"size":`...)
	body = strconv.AppendInt(body, int64(len(data)), 10)
	body = append(body, `,"hex":"`...)
	body = hex.AppendEncode(body, h)
	body = append(body, '"')
	if len(data) > MaxHex {
		body = append(body, `,"hex_truncated":true`...)
	}
	body = append(body, `,"base64":"`...)
	body = base64.StdEncoding.AppendEncode(body, data)
	body = append(body, `"}`...)
	return &protocol.Event{Provider: ProviderName, Label: LabelBinary, Summary: binarySummary(data), Body: body}
}

// previewBytes is how many bytes a binary summary shows in hex.
const previewBytes = 16

func binarySummary(data []byte) string {
	b := make([]byte, 0, 32+3*previewBytes)
	b = strconv.AppendInt(b, int64(len(data)), 10)
	if len(data) == 1 {
		b = append(b, " byte"...)
	} else {
		b = append(b, " bytes"...)
	}
	for i, c := range data[:min(len(data), previewBytes)] {
		if i == 0 {
			b = append(b, "  "...)
		} else {
			b = append(b, ' ')
		}
		b = hex.AppendEncode(b, []byte{c})
	}
	if len(data) > previewBytes {
		b = append(b, " …"...)
	}
	return string(b)
}

// closeBody is a close event's Body.
type closeBody struct {
	Code    int    `json:"code,omitempty"`
	Meaning string `json:"meaning,omitempty"`
	Reason  string `json:"reason"`
}

// CloseEvent is the event of the server's close frame: its code (0 when
// unknown) and what it means, and its reason.
func CloseEvent(code int, reason string) *protocol.Event {
	reason = validUTF8([]byte(reason))
	meaning := CloseMeaning(code)
	body, _ := json.Marshal(closeBody{Code: code, Meaning: meaning, Reason: reason})
	s := "no code"
	if code != 0 {
		s = strconv.Itoa(code)
	}
	if meaning != "" {
		s += " (" + meaning + ")"
	}
	if r := firstLine(reason); r != "" {
		s += ": " + r
	}
	return &protocol.Event{Provider: ProviderName, Label: LabelClose, Name: strconv.Itoa(code), Summary: s, Body: body}
}

// CloseMeaning names a close code as RFC 6455 §7.4 and the IANA
// registry do; ranges without names say whose they are.
func CloseMeaning(code int) string {
	if m, ok := closeCodes[code]; ok {
		return m
	}
	switch {
	case code >= 3000 && code <= 3999:
		return "registered by a library or framework"
	case code >= 4000 && code <= 4999:
		return "the application's own"
	}
	return ""
}

var closeCodes = map[int]string{
	1000: "normal closure",
	1001: "going away",
	1002: "protocol error",
	1003: "unsupported data",
	1005: "no status received",
	1006: "abnormal closure",
	1007: "invalid payload data",
	1008: "policy violation",
	1009: "message too big",
	1010: "mandatory extension",
	1011: "internal error",
	1012: "service restart",
	1013: "try again later",
	1014: "bad gateway",
	1015: "TLS handshake failure",
}

// firstLine is the first line of s that is not blank (a line ends at CR
// or LF), capped at MaxSummary runes; " …" says more followed.
func firstLine(s string) string {
	s = strings.TrimLeft(s, " \t\r\n")
	line, rest, more := s, "", false
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		line, rest, more = s[:i], s[i:], true
	}
	line = strings.TrimRight(line, " \t")
	line, cut := capRunes(line, MaxSummary)
	if cut || (more && strings.TrimSpace(rest) != "") {
		line += " …"
	}
	return line
}

// compactSummary is valid JSON on one line, without the whitespace
// between tokens, capped at MaxSummary runes. It reads no further than
// the summary needs, so a large message costs no more than a small one.
func compactSummary(data []byte) string {
	const limit = 4 * MaxSummary // bytes: enough for MaxSummary runes
	out := make([]byte, 0, min(len(data), limit))
	inString, escaped, full := false, false, false
	for _, c := range data {
		if len(out) >= limit {
			full = true
			break
		}
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			continue
		case c == '"':
			inString = true
		}
		out = append(out, c)
	}
	s, cut := capRunes(string(out), MaxSummary)
	if cut || full {
		s += " …"
	}
	return s
}

// capRunes cuts s to at most n runes and says whether it did.
func capRunes(s string, n int) (string, bool) {
	i := 0
	for at := range s {
		if i == n {
			return s[:at], true
		}
		i++
	}
	return s, false
}

// validUTF8 replaces each byte that is not part of a UTF-8 sequence with
// U+FFFD, one for one, as encoding/json does when it writes a string.
func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var s strings.Builder
	s.Grow(len(b) + 8)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			s.WriteRune(utf8.RuneError)
		} else {
			s.Write(b[:n])
		}
		b = b[n:]
	}
	return s.String()
}
