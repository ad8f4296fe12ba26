package voipbin

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxSummary is the most runes a summary has: a row cell never needs
// more, and a hostile payload must not cost a screen.
const MaxSummary = 160

// maxQuoted caps quoted text (an SMS, a transcript) inside a summary.
const maxQuoted = 48

// Summary is one payload in row cells.
type Summary struct {
	Label   string // the kind of row: "call", "SMS in", "speech", …
	Summary string // its key fields in one line
}

// Summarize turns a payload of shape s into row cells from the resource's
// own fields; prevStatus is the status this resource had before, when
// known (an agent's change reads "available → busy"). Every character
// that could act on a terminal is replaced, and the summary is capped at
// MaxSummary runes.
func Summarize(p *Payload, s Shape, prevStatus string, raw []byte) Summary {
	var label, sum string
	switch s {
	case ShapeCall:
		label, sum = "call", summarizeCall(p)
	case ShapeActiveflow:
		label = "activeflow"
		sum = join(p.Status, ref(p.ReferenceType, p.ReferenceID))
		if p.CurrentAction != nil && p.CurrentAction.Type != "" {
			sum = join(sum, "action "+p.CurrentAction.Type)
		}
	case ShapeAgent:
		label = "agent"
		who := p.Name
		if p.Username != nil && *p.Username != "" {
			who = *p.Username
		}
		status := p.Status
		if status == "" {
			status = "(no status)"
		}
		if prevStatus != "" && prevStatus != p.Status {
			status = prevStatus + " → " + status
		}
		sum = join(who, status)
	case ShapeQueuecall:
		label = "queuecall"
		sum = join(p.Status, ref(p.ReferenceType, p.ReferenceID))
		if p.DurationWaiting != nil && *p.DurationWaiting > 0 {
			sum = join(sum, fmt.Sprintf("waited %.1fs", *p.DurationWaiting/1000))
		}
		if p.ServiceAgentID != nil && setID(*p.ServiceAgentID) {
			sum = join(sum, "agent "+shortID(*p.ServiceAgentID))
		}
	case ShapeConference:
		label = "conference"
		sum = join(p.Status, p.Type)
		if p.Name != "" {
			sum = join(sum, quote(p.Name))
		}
		var ids []json.RawMessage
		if json.Unmarshal(p.ConferencecallIDs, &ids) == nil && len(ids) > 0 {
			sum = join(sum, fmt.Sprintf("%d in conference", len(ids)))
		}
	case ShapeMessage:
		label, sum = summarizeMessage(p)
	case ShapeRecording:
		label = "recording"
		sum = join(p.Status, ref(p.ReferenceType, p.ReferenceID))
		if p.Format != nil {
			sum = join(sum, *p.Format)
		}
	case ShapeTranscribe:
		label = "transcribe"
		sum = join(p.Status, ref(p.ReferenceType, p.ReferenceID))
		if p.Language != nil {
			sum = join(sum, *p.Language)
		}
		sum = join(sum, p.Direction)
	case ShapeTranscript:
		label = "transcript"
		sum = join(p.Direction, quote(deref(p.Message)))
	case ShapeSpeech:
		label = "speech"
		if p.Message != nil && *p.Message != "" {
			sum = join("interim "+p.Direction, quote(*p.Message))
		} else {
			sum = join("started or ended", p.Direction)
		}
		if p.TranscribeID != nil {
			sum = join(sum, "transcribe "+shortID(*p.TranscribeID))
		}
	default:
		label, sum = string(ShapeUnknown), compactJSON(raw, MaxSummary)
	}
	return Summary{Label: clean(label, 24), Summary: clean(sum, MaxSummary)}
}

func summarizeCall(p *Payload) string {
	s := p.Status
	if p.Status == "hangup" || p.HangupBy != "" {
		by := p.HangupBy
		if by == "" {
			by = "?"
		}
		s += " by " + by
		if p.HangupReason != "" {
			s += " (" + p.HangupReason + ")"
		}
	}
	route := addr(p.Source) + " → " + addr(p.Destination)
	if p.Source == nil && p.Destination == nil {
		route = ""
	}
	return join(s, strings.TrimSpace(p.Direction+" "+route))
}

// messageTarget is one entry of a message's targets (A11 leaves its
// fields open; the destination is what a row needs).
type messageTarget struct {
	Destination *Address `json:"destination"`
}

func summarizeMessage(p *Payload) (label, sum string) {
	label = "SMS"
	switch p.Direction {
	case "inbound":
		label = "SMS in"
	case "outbound":
		label = "SMS out"
	}
	var targets []messageTarget
	_ = json.Unmarshal(p.Targets, &targets)
	to := ""
	if len(targets) > 0 {
		to = addr(targets[0].Destination)
		if len(targets) > 1 {
			to += fmt.Sprintf(" +%d", len(targets)-1)
		}
	}
	route := strings.TrimSpace(addr(p.Source) + " → " + to)
	if p.Source == nil && to == "" {
		route = ""
	}
	return label, join(route, quote(deref(p.Text)))
}

// addr shows an address by what a person recognises: a number or SIP
// URI as it is, anything else by type and name.
func addr(a *Address) string {
	if a == nil {
		return "?"
	}
	name := a.TargetName
	if name == "" {
		name = a.Name
	}
	switch a.Type {
	case "", "tel", "sip", "extension":
		if a.Target != "" {
			return a.Target
		}
		return name
	}
	if name == "" {
		name = shortID(a.Target)
	}
	return a.Type + ":" + name
}

// ref is "call 3f2a9c1b" for a reference_type and id.
func ref(typ, id string) string {
	if !setID(id) {
		return typ
	}
	return strings.TrimSpace(typ + " " + shortID(id))
}

// join puts non-empty parts together with " · ".
func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " · " + b
}

func quote(s string) string {
	if s == "" {
		return ""
	}
	if utf8.RuneCountInString(s) > maxQuoted {
		r := []rune(s)
		s = string(r[:maxQuoted-1]) + "…"
	}
	return `"` + s + `"`
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// compactJSON drops insignificant whitespace, reading no more than a
// summary can show.
func compactJSON(raw []byte, max int) string {
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
// spaces; control characters, bidi overrides and invalid UTF-8 become
// U+FFFD; the result is cut to max runes, ending in "…" when cut.
func clean(s string, max int) string {
	if max <= 0 {
		return ""
	}
	out := make([]rune, 0, min(len(s), max))
	for _, r := range s {
		if len(out) == max {
			out[max-1] = '…'
			break
		}
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			r = ' '
		case r < 0x20 || (r >= 0x7f && r < 0xa0), isBidiControl(r):
			r = utf8.RuneError
		}
		out = append(out, r)
	}
	return string(out)
}

func isBidiControl(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}
