package session

import (
	"encoding/json"
	"strings"
)

// RefusalText pulls an error code and message out of an error body in
// any of the common shapes ({"errorCode","message"}, OAuth's
// {"error","error_description"}, {"error":{"message"}}), or returns the
// text itself, sanitised and shortened, when it is not JSON.
func RefusalText(body []byte) (code, msg string) {
	var v struct {
		ErrorCode string          `json:"errorCode"`
		Message   string          `json:"message"`
		Error     json.RawMessage `json:"error"`
		Desc      string          `json:"error_description"`
	}
	if json.Unmarshal(body, &v) == nil {
		code, msg = v.ErrorCode, v.Message
		var s string
		var nested struct {
			Message string `json:"message"`
			Reason  string `json:"reason"`
		}
		if json.Unmarshal(v.Error, &s) == nil && s != "" {
			if code == "" {
				code = s
			}
		} else if json.Unmarshal(v.Error, &nested) == nil && msg == "" {
			msg, code = nested.Message, firstNonEmpty(code, nested.Reason)
		}
		if v.Desc != "" && msg == "" {
			msg = v.Desc
		}
		return Sanitize(code, 64), Sanitize(msg, 300)
	}
	return "", Sanitize(string(body), 300)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Sanitize makes network text safe for a terminal: control characters
// (escape sequences included) become spaces, runs of space collapse, and
// the result is cut to max bytes on a rune boundary.
func Sanitize(s string, max int) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unsafeRune(r) {
			r = ' '
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		if b.Len()+len(string(r)) > max {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// unsafeRune reports characters that must not reach a terminal as they
// are: C0 and C1 controls (escape sequences), DEL, bidi overrides and
// isolates (they reorder what is shown), and the replacement character
// that invalid UTF-8 decodes to.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0, r == '\uFFFD':
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
		return true
	}
	return false
}
