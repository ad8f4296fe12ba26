package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
)

// Report is what one soak found.
type Report struct {
	cfg     Config
	chaos   chaosCounts
	acct    accounting
	lines   int
	bytes   int64
	events  int
	pauses  int
	phases  map[protocol.Phase]int
	errors  []string
	bad     []string
	stderr  string
	drops   []drop
	samples []sample
	sampErr error
	Checks  []Check
}

// Check is one verdict.
type Check struct {
	Name   string
	OK     bool
	Detail string
}

// OK reports whether every check passed.
func (r *Report) OK() bool {
	for _, c := range r.Checks {
		if !c.OK {
			return false
		}
	}
	return len(r.Checks) > 0
}

func (r *Report) check(name string, ok bool, format string, args ...any) {
	r.Checks = append(r.Checks, Check{Name: name, OK: ok, Detail: fmt.Sprintf(format, args...)})
}

// report judges the run.
func (r *run) report() *Report {
	o := r.obs
	rep := &Report{cfg: r.cfg, chaos: r.chaos, acct: r.account(), lines: o.lines, bytes: o.bytes, events: o.events,
		pauses: o.pauses, phases: o.phases, errors: o.errorList(), bad: o.bad, stderr: r.stderr,
		drops: o.drops, samples: r.samples, sampErr: r.sampErr}
	a, c := rep.acct, rep.chaos

	rep.check("evtap ran to the end", !c.evtapEnded && c.readErr == nil,
		"%s%s", ifElse(c.evtapEnded, "evtap ended by itself during the chaos", "it was still running when the chaos ended"), errText(c.readErr))
	rep.check("evtap exits 0 on SIGINT", c.exitCode == 0 && !c.killed,
		"exit %d%s", c.exitCode, ifElse(c.killed, ", killed after 30 s", ""))
	rep.check("stderr is empty", strings.TrimSpace(rep.stderr) == "", "%s", ifElse(rep.stderr == "", "nothing", fmt.Sprintf("%.500q", rep.stderr)))
	rep.check("stdout is only Updates", len(rep.bad) == 0, "%d lines, %d not Updates %s", rep.lines, len(rep.bad), strings.Join(rep.bad, "; "))
	rep.check("evtap caught up", c.caughtUp, "showed the newest notification of every session %s after the emulator stopped", c.catchUp.Round(time.Millisecond))
	rep.check("the ledger accounts for everything", c.ledgerDrained && r.led.missed == 0 && a.unaccounted == 0 && uint64(a.notifications) == c.emulatorCountersEnd.Generated,
		"%d entries read of %d made; %d let go unread, %d sequences unaccounted", a.notifications, c.emulatorCountersEnd.Generated, r.led.missed, a.unaccounted)
	if a.mapping != "" {
		rep.check("connections matched", false, "%s", a.mapping)
	}
	rep.check("nothing lost inside the recovery window", a.losses() == 0,
		"0 expected: %d still in the buffer at recovery yet never shown, %d lost after receipt, %d lost with no gap, %d shown but not made, %d shown but never written, %d with another uuid, %d counted by a gap yet shown, %d counted twice, %d gaps miscounted%s",
		a.windowLoss, a.receivedLoss, a.noGapLoss, a.notInLedger, a.neverWritten, a.uuidMismatch, a.falseGap, a.doubleGap, a.badGapCount, examples(a.examples))
	rep.check("no duplicates", a.duplicates == 0, "%d notifications shown more than once (%d marked duplicate)", a.duplicates, a.dupMarked)
	rep.check("every counted gap counts exactly what was missed", a.countedMissed == uint64(a.ledgerInGaps) && a.gapNoSession == 0,
		"%d gaps say %d missed; the ledger: %d notifications evicted unread before evtap came back for them%s",
		a.countedGaps, a.countedMissed, a.ledgerInGaps, ifElse(a.gapNoSession > 0, fmt.Sprintf("; %d gaps on connections that showed nothing", a.gapNoSession), ""))
	rep.check("every new session is a gap of unknown size", a.unknownGaps == max(a.sessionsShown-1, 0),
		"%d gaps of unknown size for %d sessions after the first; %d notifications went with %d forgotten sessions (uncountable: recovery Failed)",
		a.unknownGaps, max(a.sessionsShown-1, 0), a.tailLost, a.forgottenTails)
	rep.check("the recording holds every event", c.recordingErr == nil && c.recordingEvents == rep.events,
		"%d events in %s of gzip, %d on stdout%s", c.recordingEvents, mb(c.recordingBytes), rep.events, errText(c.recordingErr))

	// Issue 13 item 10: a drop after a working connection waits the
	// first backoff step again.
	var first, later, notWorking int
	ceiling := 500 * time.Millisecond
	for _, d := range rep.drops {
		switch {
		case !d.working || d.backoff == nil:
			notWorking++
		case d.backoff.Attempt == 1 && d.backoff.Delay.Duration() <= ceiling:
			first++
		default:
			later++
		}
	}
	rep.check("backoff restarts after every recovery", later == 0 && first > 0,
		"%d drops of a working connection waited a first step (attempt 1, ≤ %s), %d waited longer; %d drops of a connection not yet working",
		first, ceiling, later, notWorking)

	// Issue 13 item 7: memory and goroutines stay flat.
	rss := series(rep.samples, r.cfg.WarmUp, func(s sample) (float64, bool) { return float64(s.rssKB) / 1024, s.rssKB > 0 })
	heap := series(rep.samples, r.cfg.WarmUp, func(s sample) (float64, bool) { return float64(s.heapKB) / 1024, s.heapKB >= 0 })
	gor := series(rep.samples, r.cfg.WarmUp, func(s sample) (float64, bool) { return float64(s.goroutines), s.goroutines >= 0 })
	rep.check("RSS stays flat", rss.judged >= 3 && rss.slope <= r.cfg.MaxRSSSlope,
		"%s MB; slope %+.2f MB/min after %s (limit %g)%s", rss, rss.slope, r.cfg.WarmUp, r.cfg.MaxRSSSlope, errText(rep.sampErr))
	rep.check("live heap stays flat", heap.judged >= 3 && heap.slope <= r.cfg.MaxHeapSlope,
		"%s MB after a GC; slope %+.2f MB/min after %s (limit %g)", heap, heap.slope, r.cfg.WarmUp, r.cfg.MaxHeapSlope)
	rep.check("goroutines stay flat", gor.judged >= 3 && gor.slope <= r.cfg.MaxGoroutineSlope,
		"%s; slope %+.2f/min after %s (limit %g)", gor, gor.slope, r.cfg.WarmUp, r.cfg.MaxGoroutineSlope)
	return rep
}

