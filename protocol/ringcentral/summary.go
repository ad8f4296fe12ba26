package ringcentral

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxSummary is the most runes Summarize returns in a summary; a row
// cell never needs more, and a hostile body must not cost a screen.
const MaxSummary = 160

// maxQuoted caps a quoted message text inside a summary.
const maxQuoted = 48

// Row labels Summarize gives the known event families.
const (
	LabelSMSIn     = "SMS in"
	LabelSMSOut    = "SMS out"
	LabelSMS       = "SMS"
	LabelVoicemail = "voicemail"
	LabelMsgStore  = "msg store"
	LabelPresence  = "presence"
	LabelTelephony = "telephony"
)

// Summarize turns one notification into two row cells: a short label
// naming the kind of event, and a one-line summary of its key fields.
// It reads the body loosely (missing fields, numbers for strings and
// wrong types are tolerated, never fatal), sanitizes every character
// that could act on a terminal, and caps the summary at MaxSummary
// runes. Unknown events are labelled by the last segment of their path
// and summarized as compact JSON.
func Summarize(n Notification) (label, summary string) {
	resource := eventResource(n.Event)
	var body map[string]any
	bodyErr := json.Unmarshal(n.Body, &body)
	if len(n.Body) == 0 || string(n.Body) == "null" {
		bodyErr = nil
	}
	known := true
	switch resource {
	case ResourceInstantMessage:
		label, summary = summarizeSMS(body)
	case ResourceVoicemail:
		label, summary = LabelVoicemail, summarizeVoicemail(body)
	case ResourceMessageStore:
		label, summary = LabelMsgStore, summarizeMessageStore(body)
	case ResourcePresence:
		label, summary = LabelPresence, summarizePresence(body)
	case ResourceTelephonySession:
		label, summary = LabelTelephony, summarizeTelephony(body)
	default:
		known = false
		label = lastSegment(resource)
		summary = compactJSON(n.Body, MaxSummary)
	}
	if known && bodyErr != nil {
		summary = "unexpected body: " + compactJSON(n.Body, MaxSummary)
	}
	if known && summary == "" && body == nil {
		summary = "(no body)"
	}
	return clean(label, 24), clean(summary, MaxSummary)
}

// eventResource returns the resource part of an event path (after
// /extension/{id}/, or after /account/{id}/ for account-level events,
// whose bodies have the same shapes), without the query; for any other
// shape, the whole path without its query.
func eventResource(event string) string {
	if p, err := ParseEventPath(event); err == nil {
		return p.Resource
	}
	path, _, _ := strings.Cut(event, "?")
	if rest, ok := strings.CutPrefix(path, apiPrefix+"/account/"); ok {
		if _, res, ok := strings.Cut(rest, "/"); ok && !strings.HasPrefix(res, "extension/") {
			return res
		}
	}
	return path
}

func lastSegment(path string) string {
	path = strings.TrimRight(path, "/")
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	if path == "" {
		return "event"
	}
	return path
}

func summarizeSMS(b map[string]any) (string, string) {
	label := LabelSMS
	switch strings.ToLower(str(b, "direction")) {
	case "inbound":
		label = LabelSMSIn
	case "outbound":
		label = LabelSMSOut
	}
	s := messageParties(b)
	if subj, ok := b["subject"]; ok {
		s = join(s, quote(scalar(subj)))
	}
	if st := str(b, "messageStatus"); st != "" && !strings.EqualFold(st, "Received") {
		s = join(s, st)
	}
	return label, s
}

func summarizeVoicemail(b map[string]any) string {
	s := messageParties(b)
	if d, ok := vmDuration(b); ok {
		s = join(s, fmt.Sprintf("%d:%02d", d/60, d%60))
	}
	s = join(s, str(b, "readStatus"))
	if t := str(b, "vmTranscriptionStatus"); t != "" && t != "NotAvailable" {
		s = join(s, "transcription "+t)
	}
	return s
}

func vmDuration(b map[string]any) (int64, bool) {
	atts, _ := b["attachments"].([]any)
	for _, a := range atts {
		m, _ := a.(map[string]any)
		if d, ok := num(m, "vmDuration"); ok {
			return d, true
		}
	}
	return 0, false
}

// messageParties renders "from → to[, +N]" for SMS and voicemail.
func messageParties(b map[string]any) string {
	from := partyName(asMap(b["from"]))
	var to string
	tos, _ := b["to"].([]any)
	if len(tos) > 0 {
		to = partyName(asMap(tos[0]))
		if len(tos) > 1 {
			to += fmt.Sprintf(" +%d", len(tos)-1)
		}
	} else if m := asMap(b["to"]); m != nil {
		to = partyName(m)
	}
	return arrow(from, to)
}

func partyName(m map[string]any) string {
	if m == nil {
		return ""
	}
	if p := str(m, "phoneNumber"); p != "" {
		return p
	}
	if e := str(m, "extensionNumber"); e != "" {
		return "ext " + e
	}
	return str(m, "name")
}

