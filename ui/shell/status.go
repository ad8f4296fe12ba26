package shell

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
	events "github.com/evtap/evtap/ui/eventlist"
)

// status is what the connection, recovery and subscription panes know: the
// last thing the source said about each, never more.
type status struct {
	state     protocol.State
	url       string            // the endpoint, from the last state that named it
	info      map[string]string // provider limits, from the last state that gave them
	conn      int
	recovery  *protocol.Recovery
	lastSeq   uint64
	droppedAt time.Time // when the connection was last lost, for the recovery window
	sub       protocol.Subscription
	subErr    *protocol.APIError
	rtt       time.Duration
	rttVia    string
	lastEvent time.Time
	liveSince time.Time
}

func (s *status) apply(u protocol.Update) {
	switch u.Kind {
	case protocol.KindState:
		s.state, s.conn = *u.State, u.Conn
		if u.State.URL != "" {
			s.url = u.State.URL
		}
		if len(u.State.Info) > 0 {
			s.info = u.State.Info
		}
		if u.State.Recovery != nil {
			r := *u.State.Recovery
			s.recovery = &r
			if r.Sequence > s.lastSeq || u.State.Phase == protocol.PhaseConnected {
				s.lastSeq = r.Sequence
			}
		}
		switch u.State.Phase {
		case protocol.PhaseDropped:
			s.droppedAt = u.Time
		case protocol.PhaseLive:
			s.liveSince = u.Time
		}
	case protocol.KindEvent:
		s.lastEvent = u.Time
		if u.Event.Seq > s.lastSeq {
			s.lastSeq = u.Event.Seq
		}
	case protocol.KindSubscription:
		if u.Subscription.Error != nil {
			e := *u.Subscription.Error
			s.subErr = &e
			break
		}
		s.sub, s.subErr = *u.Subscription, nil
	case protocol.KindHeartbeat:
		s.rtt, s.rttVia = u.Heartbeat.RTT.Duration(), u.Heartbeat.Via
	}
}

// phaseText says the phase in words a person reads at a glance.
var phaseText = map[protocol.Phase]string{
	protocol.PhaseToken:          "getting token",
	protocol.PhaseDialing:        "dialing",
	protocol.PhaseUpgraded:       "upgraded, waiting for ConnectionDetails",
	protocol.PhaseConnected:      "ConnectionDetails received",
	protocol.PhaseSubscribing:    "subscribing",
	protocol.PhaseLive:           "LIVE",
	protocol.PhaseDropped:        "DROPPED",
	protocol.PhaseBackoff:        "waiting to reconnect",
	protocol.PhaseRecovering:     "recovering (wsc presented)",
	protocol.PhaseRecovered:      "recovered: Successful",
	protocol.PhaseRecoveryFailed: "recovery Failed, resubscribing",
	protocol.PhaseRejected:       "REJECTED",
	protocol.PhaseClosed:         "closed",
}

func (s *status) phase() string {
	if s.state.Phase == "" {
		return "starting"
	}
	if t, ok := phaseText[s.state.Phase]; ok {
		return t
	}
	return sanitize(string(s.state.Phase), 30)
}

// connectionLines is the connection pane.
func (s *status) connectionLines(now time.Time) []string {
	lines := []string{"state   " + s.phase()}
	if s.conn > 0 {
		lines[0] += fmt.Sprintf("  (connection #%d)", s.conn)
	}
	st := s.state
	if st.Phase == protocol.PhaseBackoff {
		if left := st.Until.Sub(now).Round(100 * time.Millisecond); left > 0 {
			lines = append(lines, fmt.Sprintf("retry   attempt %d in %s", st.Attempt, left))
		} else {
			// the moment has passed (or this is a replay): say what was waited
			lines = append(lines, fmt.Sprintf("retry   attempt %d after %s", st.Attempt, st.Delay.Duration().Round(time.Millisecond)))
		}
	}
	if st.Cause != "" {
		lines = append(lines, "cause   "+sanitize(st.Cause, 200))
	}
	if st.HTTPStatus != 0 {
		lines = append(lines, fmt.Sprintf("http    %d", st.HTTPStatus))
	}
	if st.CloseCode != 0 {
		lines = append(lines, fmt.Sprintf("close   code %d", st.CloseCode))
	}
	if s.url != "" {
		lines = append(lines, "url     "+sanitize(s.url, 200))
	}
	if s.rtt > 0 {
		lines = append(lines, fmt.Sprintf("rtt     %s (%s)", s.rtt.Round(100*time.Microsecond), s.rttVia))
	}
	if st.Phase == protocol.PhaseLive {
		since := s.lastEvent
		if since.Before(s.liveSince) {
			since = s.liveSince
		}
		if idle := now.Sub(since); idle >= 5*time.Second {
			lines = append(lines, fmt.Sprintf("stall   no events for %ds", int(idle.Seconds())))
		}
	}
	if len(s.info) > 0 {
		keys := make([]string, 0, len(s.info))
		for k := range s.info {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			if strings.Contains(k, "timeout") {
				parts = append(parts, strings.TrimSuffix(k, "_timeout")+"="+sanitize(s.info[k], 20))
			}
		}
		if len(parts) > 0 {
			lines = append(lines, "timeouts "+strings.Join(parts, " "))
		}
	}
	return lines
}

