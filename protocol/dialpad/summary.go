package dialpad

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxSummary is the most runes Summarize returns in a summary: a row
// never needs more, and a hostile payload must not cost a screen.
const MaxSummary = 160

// maxQuoted caps a quoted SMS text inside a summary.
const maxQuoted = 40

// Summary is what one event payload says, read from Dialpad's own
// fields: which kind of event it is, its row cells, its id and time, and
// the identity under which a second delivery counts as a duplicate.
type Summary struct {
	Kind      Type      // call, sms, agent_status; "" when the payload is none of these
	Label     string    // "call ringing", "SMS in", "agent status"
	Text      string    // the key fields, one line, at most MaxSummary runes
	ID        string    // call_id, the SMS id; "" for others
	Timestamp time.Time // event_timestamp (ms); zero when absent
	// Identity names the event across deliveries (see Identity).
	Identity string

	// Matching a subscription reads these.
	State      string // call state
	Direction  string // call or SMS direction
	TargetType string
	TargetID   string
	Internal   bool // is_internal
}

// Summarize reads one event payload (the raw event JSON, or the payload
// of a signed frame). It tolerates missing fields and wrong types; only a
// payload that is not a JSON object is an error.
func Summarize(payload []byte) (Summary, error) {
	m, err := decodeObject(payload)
	if err != nil {
		return Summary{}, err
	}
	s := Summary{Timestamp: millis(m["event_timestamp"])}
	target, _ := m["target"].(map[string]any)
	s.TargetType, s.TargetID = str(target["type"]), str(target["id"])
	s.Internal, _ = m["is_internal"].(bool)
	switch {
	case has(m, "call_id") && has(m, "state"):
		summarizeCall(&s, m, target)
	case has(m, "message_status") || has(m, "message_delivery_result") || has(m, "to_number") || has(m, "mms"):
		summarizeSMS(&s, m)
	case has(m, "on_duty_status") || has(m, "availability_status") || has(m, "call_center_ids"):
		summarizeAgent(&s, m, target)
	default:
		s.Label, s.Text = "event", compact(payload)
	}
	s.Label, s.Text = clean(s.Label, 24), clean(s.Text, MaxSummary)
	s.Identity = identity(s, m, payload)
	return s, nil
}

func summarizeCall(s *Summary, m, target map[string]any) {
	s.Kind, s.ID = TypeCall, str(m["call_id"])
	s.State, s.Direction = str(m["state"]), str(m["direction"])
	s.Label = "call " + s.State
	who := party(target)
	ext := str(m["external_number"])
	if ext == "" {
		ext = party(asMap(m["contact"]))
	}
	var w []string
	switch s.Direction {
	case "inbound":
		w = append(w, "in  "+orQ(ext)+" → "+orQ(who))
	case "outbound":
		w = append(w, "out "+orQ(who)+" → "+orQ(ext))
	default:
		w = append(w, orQ(ext)+" · "+orQ(who))
	}
	leg := "leg " + shortID(s.ID)
	if v := str(m["master_call_id"]); v != "" && v != s.ID {
		leg += " of " + shortID(v)
	}
	if v := str(m["entry_point_call_id"]); v != "" && v != s.ID {
		leg += " via " + shortID(v)
	}
	if v := str(m["operator_call_id"]); v != "" && v != s.ID {
		leg += " op " + shortID(v)
	}
	w = append(w, leg)
	if t, ok := m["is_transferred"].(bool); ok && t {
		w = append(w, "transferred")
	}
	if str(m["voicemail_link"]) != "" {
		w = append(w, "voicemail")
	}
	s.Text = strings.Join(w, " · ")
}

