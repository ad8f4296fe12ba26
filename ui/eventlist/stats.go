package eventlist

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
)

// sparkSeconds is how many seconds the events/s sparkline covers.
const sparkSeconds = 60

// MissedText says how many notifications the gaps lost: "missed 3",
// "missed 3+" when some gaps could not be counted, "missed ?" when none
// could.
func (s *Stats) MissedText() string {
	switch {
	case s.Uncounted > 0 && s.Uncounted == s.Gaps:
		return "missed ?"
	case s.Uncounted > 0:
		return "missed " + strconv.Itoa(s.Missed) + "+"
	}
	return "missed " + strconv.Itoa(s.Missed)
}

// Stats counts what a session received, for the stats pane: events per
// second (a sparkline over the last minute, on the Updates' own clock so
// a replay draws what was recorded), totals per event label, reconnects,
// recoveries that worked or failed, gaps and how many notifications they
// missed, and bytes received.
type Stats struct {
	Events int
	Labels map[string]int
	// Reconnects counts connections lost after they had opened: each
	// is followed by a reconnect. An attempt that never opened (a
	// refused dial) is counted in FailedAttempts instead.
	Reconnects     int
	FailedAttempts int
	RecoveredOK    int
	RecoveryBad    int
	// Gaps and Missed count the gaps reported and the notifications
	// they are known to have lost, less those that arrived late after
	// all (Event.Late): a gap whose every notification turned up is no
	// gap.
	Gaps   int
	Missed int
	// Uncounted counts the gaps whose losses nobody can count (an
	// outage window: Missed 0), so "missed 0" is never read as none.
	Uncounted int
	Bytes     int64
	Errors    int
	// GapNote replaces "gaps 0" on a stream whose gaps cannot be known
	// ("gaps cannot be known on a raw stream"), so no gap is not taken
	// for no loss.
	GapNote string

	buckets [sparkSeconds]int // events per second, ring by unix second
	last    int64             // newest second counted
	up      bool              // the current connection opened
	recent  []openGap         // the last gaps reported, for late arrivals
}

// openGap is a reported gap and how many of its notifications are still
// missing.
type openGap struct {
	from, to uint64
	left     int
}

// recentGaps is how many reported gaps a late arrival is matched
// against, as many as a decoder remembers.
const recentGaps = 16

// NewStats returns empty Stats.
func NewStats() *Stats { return &Stats{Labels: map[string]int{}} }

// Add counts u. Call it for every Update, not only the ones the list keeps.
func (s *Stats) Add(u protocol.Update) {
	switch u.Kind {
	case protocol.KindEvent:
		if u.Event == nil {
			return
		}
		s.Events++
		s.Labels[u.Event.Label]++
		s.tick(u.Time.Unix())
		if u.Event.Late && !u.Event.Duplicate {
			s.arrived(u.Event.Seq)
		}
	case protocol.KindRecv:
		if u.Frame != nil {
			s.Bytes += int64(u.Frame.Size)
		}
	case protocol.KindState:
		if u.State == nil {
			return
		}
		switch u.State.Phase {
		case protocol.PhaseToken, protocol.PhaseDialing:
			s.up = false // a new attempt
		case protocol.PhaseUpgraded, protocol.PhaseConnected, protocol.PhaseSubscribing, protocol.PhaseLive, protocol.PhaseRecovering, protocol.PhaseRotating:
			s.up = true
		case protocol.PhaseDropped:
			if s.up {
				s.Reconnects++
			} else {
				s.FailedAttempts++
			}
			s.up = false
		case protocol.PhaseRecovered:
			s.RecoveredOK++
		case protocol.PhaseRecoveryFailed:
			s.RecoveryBad++
		}
	case protocol.KindGap:
		if u.Gap != nil {
			s.Gaps++
			s.Missed += u.Gap.Missed
			if u.Gap.Missed == 0 {
				s.Uncounted++
			}
			if u.Gap.Missed > 0 && (u.Gap.From != 0 || u.Gap.To != 0) {
				if len(s.recent) == recentGaps {
					s.recent = append(s.recent[:0], s.recent[1:]...)
				}
				s.recent = append(s.recent, openGap{u.Gap.From, u.Gap.To, u.Gap.Missed})
			}
		}
	case protocol.KindError:
		s.Errors++
	}
}