// recoveryLines is the wsc pane.
func (s *status) recoveryLines(now time.Time, reveal bool, width int) []string {
	r := s.recovery
	if r == nil {
		return []string{"no recovery token yet"}
	}
	var lines []string
	if reveal {
		// the whole token, wrapped, so it can be read and copied
		tok := sanitize(r.Token, 2000)
		step := max(width-8, 8)
		for i := 0; i < len(tok); i += step {
			prefix := "        "
			if i == 0 {
				prefix = "token   "
			}
			lines = append(lines, prefix+tok[i:min(i+step, len(tok))])
		}
	} else {
		lines = append(lines, "token   "+mask(r.Token)+"  (t reveals)")
	}
	lines = append(lines, fmt.Sprintf("seq     %d", s.lastSeq))
	if r.Outcome != "" {
		out := "last    " + sanitize(r.Outcome, 20)
		if r.ErrorCode != "" {
			out += " " + sanitize(r.ErrorCode, 20)
		}
		lines = append(lines, out)
	}
	if r.TimeoutSec > 0 {
		w := fmt.Sprintf("window  %ds, buffer %d", r.TimeoutSec, r.BufferSize)
		switch s.state.Phase {
		case protocol.PhaseDropped, protocol.PhaseBackoff, protocol.PhaseRecovering, protocol.PhaseToken, protocol.PhaseDialing:
			left := time.Duration(r.TimeoutSec)*time.Second - now.Sub(s.droppedAt)
			if !s.droppedAt.IsZero() && left > 0 {
				w += fmt.Sprintf(" — %ds left to recover", int(left.Seconds()))
			} else if !s.droppedAt.IsZero() {
				w += " — window passed"
			}
		}
		lines = append(lines, w)
	}
	return lines
}

// subscriptionLines is the subscription pane.
func (s *status) subscriptionLines(now time.Time) []string {
	var lines []string
	if s.sub.ID == "" && s.sub.Status == "" {
		lines = append(lines, "none yet")
	} else {
		lines = append(lines, "id      "+sanitize(s.sub.ID, 60), "status  "+sanitize(s.sub.Status, 30))
		if !s.sub.ExpiresAt.IsZero() {
			lines = append(lines, "expires "+s.sub.ExpiresAt.Local().Format("15:04:05")+fmt.Sprintf(" (in %s)", s.sub.ExpiresAt.Sub(now).Round(time.Second)))
		}
		for _, f := range s.sub.Filters {
			lines = append(lines, "  "+sanitize(shortFilter(f), 160))
		}
	}
	if s.subErr != nil {
		lines = append(lines, "REFUSED "+sanitize(s.subErr.Error(), 200)+" (the subscription above is still in force)")
	}
	return lines
}

// statsLine is the one-line summary under the panes; the counting is
// eventlist.Stats', which also feeds the stats column.
func statsLine(st *events.Stats) string {
	return fmt.Sprintf("events %d  reconnects %d  recovered %d  failed %d  gaps %d (missed %d)  in %s",
		st.Events, st.Reconnects, st.RecoveredOK, st.RecoveryBad, st.Gaps, st.Missed, bytesText(st.Bytes))
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// shortFilter drops the account/extension prefix every filter shares, so
// the part that differs is what fits on screen.
func shortFilter(f string) string {
	const p = "/restapi/v1.0/account/"
	if !strings.HasPrefix(f, p) {
		return f
	}
	rest := f[len(p):]
	parts := strings.SplitN(rest, "/", 4)
	if len(parts) == 4 && parts[1] == "extension" {
		return "…/" + parts[3]
	}
	return f
}
