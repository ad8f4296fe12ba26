package shell

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/ui"
	events "github.com/evtap/evtap/ui/eventlist"
)

// status is what the connection, context and subscriptions panes know:
// the last thing the source said about each, never more.
type status struct {
	prov      ui.Provider
	state     protocol.State
	url       string            // the endpoint, from the last state that named it
	info      map[string]string // provider limits, from the last state that gave them
	context   []protocol.Field  // the provider's context fields, from the last state that gave them
	conn      int
	recovery  *protocol.Recovery
	lastSeq   uint64
	droppedAt time.Time // when the connection was last lost, for the recovery window
	subs      subscriptions
	rtt       time.Duration
	rttVia    string
	lastEvent time.Time
	liveSince time.Time
	// refused is the last rejection, kept while the session stays closed
	// after it: the closed state that follows says only that it ended,
	// and the server's status, code and message are what the user needs.
	refused *protocol.State
}

func newStatus(p ui.Provider) status {
	return status{prov: p, subs: subscriptions{one: p.OneSubscription}}
}

func (s *status) apply(u protocol.Update) {
	switch u.Kind {
	case protocol.KindState:
		wasLive := s.state.Phase == protocol.PhaseLive && s.conn == u.Conn
		s.state, s.conn = *u.State, u.Conn
		if u.State.URL != "" {
			s.url = u.State.URL
		}
		if len(u.State.Info) > 0 {
			s.info = u.State.Info
		}
		if len(u.State.Context) > 0 {
			s.context = u.State.Context
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
			// a provider may repeat the live state to refresh its
			// context; the stream has been live since it first was
			if !wasLive {
				s.liveSince = u.Time
			}
		}
		switch u.State.Phase {
		case protocol.PhaseRejected:
			r := *u.State
			s.refused = &r
		case protocol.PhaseClosed:
		default:
			s.refused = nil // a new attempt
		}
	case protocol.KindEvent:
		s.lastEvent = u.Time
		if u.Event.Seq > s.lastSeq {
			s.lastSeq = u.Event.Seq
		}
		s.subs.count(u.Event.Subscription)
	case protocol.KindSubscription:
		s.subs.apply(*u.Subscription)
	case protocol.KindHeartbeat:
		s.rtt, s.rttVia = u.Heartbeat.RTT.Duration(), u.Heartbeat.Via
	}
}

// genericPhases say each phase in words a person reads at a glance, for
// a provider that has no words of its own for it.
var genericPhases = map[protocol.Phase]string{
	protocol.PhaseToken:          "getting token",
	protocol.PhaseDialing:        "dialing",
	protocol.PhaseUpgraded:       "upgraded",
	protocol.PhaseConnected:      "connected",
	protocol.PhaseSubscribing:    "subscribing",
	protocol.PhaseLive:           "LIVE",
	protocol.PhaseDropped:        "DROPPED",
	protocol.PhaseBackoff:        "waiting to reconnect",
	protocol.PhaseRecovering:     "recovering",
	protocol.PhaseRecovered:      "recovered",
	protocol.PhaseRecoveryFailed: "recovery failed",
	protocol.PhaseRotating:       "rotating to a fresh connection",
	protocol.PhaseRejected:       "REJECTED",
	protocol.PhaseClosed:         "closed",
}

func (s *status) phase() string {
	p := s.state.Phase
	if p == "" {
		return "starting"
	}
	if t, ok := s.prov.Phases[p]; ok {
		return sanitize(t, 60)
	}
	if t, ok := genericPhases[p]; ok {
		return t
	}
	return sanitize(string(p), 30)
}