// arrived takes back from the gaps one notification that arrived late.
func (s *Stats) arrived(seq uint64) {
	for i := len(s.recent) - 1; i >= 0; i-- {
		g := &s.recent[i]
		if seq-g.from > g.to-g.from || g.left == 0 { // modulo 2^64, as sequences wrap
			continue
		}
		g.left--
		s.Missed = max(s.Missed-1, 0)
		if g.left == 0 {
			s.Gaps = max(s.Gaps-1, 0)
		}
		return
	}
	s.Missed = max(s.Missed-1, 0) // its gap is too old to find; it still was not lost
}

// PerSecond is the events per second over the last few whole seconds up
// to now, for a number beside the sparkline; 0 when nothing arrived.
func (s *Stats) PerSecond(now time.Time) float64 {
	const window = 5
	counts := s.Rate(now.Add(-time.Second), window) // the current second is not over
	total := 0
	for _, c := range counts {
		total += c
	}
	return float64(total) / window
}

// tick counts one event in second sec.
func (s *Stats) tick(sec int64) {
	if sec > s.last {
		// Clear the seconds skipped since the last event.
		for t := max(s.last+1, sec-sparkSeconds+1); t <= sec; t++ {
			s.buckets[mod(t)] = 0
		}
		s.last = sec
	}
	if sec > s.last-sparkSeconds {
		s.buckets[mod(sec)]++
	}
}

func mod(t int64) int { return int((t%sparkSeconds + sparkSeconds) % sparkSeconds) }

// Rate returns events per second for the last n seconds up to now, oldest
// first (seconds with nothing received count as 0).
func (s *Stats) Rate(now time.Time, n int) []int {
	n = min(n, sparkSeconds)
	out := make([]int, n)
	end := now.Unix()
	for i := range n {
		t := end - int64(n-1-i)
		if t <= s.last && t > s.last-sparkSeconds {
			out[i] = s.buckets[mod(t)]
		}
	}
	return out
}

// RateText writes events per second short: "0", "0.4", "12", "1.2k".
func RateText(r float64) string {
	switch {
	case r >= 1000:
		return strconv.FormatFloat(r/1000, 'f', 1, 64) + "k"
	case r >= 10 || r == float64(int(r)):
		return strconv.Itoa(int(r + 0.5))
	}
	return strconv.FormatFloat(r, 'f', 1, 64)
}

var sparks = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws counts as one row of block characters scaled to the
// largest.
func Sparkline(counts []int) string {
	top := 0
	for _, c := range counts {
		top = max(top, c)
	}
	var b strings.Builder
	for _, c := range counts {
		switch {
		case c == 0:
			b.WriteRune(' ')
		case top == 1:
			b.WriteRune(sparks[len(sparks)-1])
		default:
			b.WriteRune(sparks[(c-1)*(len(sparks)-1)/(top-1)])
		}
	}
	return b.String()
}

// View draws the pane in w×h cells; now places the sparkline's end.
func (s *Stats) View(w, h int, st Styles, now time.Time) string {
	rate := RateText(s.PerSecond(now)) + "/s "
	lines := []string{
		rate + Sparkline(s.Rate(now, max(w-len(rate), 1))),
		"events " + strconv.Itoa(s.Events) + "  bytes " + strconv.FormatInt(s.Bytes, 10) + "  errors " + strconv.Itoa(s.Errors),
		"reconnects " + strconv.Itoa(s.Reconnects) + "  recoveries ok " + strconv.Itoa(s.RecoveredOK) + " failed " + strconv.Itoa(s.RecoveryBad),
		"gaps " + strconv.Itoa(s.Gaps) + "  " + s.MissedText(),
	}
	if s.FailedAttempts > 0 {
		lines[2] += "  attempts failed " + strconv.Itoa(s.FailedAttempts)
	}
	if s.Gaps == 0 && s.GapNote != "" {
		lines[3] = s.GapNote
	}
	labels := make([]string, 0, len(s.Labels))
	for l := range s.Labels {
		labels = append(labels, l)
	}
	sort.Slice(labels, func(i, j int) bool {
		a, b := s.Labels[labels[i]], s.Labels[labels[j]]
		return a > b || a == b && labels[i] < labels[j]
	})
	for _, l := range labels {
		lines = append(lines, "  "+strconv.Itoa(s.Labels[l])+" "+l)
	}
	var b strings.Builder
	for i := range h {
		if i > 0 {
			b.WriteByte('\n')
		}
		text := ""
		if i < len(lines) {
			text = lines[i]
		}
		style := st.Summary
		if i >= 4 {
			style = st.Muted
		}
		b.WriteString(style.Render(pad(Cut(text, w), w)))
	}
	return b.String()
}