// stat is a sampled series: start, end, max and the least-squares slope
// per minute of the samples after the warm-up.
type stat struct {
	start, end, max float64
	slope           float64
	judged          int
}

func (s stat) String() string {
	out := fmt.Sprintf("start %.1f, end %.1f, max %.1f", s.start, s.end, s.max)
	if s.judged < 3 {
		out += fmt.Sprintf(" (only %d samples after the warm-up: too few to judge)", s.judged)
	}
	return out
}

func series(ss []sample, warm time.Duration, v func(sample) (float64, bool)) stat {
	var st stat
	var xs, ys []float64
	seen := false
	for _, s := range ss {
		y, ok := v(s)
		if !ok {
			continue
		}
		if !seen {
			st.start, seen = y, true
		}
		st.end = y
		st.max = math.Max(st.max, y)
		if s.at >= warm {
			xs = append(xs, s.at.Minutes())
			ys = append(ys, y)
		}
	}
	st.judged = len(xs)
	st.slope = slope(xs, ys)
	return st
}

// slope is the least-squares slope of ys over xs.
func slope(xs, ys []float64) float64 {
	n := float64(len(xs))
	if n < 2 {
		return 0
	}
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / d
}

// Print writes the report.
func (r *Report) Print(w io.Writer) {
	c, a := r.chaos, r.acct
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("evtap chaos soak: %s at %g events/s, a drop every %s, a forgotten session every %s, recovery buffer %d, seed %d",
		r.cfg.Duration, r.cfg.Rate, r.cfg.DropEvery, r.cfg.ForgetEvery, r.cfg.Buffer, r.cfg.Seed)
	p("slow stdout: a %s pause every %d lines (%d pauses)", r.cfg.Pause, r.cfg.PauseEvery, r.pauses)
	p("machine load average: %s at start, %s at end", c.loadStart, c.loadEnd)
	if c.interrupted {
		p("INTERRUPTED after %s: the figures below are for the part that ran", c.chaosTime.Round(time.Second))
	}
	p("")
	ec := c.emulatorCountersEnd
	p("emulator (its counters and ledger)")
	p("  notifications  %d made, %d written, %d never written (evicted unread or lost with a forgotten session)", ec.Generated, ec.Delivered, ec.Dropped)
	p("  sessions       %d with notifications", a.sessions)
	p("  drops          %d (%d cut a connection)", c.drops, c.dropsCut)
	p("  forgets        %d (%d found a session)", c.forgets, c.forgotten)
	p("  recoveries     %d Successful, %d Failed, %d malformed", ec.Recoveries.Successful, ec.Recoveries.Failed, ec.Recoveries.Malformed)
	p("evtap (its stdout)")
	secs := c.chaosTime.Seconds()
	p("  events         %d shown (%d distinct, %d replayed), %.0f/s; %d lines, %s read", r.events, a.shown, a.replayed, float64(r.events)/secs, r.lines, mb(r.bytes))
	p("  connections    %d dropped, %d recovered, %d recovery_failed, %d live", r.phases[protocol.PhaseDropped], r.phases[protocol.PhaseRecovered], r.phases[protocol.PhaseRecoveryFailed], r.phases[protocol.PhaseLive])
	p("  gaps           %d counted (missed %d), %d of unknown size", a.countedGaps, a.countedMissed, a.unknownGaps)
	p("  losses         %d, duplicates %d (inside the recovery window; both must be 0)", a.losses(), a.duplicates)
	var offline time.Duration
	for _, d := range r.drops {
		if !d.back.IsZero() {
			offline += d.back.Sub(d.at)
		}
	}
	p("  offline        %s of %s (%.1f%%), from each drop to live or recovered", offline.Round(time.Millisecond), c.chaosTime.Round(time.Second), 100*offline.Seconds()/secs)
	p("  errors         %d kinds%s", len(r.errors), indent(r.errors, 5))
	p("  backoff after each drop (ms, attempt if not 1):")
	p("%s", wrap(backoffs(r.drops), 100, "    "))
	if len(r.samples) > 0 {
		last := r.samples[len(r.samples)-1]
		first := r.samples[0]
		cpu := last.cpu - first.cpu
		p("  process        %d samples every %s; CPU %s (%.1f µs an event); threads %d → %d", len(r.samples), r.cfg.SampleEvery,
			cpu.Round(10*time.Millisecond), float64(cpu.Microseconds())/math.Max(float64(r.events), 1), first.threads, last.threads)
		p("  RSS (MB)       %s", curve(r.samples, func(s sample) float64 { return float64(s.rssKB) / 1024 }))
		p("  live heap (MB) %s", curve(r.samples, func(s sample) float64 { return float64(s.heapKB) / 1024 }))
		p("  goroutines     %s", curve(r.samples, func(s sample) float64 { return float64(s.goroutines) }))
	}
	p("")
	p("checks")
	for _, ch := range r.Checks {
		mark := "ok  "
		if !ch.OK {
			mark = "FAIL"
		}
		p("  %s %s: %s", mark, ch.Name, ch.Detail)
	}
	if r.OK() {
		p("PASS")
	} else {
		p("FAIL")
	}
}