func summarizeMessageStore(b map[string]any) string {
	changes, _ := b["changes"].([]any)
	var parts []string
	for _, c := range changes {
		m := asMap(c)
		if m == nil {
			continue
		}
		part := str(m, "type")
		if part == "" {
			part = "?"
		}
		if n, ok := num(m, "newCount"); ok && n != 0 {
			part += fmt.Sprintf(" +%d new", n)
		}
		if n, ok := num(m, "updatedCount"); ok && n != 0 {
			part += fmt.Sprintf(" %d updated", n)
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		if b == nil {
			return ""
		}
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

func summarizePresence(b map[string]any) string {
	status := str(b, "telephonyStatus")
	calls, _ := b["activeCalls"].([]any)
	var s string
	if len(calls) > 0 {
		c := asMap(calls[0])
		if st := str(c, "telephonyStatus"); st != "" {
			status = st
		}
		s = join(status, arrow(phoneOrExt(str(c, "from")), phoneOrExt(str(c, "to"))))
		if len(calls) > 1 {
			s = join(s, fmt.Sprintf("(+%d calls)", len(calls)-1))
		}
	} else {
		s = status
		if ext := str(b, "extensionId"); ext != "" {
			s = join(s, "ext "+ext)
		}
	}
	return join(s, str(b, "presenceStatus"))
}

// phoneOrExt shows a short all-digit number as an extension number.
func phoneOrExt(s string) string {
	if s != "" && len(s) <= 6 && strings.Trim(s, "0123456789") == "" {
		return "ext " + s
	}
	return s
}

func summarizeTelephony(b map[string]any) string {
	parties, _ := b["parties"].([]any)
	session := str(b, "telephonySessionId")
	if session == "" {
		session = str(b, "sessionId")
	}
	if len(parties) == 0 {
		if session == "" {
			return ""
		}
		return "session " + session
	}
	p := asMap(parties[0])
	st := asMap(p["status"])
	code := str(st, "code")
	if code == "" {
		code = "?"
	}
	s := code
	if r := str(st, "reason"); r != "" {
		s += " (" + r + ")"
	}
	if id := str(p, "id"); id != "" {
		s = join(s, "party "+id)
		if session != "" {
			s += " of " + session
		}
	} else if session != "" {
		s = join(s, session)
	}
	s = join(s, arrow(endpointName(asMap(p["from"])), endpointName(asMap(p["to"]))))
	if b, _ := p["missedCall"].(bool); b {
		s = join(s, "missed")
	}
	if len(parties) > 1 {
		s = join(s, fmt.Sprintf("(+%d parties)", len(parties)-1))
	}
	return s
}

func endpointName(m map[string]any) string {
	if p := str(m, "phoneNumber"); p != "" {
		return phoneOrExt(p)
	}
	return str(m, "name")
}

// arrow renders "from → to", leaving out a missing side.
func arrow(from, to string) string {
	switch {
	case from == "" && to == "":
		return ""
	case to == "":
		return from + " →"
	case from == "":
		return "→ " + to
	}
	return from + " → " + to
}

// join puts two summary parts side by side, skipping empty ones.
func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "  " + b
}

func quote(s string) string {
	return `"` + truncate(s, maxQuoted) + `"`
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// str reads a field as text, whatever scalar type it came as.
func str(m map[string]any, key string) string {
	if m == nil {
		return ""
	}
	return scalar(m[key])
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// num reads a field as an integer, from a number or a numeric string.
func num(m map[string]any, key string) (int64, bool) {
	switch x := m[key].(type) {
	case float64:
		return int64(x), true
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// truncate cuts s to max runes, marking the cut with "…".
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	i, n := 0, 0
	for i = range s {
		if n == max-1 {
			break
		}
		n++
	}
	return s[:i] + "…"
}

// compactJSON renders raw JSON without insignificant whitespace, reading
// no more of it than a summary of max runes needs.
func compactJSON(raw json.RawMessage, max int) string {
	var sb strings.Builder
	inString, escaped := false, false
	for _, c := range raw {
		if sb.Len() > 4*max {
			break
		}
		if inString {
			sb.WriteByte(c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '"':
			inString = true
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

// clean makes s safe for one terminal cell: line breaks and tabs become
// spaces; other control characters, bidi overrides and invalid UTF-8
// become U+FFFD; the result is cut to max runes.
func clean(s string, max int) string {
	var sb strings.Builder
	n := 0
	for _, r := range s {
		if n == max {
			return truncate(sb.String()+"x", max)
		}
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			r = ' '
		case r < 0x20 || (r >= 0x7f && r < 0xa0), isBidiControl(r), r == utf8.RuneError:
			r = utf8.RuneError
		}
		sb.WriteRune(r)
		n++
	}
	return sb.String()
}

func isBidiControl(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}
