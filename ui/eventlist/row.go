package eventlist

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
)

// Column widths of a row; the summary takes what is left.
const (
	timeWidth  = 12 // 15:04:05.000
	labelWidth = 14
	seqWidth   = 7
	flagWidth  = 3 // R (replayed), D (duplicate), and the seal's verdict
)

// The seal marks: verified or decrypted, and not.
const (
	sealOK  = '✓'
	sealBad = '✗'
)

func sealMark(s *protocol.Seal) rune {
	if s.OK {
		return sealOK
	}
	return sealBad
}

// rowCells splits a row into its cells: short kind and key fields.
// Nothing here is sanitized yet; Cut does that while fitting the width.
func rowCells(u *protocol.Update) (label, text string) {
	switch u.Kind {
	case protocol.KindEvent:
		return u.Event.Label, u.Event.Summary
	case protocol.KindState:
		s := u.State
		text = strings.ReplaceAll(string(s.Phase), "_", " ") // the words, not the JSON name
		if s.Attempt > 0 {
			text += " attempt " + strconv.Itoa(s.Attempt)
		}
		if s.Delay > 0 {
			text += " in " + s.Delay.Duration().Round(time.Millisecond).String()
		}
		if s.CloseCode != 0 {
			text += " close " + strconv.Itoa(s.CloseCode)
		}
		if s.HTTPStatus != 0 {
			text += " HTTP " + strconv.Itoa(s.HTTPStatus)
		}
		if s.Recovery != nil && s.Recovery.ErrorCode != "" {
			text += " " + s.Recovery.ErrorCode
		}
		if s.Cause != "" {
			text += ": " + s.Cause
		}
		return "── state", text
	case protocol.KindGap:
		g := u.Gap
		if !g.Start.IsZero() {
			return "!! outage", outageText(g)
		}
		text = "GAP"
		if g.From != 0 || g.To != 0 {
			text += " seq " + strconv.FormatUint(g.From, 10) + "–" + strconv.FormatUint(g.To, 10)
		}
		if g.Missed > 0 {
			text += ", " + strconv.Itoa(g.Missed) + " missed"
		}
		return "!! gap", text + ": " + g.Reason
	case protocol.KindHeartbeat:
		return "heartbeat", u.Heartbeat.Via + " rtt " + u.Heartbeat.RTT.Duration().String()
	case protocol.KindRecv, protocol.KindSent:
		return frameCells(u)
	case protocol.KindMarker:
		return "── marker", u.Marker.Label
	case protocol.KindError:
		return "error", u.Error.Where + ": " + u.Error.Message
	case protocol.KindSubscription:
		s := u.Subscription
		if s.Error != nil {
			return "subscription", "refused: " + s.Error.Error()
		}
		if len(s.Filters) == 1 && s.Filters[0] == s.ID {
			return "subscription", strings.TrimSpace(s.Status + " " + s.ID) // a topic: its own one filter
		}
		return "subscription", strings.TrimSpace(s.Status + " " + s.ID + " " + strings.Join(s.Filters, ", "))
	}
	return string(u.Kind), ""
}

// shownCells is rowCells as the screen shows them: a frame's text
// passed through redact (the provider's rules), so an issued token or key
// never reaches the screen unless the user turned redaction off.
func shownCells(u *protocol.Update, redact func(string) string) (label, text string) {
	label, text = rowCells(u)
	if redact != nil && u.Frame != nil && (u.Frame.Op == protocol.OpText || u.Frame.Op == protocol.OpHTTP) {
		text = redact(text)
	}
	return label, text
}

// seqOf is the provider sequence number of an event row, if any.
func seqOf(u *protocol.Update) uint64 {
	if u.Kind == protocol.KindEvent {
		return u.Event.Seq
	}
	return 0
}

// outageText says when a stream that cannot count its losses was down:
// start, end and how long, in which events may have been lost.
func outageText(g *protocol.Gap) string {
	text := "OUTAGE " + g.Start.Local().Format("15:04:05.000")
	if !g.End.IsZero() {
		text += "–" + g.End.Local().Format("15:04:05.000") + " (" + g.End.Sub(g.Start).Round(time.Millisecond).String() + ")"
	} else {
		text += "– (still down)"
	}
	if g.Missed > 0 {
		text += ", " + strconv.Itoa(g.Missed) + " missed"
	} else {
		text += ", events may be lost"
	}
	if g.Reason != "" {
		text += ": " + g.Reason
	}
	return text
}

// frameCells is the row of a frame: a sent text frame shows its text, a
// binary one its first bytes in hex, a REST exchange its method, URL and
// status.
func frameCells(u *protocol.Update) (label, text string) {
	f := u.Frame
	label = string(u.Kind) + " " + string(f.Op)
	switch f.Op {
	case protocol.OpHTTP:
		return httpCells(u)
	case protocol.OpText:
		return label, f.Data
	case protocol.OpBinary:
		b, err := frameBytes(f)
		if err != nil {
			return label, strconv.Itoa(f.Size) + " bytes"
		}
		return label, strconv.Itoa(f.Size) + " bytes  " + hexPreview(b, 24)
	}
	return label, strconv.Itoa(f.Size) + " bytes"
}

// httpCells is a REST exchange's row: "→ POST url" for the request,
// "← 200 POST url 120ms" for the answer.
func httpCells(u *protocol.Update) (label, text string) {
	if u.Kind == protocol.KindSent {
		var r protocol.HTTPRequest
		if json.Unmarshal([]byte(u.Frame.Data), &r) != nil {
			return "http →", u.Frame.Data
		}
		return "http →", r.Method + " " + r.URL
	}
	var r protocol.HTTPResponse
	if json.Unmarshal([]byte(u.Frame.Data), &r) != nil {
		return "http ←", u.Frame.Data
	}
	took := " " + r.Duration.Duration().Round(time.Millisecond).String()
	if r.Error != "" {
		return "http ←", "failed " + r.Method + " " + r.URL + took + ": " + r.Error
	}
	return "http ←", strconv.Itoa(r.Status) + " " + r.Method + " " + r.URL + took
}

// frameBytes is a frame's payload as bytes (base64 when Enc says so).
func frameBytes(f *protocol.Frame) ([]byte, error) {
	if f.Enc == "base64" {
		return base64.StdEncoding.DecodeString(f.Data)
	}
	return []byte(f.Data), nil
}

// hexPreview is the first n bytes of b in hex, "…" when there are more.
func hexPreview(b []byte, n int) string {
	s := hex.EncodeToString(b[:min(len(b), n)])
	var sp strings.Builder
	for i := 0; i < len(s); i += 2 {
		if i > 0 {
			sp.WriteByte(' ')
		}
		sp.WriteString(s[i : i+2])
	}
	if len(b) > n {
		sp.WriteString(" …")
	}
	return sp.String()
}