// backoffs lists the delay after each drop.
func backoffs(ds []drop) string {
	var parts []string
	for _, d := range ds {
		switch {
		case d.backoff == nil:
			parts = append(parts, "-")
		case d.backoff.Attempt == 1:
			parts = append(parts, fmt.Sprintf("%.0f", float64(d.backoff.Delay.Duration())/float64(time.Millisecond)))
		default:
			parts = append(parts, fmt.Sprintf("%.0f(#%d)", float64(d.backoff.Delay.Duration())/float64(time.Millisecond), d.backoff.Attempt))
		}
	}
	if len(parts) == 0 {
		return "(no drops)"
	}
	var ms []float64
	for _, d := range ds {
		if d.backoff != nil {
			ms = append(ms, float64(d.backoff.Delay.Duration())/float64(time.Millisecond))
		}
	}
	sort.Float64s(ms)
	summary := ""
	if len(ms) > 0 {
		summary = fmt.Sprintf("  [min %.0f, median %.0f, max %.0f]", ms[0], ms[len(ms)/2], ms[len(ms)-1])
	}
	return strings.Join(parts, " ") + summary
}

// curve shows a sampled series as about a dozen points.
func curve(ss []sample, v func(sample) float64) string {
	step := max(len(ss)/12, 1)
	var parts []string
	for i := 0; i < len(ss); i += step {
		parts = append(parts, fmt.Sprintf("%s:%.0f", ss[i].at.Round(time.Second), v(ss[i])))
	}
	if (len(ss)-1)%step != 0 {
		last := ss[len(ss)-1]
		parts = append(parts, fmt.Sprintf("%s:%.0f", last.at.Round(time.Second), v(last)))
	}
	return strings.Join(parts, " ")
}

func wrap(s string, width int, prefix string) string {
	var b strings.Builder
	line := prefix
	for _, w := range strings.Fields(s) {
		if len(line)+len(w)+1 > width && line != prefix {
			b.WriteString(line + "\n")
			line = prefix
		}
		if line != prefix {
			line += " "
		}
		line += w
	}
	b.WriteString(line)
	return b.String()
}

func indent(lines []string, n int) string {
	var b strings.Builder
	for i, l := range lines {
		if i == n {
			fmt.Fprintf(&b, "\n    … %d more", len(lines)-n)
			break
		}
		b.WriteString("\n    " + l)
	}
	return b.String()
}

func examples(ex []string) string {
	if len(ex) == 0 {
		return ""
	}
	return "\n        e.g. " + strings.Join(ex, "\n        e.g. ")
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

func errText(err error) string {
	if err == nil {
		return ""
	}
	return " (" + err.Error() + ")"
}

func ifElse(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}
