package ringcentral

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxSummary is the most runes a summary has; a row cell never needs
// more, and a hostile body must not cost a screen.
const MaxSummary = 160

// maxLabel caps a label, maxQuoted a quoted message text in a summary.
const (
	maxLabel  = 24
	maxQuoted = 48
)

// Row labels the known event families get.
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
// wrong types are tolerated, never fatal) and caps the summary at
// MaxSummary runes and the label at 24. Unknown events are labelled by
// the last segment of their path and summarized as compact JSON.
//
// Text is kept as the server sent it: the UI escapes it where it meets
// the terminal. The Decoder builds the same cells while it reads a
// frame; this is the same code for a notification already split out.
func Summarize(n Notification) (label, summary string) {
	var sc scanner
	var l line
	sc.reset(string(n.Body))
	label = summarizeBody(&sc, &l, n.Event, true)
	return label, l.String()
}

// line builds a summary in a reused buffer.
type line struct{ b []byte }

func (l *line) String() string { return string(capRunes(l.b, MaxSummary)) }

// part appends s as the next part of the summary, two spaces after the
// previous one; empty parts are skipped.
func (l *line) part(s string) {
	if s == "" {
		return
	}
	l.sep()
	l.b = append(l.b, s...)
}

func (l *line) sep() {
	if len(l.b) > 0 {
		l.b = append(l.b, ' ', ' ')
	}
}

// summarizeBody reads the body value at sc (or, when whole, the whole
// text as a body that may be missing or not JSON at all) into l and
// returns the label. event picks the family.
func summarizeBody(sc *scanner, l *line, event string, whole bool) string {
	l.b = l.b[:0]
	res := eventResource(event)
	start := sc.i
	empty := whole && strings.TrimSpace(sc.s) == ""
	if empty {
		sc.s = "null"
	}
	var label string
	known := true
	switch res {
	case ResourceInstantMessage:
		label = summarizeMessage(sc, l, true)
	case ResourceVoicemail:
		label = LabelVoicemail
		summarizeMessage(sc, l, false)
	case ResourceMessageStore:
		label = LabelMsgStore
		summarizeMessageStore(sc, l)
	case ResourcePresence:
		label = LabelPresence
		summarizePresence(sc, l)
	case ResourceTelephonySession:
		label = LabelTelephony
		summarizeTelephony(sc, l)
	default:
		known = false
		label = lastSegment(res)
		sc.skip()
	}
	if whole {
		sc.end()
	}
	body := strings.TrimSpace(sc.s[start:sc.i])
	switch {
	case whole && sc.err != nil:
		body = strings.TrimSpace(sc.s[start:])
		fallthrough
	case !known:
		l.b = l.b[:0]
		if known {
			l.b = append(l.b, "unexpected body: "...)
		}
		if !empty {
			l.b = appendCompact(l.b, body, MaxSummary)
		}
	case !strings.HasPrefix(body, "{") && body != "null":
		l.b = append(l.b[:0], "unexpected body: "...)
		l.b = appendCompact(l.b, body, MaxSummary)
	case body == "null":
		l.b = append(l.b[:0], "(no body)"...)
	}
	if len(label) > maxLabel {
		label = string(capRunes([]byte(label), maxLabel))
	}
	return label
}

