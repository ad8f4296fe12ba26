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

// Stats counts what a session received, for the stats pane: events per
// second (a sparkline over the last minute, on the Updates' own clock so
// a replay draws what was recorded), totals per event label, reconnects,
// recoveries that worked or failed, gaps and how many notifications they
// missed, and bytes received.
type Stats struct {
	Events      int
	Labels      map[string]int
	Reconnects  int // connections dropped (each one is followed by a reconnect attempt)
	RecoveredOK int
	RecoveryBad int
	Gaps        int
	Missed      int // notifications the gaps are known to have lost
	Bytes       int64
	Errors      int
	// GapNote replaces "gaps 0" on a stream whose gaps cannot be known
	// ("gaps cannot be known on a raw stream"), so no gap is not taken
	// for no loss.
	GapNote string

	buckets [sparkSeconds]int // events per second, ring by unix second
	last    int64             // newest second counted
}

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
	case protocol.KindRecv:
		if u.Frame != nil {
			s.Bytes += int64(u.Frame.Size)
		}
	case protocol.KindState:
		if u.State == nil {
			return
		}
		switch u.State.Phase {
		case protocol.PhaseDropped:
			s.Reconnects++
		case protocol.PhaseRecovered:
			s.RecoveredOK++
		case protocol.PhaseRecoveryFailed:
			s.RecoveryBad++
		}
	case protocol.KindGap:
		if u.Gap != nil {
			s.Gaps++
			s.Missed += u.Gap.Missed
		}
	case protocol.KindError:
		s.Errors++
	}
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
	lines := []string{
		"events/s " + Sparkline(s.Rate(now, max(w-9, 1))),
		"events " + strconv.Itoa(s.Events) + "  bytes " + strconv.FormatInt(s.Bytes, 10) + "  errors " + strconv.Itoa(s.Errors),
		"reconnects " + strconv.Itoa(s.Reconnects) + "  recoveries ok " + strconv.Itoa(s.RecoveredOK) + " failed " + strconv.Itoa(s.RecoveryBad),
		"gaps " + strconv.Itoa(s.Gaps) + "  missed " + strconv.Itoa(s.Missed),
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
