package eventlist

import (
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
	flagWidth  = 2 // R (replayed) and D (duplicate)
)

// rowCells splits a row into its cells: short kind and key fields.
// Nothing here is sanitized yet; Cut does that while fitting the width.
func rowCells(u *protocol.Update) (label, text string) {
	switch u.Kind {
	case protocol.KindEvent:
		return u.Event.Label, u.Event.Summary
	case protocol.KindState:
		s := u.State
		text = string(s.Phase)
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
		return string(u.Kind) + " " + string(u.Frame.Op), strconv.Itoa(u.Frame.Size) + " bytes"
	case protocol.KindMarker:
		return "── marker", u.Marker.Label
	case protocol.KindError:
		return "error", u.Error.Where + ": " + u.Error.Message
	case protocol.KindSubscription:
		s := u.Subscription
		if s.Error != nil {
			return "subscription", "refused: " + s.Error.Error()
		}
		return "subscription", strings.TrimSpace(s.Status + " " + s.ID + " " + strings.Join(s.Filters, ", "))
	}
	return string(u.Kind), ""
}

// seqOf is the provider sequence number of an event row, if any.
func seqOf(u *protocol.Update) uint64 {
	if u.Kind == protocol.KindEvent {
		return u.Event.Seq
	}
	return 0
}