func summarizeSMS(s *Summary, m map[string]any) {
	s.Kind, s.ID = TypeSMS, str(m["id"])
	s.Direction = str(m["direction"])
	switch s.Direction {
	case "inbound":
		s.Label = "SMS in"
	case "outbound":
		s.Label = "SMS out"
	default:
		s.Label = "SMS"
	}
	if mms, _ := m["mms"].(bool); mms {
		s.Label = strings.Replace(s.Label, "SMS", "MMS", 1)
	}
	to := ""
	if list, ok := m["to_number"].([]any); ok && len(list) > 0 {
		to = str(list[0])
		if len(list) > 1 {
			to += " +" + strconv.Itoa(len(list)-1)
		}
	} else {
		to = str(m["to_number"])
	}
	w := []string{orQ(str(m["from_number"])) + " → " + orQ(to)}
	if t := str(m["text"]); t != "" {
		w = append(w, strconv.Quote(clean(t, maxQuoted)))
	}
	status := strings.TrimSpace(str(m["message_status"]) + " " + str(m["message_delivery_result"]))
	if status != "" {
		w = append(w, status)
	}
	s.Text = strings.Join(w, " · ")
}

func summarizeAgent(s *Summary, m, target map[string]any) {
	s.Kind, s.Label = TypeAgentStatus, "agent status"
	duty := str(m["on_duty_status"])
	if r := str(m["on_duty_status_reason"]); r != "" {
		duty += " (" + r + ")"
	}
	w := []string{orQ(party(target)) + ": " + orQ(duty)}
	if a := str(m["availability_status"]); a != "" {
		w = append(w, a)
	}
	if ids, ok := m["call_center_ids"].([]any); ok && len(ids) > 0 {
		cs := make([]string, 0, len(ids))
		for _, id := range ids {
			cs = append(cs, str(id))
		}
		w = append(w, "call centres "+strings.Join(cs, ","))
	}
	s.Text = strings.Join(w, " · ")
}

// shortID is a call id in a row: its last six digits, enough to tell the
// legs of the calls on screen apart (the detail view has them whole).
func shortID(id string) string {
	if len(id) <= 8 {
		return id
	}
	return "…" + id[len(id)-6:]
}

// party names a target or contact: its name, else its type and id, else
// its phone.
func party(p map[string]any) string {
	if p == nil {
		return ""
	}
	if n := str(p["name"]); n != "" {
		return n
	}
	if id := str(p["id"]); id != "" {
		return strings.TrimSpace(str(p["type"]) + " " + id)
	}
	if ph := str(p["phone"]); ph != "" {
		return ph
	}
	return str(p["phone_number"])
}

var (
	errNotObject = errors.New("not a JSON object")
	errNotJSON   = errors.New("not JSON (or more than one JSON value)")
)

// jsonSpace is the whitespace JSON allows between tokens (RFC 8259 §2),
// narrower than bytes.TrimSpace's: a form feed after an object is no JSON.
const jsonSpace = " \t\r\n"

func decodeObject(b []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber() // ids keep their digits
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errNotObject
	}
	// Decode stops after the first value: what follows must be nothing
	// ("{}]" is not an event).
	if len(bytes.Trim(b[d.InputOffset():], jsonSpace)) != 0 {
		return nil, errNotJSON
	}
	return m, nil
}

func has(m map[string]any, k string) bool {
	v, ok := m[k]
	return ok && v != nil
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// str is a scalar as text: strings as they are, numbers as written.
func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// millis reads a Unix-millisecond time.
func millis(v any) time.Time {
	n, ok := v.(json.Number)
	if !ok {
		if s, isStr := v.(string); isStr {
			n, ok = json.Number(s), true
		}
	}
	if !ok {
		return time.Time{}
	}
	f, err := n.Float64()
	if err != nil || f <= 0 || f > 1e14 {
		return time.Time{}
	}
	return time.UnixMilli(int64(f)).UTC()
}

func orQ(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

// compact is a payload on one line, whitespace outside strings dropped,
// cut well past what MaxSummary keeps.
func compact(raw []byte) string {
	var b bytes.Buffer
	if json.Compact(&b, raw[:min(len(raw), 8*MaxSummary)]) != nil {
		return string(raw[:min(len(raw), 4*MaxSummary)])
	}
	return b.String()
}

// clean makes s safe for one terminal cell: control characters, line
// breaks and bidirectional overrides become spaces or U+FFFD, invalid
// UTF-8 is replaced, and at most max runes are kept (the last one an
// ellipsis when cut).
func clean(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == max {
			out := []rune(b.String())
			return string(out[:max-1]) + "…"
		}
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			r = ' '
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
			r = utf8.RuneError
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