// eventResource returns the resource part of an event path (after
// /extension/{id}/, or after /account/{id}/ for account-level events,
// whose bodies have the same shapes), without the query; for any other
// shape, the whole path without its query.
func eventResource(event string) string {
	path, _, _ := strings.Cut(event, "?")
	rest, ok := strings.CutPrefix(path, apiPrefix+"/account/")
	if !ok || strings.TrimSpace(event) != event {
		return path
	}
	acc, res, ok := strings.Cut(rest, "/")
	if !ok {
		return path
	}
	ext, isExt := strings.CutPrefix(res, "extension/")
	if !isExt {
		return res
	}
	id, r, ok := strings.Cut(ext, "/")
	if !ok || !validID(acc) || !validID(id) || r == "" || r[0] == '/' {
		return path
	}
	return r
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

// party is a from or to entry, read loosely.
type party struct{ phone, ext, name string }

// name is how the party is shown: its phone number, extension number
// or name, whichever comes first. pre is a prefix for the text.
func (p party) show() (pre, s string) {
	switch {
	case p.phone != "":
		return "", p.phone
	case p.ext != "":
		return "ext ", p.ext
	}
	return "", p.name
}

func readParty(sc *scanner) party {
	var p party
	more, _ := sc.objectFirst()
	for ; more; more = sc.objectNext() {
		switch sc.key() {
		case "phoneNumber":
			p.phone = scalarText(sc)
		case "extensionNumber":
			p.ext = scalarText(sc)
		case "name":
			p.name = scalarText(sc)
		default:
			sc.skip()
		}
	}
	return p
}

// scalarText reads any value as text, as a loose reader shows a field: a
// number as a float64 prints, a bool as true or false, an object, array
// or null as "".
func scalarText(sc *scanner) string {
	s, f, isNum := sc.scalar()
	if isNum && !plainInt(s) {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return s
}

// plainInt reports digits only (with an optional sign): a float64 would
// print them the same (or, past 2^53, less exactly).
func plainInt(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// readInt reads a field as an integer, from a number or a numeric
// string.
func readInt(sc *scanner) (int64, bool) {
	s, f, isNum := sc.scalar()
	if isNum {
		return int64(f), true
	}
	if sc.err != nil || s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// summarizeMessage reads an SMS or voicemail body: "from → to[ +N]",
// then the SMS text and status, or the voicemail's length, read status
// and transcription. It returns the SMS label.
func summarizeMessage(sc *scanner, l *line, sms bool) string {
	var (
		direction, subject, status, read, transcript string
		hasSubject                                   bool
		from, to                                     party
		toN                                          int
		vm                                           int64
		hasVM                                        bool
	)
	more, _ := sc.objectFirst()
	for ; more; more = sc.objectNext() {
		switch sc.key() {
		case "direction":
			direction = scalarText(sc)
		case "from":
			from = readParty(sc)
		case "to":
			to, toN = party{}, 0
			switch sc.next() {
			case kindArray:
				more, _ := sc.arrayFirst()
				for ; more; more = sc.arrayNext() {
					if toN == 0 {
						to = readParty(sc)
					} else {
						sc.skip()
					}
					toN++
				}
			case kindObject:
				to = readParty(sc)
			default:
				sc.skip()
			}
		case "subject":
			subject, hasSubject = scalarText(sc), true
		case "messageStatus":
			status = scalarText(sc)
		case "readStatus":
			read = scalarText(sc)
		case "vmTranscriptionStatus":
			transcript = scalarText(sc)
		case "attachments":
			more, _ := sc.arrayFirst()
			for ; more; more = sc.arrayNext() {
				more, _ := sc.objectFirst()
				for ; more; more = sc.objectNext() {
					if sc.key() == "vmDuration" && !hasVM {
						vm, hasVM = readInt(sc)
						continue
					}
					sc.skip()
				}
			}
		default:
			sc.skip()
		}
	}
	fp, f := from.show()
	tp, t := to.show()
	l.arrow(fp, f, tp, t, toN-1)
	if !sms {
		if hasVM {
			l.sep()
			l.b = strconv.AppendInt(l.b, vm/60, 10)
			l.b = append(l.b, ':')
			if s := vm % 60; s >= 0 && s < 10 {
				l.b = append(l.b, '0')
			}
			l.b = strconv.AppendInt(l.b, vm%60, 10)
		}
		l.part(read)
		if transcript != "" && transcript != "NotAvailable" {
			l.sep()
			l.b = append(l.b, "transcription "...)
			l.b = append(l.b, transcript...)
		}
		return LabelVoicemail
	}
	if hasSubject {
		l.sep()
		l.b = append(l.b, '"')
		l.b = append(l.b, capRunes([]byte(subject), maxQuoted)...)
		l.b = append(l.b, '"')
	}
	if status != "" && !strings.EqualFold(status, "Received") {
		l.part(status)
	}
	switch {
	case lowerIs(direction, "inbound"):
		return LabelSMSIn
	case lowerIs(direction, "outbound"):
		return LabelSMSOut
	}
	return LabelSMS
}

// lowerIs reports strings.ToLower(s) == lower, lower being lower-case
// ASCII, without making the lower-case copy when s is ASCII (as a
// direction always is: this runs for every SMS).
func lowerIs(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.ToLower(s) == lower
		}
	}
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// arrow appends "from → to", leaving out a missing side; more > 0 adds
// " +more" to the recipient.
func (l *line) arrow(fp, from, tp, to string, more int) {
	if from == "" && to == "" {
		return
	}
	l.sep()
	if from != "" {
		l.b = append(l.b, fp...)
		l.b = append(l.b, from...)
		l.b = append(l.b, " →"...)
		if to != "" {
			l.b = append(l.b, ' ')
		}
	} else {
		l.b = append(l.b, "→ "...)
	}
	if to != "" {
		l.b = append(l.b, tp...)
		l.b = append(l.b, to...)
		if more > 0 {
			l.b = append(l.b, " +"...)
			l.b = strconv.AppendInt(l.b, int64(more), 10)
		}
	}
}

// summarizeMessageStore lists each change: "SMS +1 new, VoiceMail 2 updated".
func summarizeMessageStore(sc *scanner, l *line) {
	more, isObj := sc.objectFirst()
	some := false
	for ; more; more = sc.objectNext() {
		if sc.key() != "changes" {
			sc.skip()
			continue
		}
		l.b, some = l.b[:0], false
		more, _ := sc.arrayFirst()
		for ; more; more = sc.arrayNext() {
			if sc.next() != kindObject {
				sc.skip()
				continue
			}
			var typ string
			var newN, updN int64
			more, _ := sc.objectFirst()
			for ; more; more = sc.objectNext() {
				switch sc.key() {
				case "type":
					typ = scalarText(sc)
				case "newCount":
					newN, _ = readInt(sc)
				case "updatedCount":
					updN, _ = readInt(sc)
				default:
					sc.skip()
				}
			}
			if some {
				l.b = append(l.b, ", "...)
			}
			some = true
			if typ == "" {
				typ = "?"
			}
			l.b = append(l.b, typ...)
			if newN != 0 {
				l.b = append(l.b, " +"...)
				l.b = strconv.AppendInt(l.b, newN, 10)
				l.b = append(l.b, " new"...)
			}
			if updN != 0 {
				l.b = append(l.b, ' ')
				l.b = strconv.AppendInt(l.b, updN, 10)
				l.b = append(l.b, " updated"...)
			}
		}
	}
	if !some && isObj {
		l.b = append(l.b[:0], "no changes"...)
	}
}

// phoneOrExt shows a short all-digit number as an extension number.
func phoneOrExt(s string) (pre, out string) {
	if s != "" && len(s) <= 6 && strings.Trim(s, "0123456789") == "" {
		return "ext ", s
	}
	return "", s
}

// summarizePresence shows the status and the first active call, or the
// extension when there is none, then the presence status.
func summarizePresence(sc *scanner, l *line) {
	var status, ext, presence, callStatus, from, to string
	calls := 0
	more, _ := sc.objectFirst()
	for ; more; more = sc.objectNext() {
		switch sc.key() {
		case "telephonyStatus":
			status = scalarText(sc)
		case "extensionId":
			ext = scalarText(sc)
		case "presenceStatus":
			presence = scalarText(sc)
		case "activeCalls":
			calls, callStatus, from, to = 0, "", "", ""
			more, _ := sc.arrayFirst()
			for ; more; more = sc.arrayNext() {
				calls++
				if calls > 1 {
					sc.skip()
					continue
				}
				more, _ := sc.objectFirst()
				for ; more; more = sc.objectNext() {
					switch sc.key() {
					case "telephonyStatus":
						callStatus = scalarText(sc)
					case "from":
						from = scalarText(sc)
					case "to":
						to = scalarText(sc)
					default:
						sc.skip()
					}
				}
			}
		default:
			sc.skip()
		}
	}
	if calls > 0 {
		if callStatus != "" {
			status = callStatus
		}
		l.part(status)
		fp, f := phoneOrExt(from)
		tp, t := phoneOrExt(to)
		l.arrow(fp, f, tp, t, 0)
		if calls > 1 {
			l.sep()
			l.b = append(l.b, "(+"...)
			l.b = strconv.AppendInt(l.b, int64(calls-1), 10)
			l.b = append(l.b, " calls)"...)
		}
	} else {
		l.part(status)
		if ext != "" {
			l.sep()
			l.b = append(l.b, "ext "...)
			l.b = append(l.b, ext...)
		}
	}
	l.part(presence)
}

// summarizeTelephony shows the first party's state: "Answered  party 2 of
// s-abc  +15551230001 → ext 101".
func summarizeTelephony(sc *scanner, l *line) {
	var tsid, sid, code, reason, id string
	var from, to party
	var missed bool
	parties := 0
	more, _ := sc.objectFirst()
	for ; more; more = sc.objectNext() {
		switch sc.key() {
		case "telephonySessionId":
			tsid = scalarText(sc)
		case "sessionId":
			sid = scalarText(sc)
		case "parties":
			parties, code, reason, id, from, to, missed = 0, "", "", "", party{}, party{}, false
			more, _ := sc.arrayFirst()
			for ; more; more = sc.arrayNext() {
				parties++
				if parties > 1 {
					sc.skip()
					continue
				}
				more, _ := sc.objectFirst()
				for ; more; more = sc.objectNext() {
					switch sc.key() {
					case "id":
						id = scalarText(sc)
					case "status":
						more, _ := sc.objectFirst()
						for ; more; more = sc.objectNext() {
							switch sc.key() {
							case "code":
								code = scalarText(sc)
							case "reason":
								reason = scalarText(sc)
							default:
								sc.skip()
							}
						}
					case "from":
						from = readParty(sc)
					case "to":
						to = readParty(sc)
					case "missedCall":
						missed = false
						if sc.next() == kindBool {
							missed = sc.literal() == "true"
						} else {
							sc.skip()
						}
					default:
						sc.skip()
					}
				}
			}
		default:
			sc.skip()
		}
	}
	session := tsid
	if session == "" {
		session = sid
	}
	if parties == 0 {
		if session != "" {
			l.b = append(l.b, "session "...)
			l.b = append(l.b, session...)
		}
		return
	}
	if code == "" {
		code = "?"
	}
	l.b = append(l.b, code...)
	if reason != "" {
		l.b = append(l.b, " ("...)
		l.b = append(l.b, reason...)
		l.b = append(l.b, ')')
	}
	if id != "" {
		l.sep()
		l.b = append(l.b, "party "...)
		l.b = append(l.b, id...)
		if session != "" {
			l.b = append(l.b, " of "...)
			l.b = append(l.b, session...)
		}
	} else {
		l.part(session)
	}
	fp, f := endpoint(from)
	tp, t := endpoint(to)
	l.arrow(fp, f, tp, t, 0)
	if missed {
		l.part("missed")
	}
	if parties > 1 {
		l.sep()
		l.b = append(l.b, "(+"...)
		l.b = strconv.AppendInt(l.b, int64(parties-1), 10)
		l.b = append(l.b, " parties)"...)
	}
}

func endpoint(p party) (pre, s string) {
	if p.phone != "" {
		return phoneOrExt(p.phone)
	}
	return "", p.name
}

// capRunes cuts b to max runes, marking the cut with "…".
func capRunes(b []byte, max int) []byte {
	if len(b) <= max {
		return b
	}
	n := 0
	for i := range string(b) {
		if n == max-1 {
			if utf8.RuneCount(b[i:]) <= 1 {
				return b
			}
			return append(b[:i:i], "…"...)
		}
		n++
	}
	return b
}

// appendCompact appends raw JSON without insignificant whitespace,
// reading no more of it than a summary of max runes needs.
func appendCompact(dst []byte, raw string, max int) []byte {
	limit := len(dst) + 4*max
	inString, escaped := false, false
	for i := 0; i < len(raw) && len(dst) <= limit; i++ {
		c := raw[i]
		if inString {
			dst = append(dst, c)
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
		dst = append(dst, c)
	}
	return dst
}