// connectionLines is the connection pane, width cells wide: a long
// cause (the server's code and message) is wrapped, never cut.
func (s *status) connectionLines(now time.Time, width int) []string {
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
	if r := s.refused; r != nil && (st.Phase == protocol.PhaseClosed || st.Phase == protocol.PhaseRejected) {
		// What the server said outlives the closed state that follows,
		// and comes first: its status on the state line, its code and
		// message whole under it, even in a 4-line pane.
		lines[0] = "state   REJECTED"
		if st.Phase == protocol.PhaseClosed {
			lines[0] += ", closed"
		}
		if r.HTTPStatus != 0 {
			lines[0] += fmt.Sprintf(": HTTP %d", r.HTTPStatus)
		}
		st = *r
		lines = append(lines, wrapped("server  ", sanitize(refusal(st.Cause), 400), width)...)
		st.Cause = ""
	} else if st.HTTPStatus != 0 {
		lines = append(lines, fmt.Sprintf("http    %d", st.HTTPStatus))
	}
	if st.Cause != "" {
		lines = append(lines, wrapped("cause   ", sanitize(st.Cause, 400), width)...)
	}
	if st.CloseCode != 0 {
		lines = append(lines, fmt.Sprintf("close   code %d", st.CloseCode))
	}
	if st.HTTPStatus != 0 {
		lines = append(lines, answerHeaders(st.Info)...)
	}
	if s.url != "" {
		lines = append(lines, "url     "+sanitize(s.url, 200))
	}
	if p := s.info["subprotocol"]; p != "" {
		lines = append(lines, "proto   "+sanitize(p, 64)+" (chosen by the server)")
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

// refusal is what a rejection's cause says beyond "rejected by the
// server", which the state line already says: where, and the server's
// status, code and message ("token: HTTP 400 OAU-213: Invalid JWT").
func refusal(cause string) string {
	rest, ok := strings.CutPrefix(cause, "rejected by the server")
	if !ok {
		return cause
	}
	rest = strings.TrimPrefix(strings.TrimLeft(rest, " "), ": ")
	where := ""
	if w, after, ok := strings.Cut(rest, "): "); ok && strings.HasPrefix(w, "(") {
		where, rest = w[1:]+": ", after
	}
	// The status is on the state line already.
	if code, after, ok := strings.Cut(strings.TrimPrefix(rest, "HTTP "), " "); ok && len(rest) > 5 && rest[:5] == "HTTP " && isDigits(code) {
		rest = strings.TrimPrefix(after, ": ")
	}
	return where + rest
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// engineInfo are the State.Info keys the engine sets for itself; the
// others of a refused answer's state are the answer's headers.
var engineInfo = map[string]bool{"subprotocol": true, "expires_at": true, "rotates_at": true}

// maxAnswerHeaders is how many headers of a refused answer the pane
// lists; the rest are counted.
const maxAnswerHeaders = 8

// answerHeaders lists the headers of a refused request or upgrade (a
// WWW-Authenticate challenge, a request id), which say why.
func answerHeaders(info map[string]string) []string {
	var names []string
	for k := range info {
		if !engineInfo[k] && !strings.Contains(k, "timeout") {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var lines []string
	for i, k := range names {
		if i == maxAnswerHeaders {
			lines = append(lines, fmt.Sprintf("header  … %d more", len(names)-i))
			break
		}
		lines = append(lines, "header  "+sanitize(k, 40)+": "+sanitize(info[k], 160))
	}
	return lines
}

// contextTitle is the context pane's title.
func (s *status) contextTitle() string {
	if s.prov.ContextTitle != "" {
		return s.prov.ContextTitle
	}
	return "Context"
}

// contextLines is the context pane: the provider's context fields when
// it sends them, else its recovery context.
func (s *status) contextLines(now time.Time, reveal bool, width int) []string {
	if len(s.context) > 0 {
		return fieldLines(s.context, now, reveal, width)
	}
	if s.recovery == nil {
		if s.prov.ContextEmpty != "" {
			return []string{s.prov.ContextEmpty}
		}
		return []string{"nothing reported yet"}
	}
	return s.recoveryLines(now, reveal, width)
}

// fieldLines shows context fields as "label  value  in 41s", secrets
// masked until revealed (then whole, wrapped), moments counted down to or
// up from.
func fieldLines(fs []protocol.Field, now time.Time, reveal bool, width int) []string {
	lw := 7
	for _, f := range fs {
		lw = max(lw, min(len(sanitize(f.Label, 20)), 20))
	}
	if reveal {
		// What t revealed comes first, so a pane cut to its height
		// ("… 2 more") never hides it.
		fs = slices.Clone(fs)
		slices.SortStableFunc(fs, func(a, b protocol.Field) int {
			switch {
			case a.Secret == b.Secret:
				return 0
			case a.Secret:
				return -1
			}
			return 1
		})
	}
	var lines []string
	for _, f := range fs {
		label := sanitize(f.Label, 20)
		label += strings.Repeat(" ", lw+1-len([]rune(label)))
		v := f.Value
		switch {
		case f.Secret && reveal:
			lines = append(lines, wrapped(label, sanitize(v, 2000), width)...)
			v = ""
			label = strings.Repeat(" ", lw+1)
		case f.Secret:
			v = mask(v) + "  (t reveals)"
		default:
			v = sanitize(v, 200)
		}
		if !f.At.IsZero() {
			v = strings.TrimSpace(v + "  " + countdown(f.At, now, f.Ago))
		}
		if v != "" || !f.Secret || !reveal {
			lines = append(lines, label+v)
		}
	}
	return lines
}

// secrets counts the context fields t would reveal.
func (s *status) secrets() int {
	n := 0
	for _, f := range s.state.Context {
		if f.Secret && f.Value != "" {
			n++
		}
	}
	return n
}

// countdown says how far a moment is: "in 41s" ahead, "for 12s" since
// (or "12s ago" for a moment that happened, ago).
func countdown(at, now time.Time, ago bool) string {
	d := at.Sub(now).Round(time.Second)
	switch {
	case d >= 0:
		return "in " + d.String()
	case ago:
		return (-d).String() + " ago"
	}
	return "for " + (-d).String()
}

// wrapped breaks a long value over lines under its label, so a revealed
// token or a server's message can be read whole: at a space where one
// falls late enough in the line, else where the width ends.
func wrapped(label, v string, width int) []string {
	step := max(width-len([]rune(label)), 8)
	pad := strings.Repeat(" ", len([]rune(label)))
	var lines []string
	r := []rune(v)
	for i := 0; i < len(r); {
		for i > 0 && i < len(r) && r[i] == ' ' { // no continuation starts with a space
			i++
		}
		end := min(i+step, len(r))
		if end < len(r) && r[end] != ' ' {
			for j := end - 1; j > i+step/2; j-- {
				if r[j] == ' ' {
					end = j
					break
				}
			}
		}
		prefix := pad
		if len(lines) == 0 {
			prefix = label
		}
		if end > i {
			lines = append(lines, prefix+string(r[i:end]))
		}
		i = end
	}
	if len(lines) == 0 {
		lines = append(lines, label)
	}
	return lines
}

// recoveryLines is the recovery context: token, sequence, outcome and
// the window left to recover.
func (s *status) recoveryLines(now time.Time, reveal bool, width int) []string {
	r := s.recovery
	var lines []string
	if reveal {
		// the whole token, wrapped, so it can be read and copied
		lines = append(lines, wrapped("token   ", sanitize(r.Token, 2000), width)...)
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

// subscriptionsTitle is the subscriptions pane's title.
func (s *status) subscriptionsTitle() string {
	if s.prov.SubscriptionsTitle != "" {
		return s.prov.SubscriptionsTitle
	}
	return "Subscriptions"
}

// statsLine is the one-line summary under the panes; the counting is
// eventlist.Stats', which also feeds the stats column. A stream whose
// gaps cannot be known says so rather than "gaps 0".
func (s *status) statsLine(st *events.Stats, now time.Time) string {
	gaps := fmt.Sprintf("gaps %d (%s)", st.Gaps, st.MissedText())
	if st.Gaps == 0 && s.prov.Gaps != "" {
		gaps = sanitize(s.prov.Gaps, 80)
	}
	reconnects := fmt.Sprintf("reconnects %d", st.Reconnects)
	if st.FailedAttempts > 0 {
		reconnects += fmt.Sprintf(" (%d attempt%s failed)", st.FailedAttempts, plural(st.FailedAttempts))
	}
	return fmt.Sprintf("events %d (%s/s)  %s  recovered %d  failed %d  %s  in %s",
		st.Events, events.RateText(st.PerSecond(now)), reconnects, st.RecoveredOK, st.RecoveryBad, gaps, bytesText(st.Bytes))
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

// plural is "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
