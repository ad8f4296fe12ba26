package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

// target is what a measurement must reach: its ratio to its baseline,
// and optionally a CPU budget per event.
type target struct {
	baseline string
	ratio    float64 // at least, baseline wall / wall
	cpuUS    float64 // at most, 0 for none
	what     string
}

var targets = map[string]target{
	"headless": {"bare", 0.9, 4, "wall ≥ 0.9× bare, CPU ≤ 4 µs/event"},
	"record":   {"bare", 0.8, 0, "wall ≥ 0.8× bare"},
	"tui":      {"bare", 0.8, 0, "wall ≥ 0.8× bare, keys ≤ 50 ms"},
	"replay":   {"jq -c", 4, 0, "≥ 4× jq -c"},
	"wscat":    {"bare", 0, 0, "for comparison"},
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// report prints one line per measurement: medians over the rounds.
func (b *bench) report(out io.Writer) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\twall\tvs baseline\tCPU µs/event\tpeak RSS\t\t")
	for _, name := range b.order {
		rs := b.results[name]
		var walls, cpus, rss []float64
		for _, r := range rs {
			if r.err == nil {
				walls = append(walls, r.wall.Seconds())
				cpus = append(cpus, float64(r.cpu.Microseconds())/float64(b.o.n))
				rss = append(rss, float64(r.rssKB)/1024)
			}
		}
		if len(walls) == 0 {
			fmt.Fprintf(tw, "%s\tfailed\t\t\t\t%v\t\n", name, rs[0].err)
			continue
		}
		t, hasTarget := targets[name]
		ratioCell, verdict := "baseline", ""
		if hasTarget {
			var ratios []float64
			for i, r := range rs {
				base := b.results[t.baseline]
				if r.err != nil || i >= len(base) || base[i].err != nil {
					continue
				}
				ratios = append(ratios, base[i].wall.Seconds()/r.wall.Seconds())
			}
			ratio := median(ratios)
			ratioCell = fmt.Sprintf("%.2f× %s", ratio, t.baseline)
			if t.ratio > 0 {
				ok := ratio >= t.ratio && (t.cpuUS == 0 || median(cpus) <= t.cpuUS)
				if name == "tui" {
					ok = ok && b.keysOK(rs)
				}
				verdict = "target " + t.what + ": " + map[bool]string{true: "met", false: "MISSED"}[ok]
			}
		}
		extra := ""
		if name == "tui" {
			extra = b.tuiExtra(rs) + " "
		}
		fmt.Fprintf(tw, "%s\t%.2fs\t%s\t%.2f\t%.0f MB\t%s%s\t\n", name, median(walls), ratioCell, median(cpus), median(rss), extra, verdict)
	}
	tw.Flush()
	if n := b.results["jq -c"]; len(n) > 0 {
		fmt.Fprintln(out, "\nreplay and jq -c read the same recording of", b.o.n, "events (every frame and event the live run printed).")
	}
	for _, n := range b.notes {
		fmt.Fprintln(out, "note:", n)
	}
}

func (b *bench) keysOK(rs []result) bool {
	for _, r := range rs {
		if r.err == nil && (r.extra["key_max_ms"] > 50 || r.extra["keys"] == 0) {
			return false
		}
	}
	return true
}

func (b *bench) tuiExtra(rs []result) string {
	var keyMax, retained, payload, frames, keys []float64
	for _, r := range rs {
		if r.err != nil {
			continue
		}
		keyMax = append(keyMax, r.extra["key_max_ms"])
		keys = append(keys, r.extra["keys"])
		retained = append(retained, r.extra["retained_B_per_event"])
		payload = append(payload, r.extra["payload_B_per_event"])
		frames = append(frames, r.extra["frames_per_s"])
	}
	return fmt.Sprintf("keys: %.0f answered, slowest %.1f ms; store: %.0f B/event retained for %.0f B of payload; %.0f event redraws/s;",
		median(keys), slices.Max(keyMax), median(retained), median(payload), median(frames))
}

// installWscat installs wscat under dir with npm; "" when it cannot.
func installWscat(dir string) string {
	if _, err := exec.LookPath("npm"); err != nil {
		return ""
	}
	prefix := filepath.Join(dir, "npm")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	fmt.Printf("installing wscat under %s … ", prefix)
	cmd := exec.CommandContext(ctx, "npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", prefix, "wscat@6")
	if err := cmd.Run(); err != nil {
		fmt.Println("failed:", err)
		return ""
	}
	bin := filepath.Join(prefix, "node_modules", ".bin", "wscat")
	if _, err := os.Stat(bin); err != nil {
		fmt.Println("not found")
		return ""
	}
	fmt.Println("ok")
	return bin
}

// measureWscat runs wscat on the socket with the subscription as its
// command and counts the payloads it prints; once it printed n
// notifications it is stopped, and that is its wall time.
func (b *bench) measureWscat() result {
	url, err := socketURL(b.base)
	if err != nil {
		return result{err: err}
	}
	ctx, cancel := context.WithTimeout(context.Background(), b.o.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.wscat, "-c", url, "-x", subscribeFrame, "-w", "-1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return result{err: err}
	}
	// wscat quits when its stdin ends: hold it open for the run.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return result{err: err}
	}
	defer stdin.Close()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{err: err}
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	got := 0
	for got < b.o.n && sc.Scan() {
		if strings.HasPrefix(sc.Text(), `[{"type":"ServerNotification"`) {
			got++
		}
	}
	r := result{wall: time.Since(start)}
	cmd.Process.Signal(syscall.SIGTERM)
	go io.Copy(io.Discard, out)
	cmd.Wait()
	r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rssKB = ru.Maxrss
	}
	if got < b.o.n {
		r.err = fmt.Errorf("wscat printed %d of %d notifications", got, b.o.n)
	}
	return r
}
