package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	rcsim "github.com/evtap/evtap/sim/ringcentral"
)

// run is one soak in progress: the emulator, evtap, and what has been
// seen of both.
type run struct {
	cfg   Config
	log   io.Writer
	start time.Time
	dir   string
	sim   *rcsim.Server
	proc  *evtapProc
	tally *tally
	obs   *observer
	led   *ledgerReader

	stderr string // what evtap wrote on stderr

	mu      sync.Mutex
	samples []sample
	sampErr error

	chaos chaosCounts
}

// chaosCounts is what the soak did to the connection.
type chaosCounts struct {
	drops, dropsCut     int // Drop calls, and those that cut a connection
	forgets, forgotten  int // Forget calls, and those that found a session
	interrupted         bool
	chaosTime, catchUp  time.Duration
	caughtUp            bool
	exitCode            int
	killed              bool
	evtapEnded          bool // evtap ended on its own during the chaos
	readErr             error
	ledgerDrained       bool
	recordingEvents     int
	recordingBytes      int64
	recordingErr        error
	loadStart, loadEnd  string
	generatedAtCatchUp  uint64
	sessionsAtCatchUp   int
	emulatorCountersEnd rcsim.Counters
}

// Run runs one soak and returns its report; progress goes to log. ctx
// ending (a signal) cuts the chaos short: the soak still catches up,
// checks and reports. An error is a soak that could not run at all.
func Run(ctx context.Context, cfg Config, log io.Writer) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "evtap-soak-")
	if err != nil {
		return nil, err
	}
	if !cfg.Keep {
		defer os.RemoveAll(dir)
	}
	r := &run{cfg: cfg, log: log, dir: dir}
	r.chaos.loadStart = loadAverage()
	bin := cfg.Evtap
	if bin == "" {
		fmt.Fprintln(log, "soak: building evtap")
		if bin, err = buildEvtap(ctx, dir); err != nil {
			return nil, err
		}
	}
	// The ledger keeps two minutes of notifications: the soak reads it
	// four times a second.
	r.sim = rcsim.New(rcsim.Config{Rate: cfg.Rate, Seed: cfg.Seed, BufferSize: cfg.Buffer, LedgerSize: max(100000, int(cfg.Rate*120))})
	base, err := r.sim.Start("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer r.sim.Close()

	r.start = time.Now()
	r.tally = newTally(r.start)
	r.obs = newObserver(r.tally, cfg)
	r.led = &ledgerReader{s: r.sim, t: r.tally}
	creds := []string{"--client-id", rcsim.DemoClientID, "--client-secret", rcsim.DemoClientSecret, "--jwt", rcsim.DemoJWT}
	if r.proc, err = startEvtap(bin, base, filepath.Join(dir, "soak.jsonl.gz"), creds); err != nil {
		return nil, err
	}
	readDone := make(chan struct{})
	go func() {
		r.chaos.readErr = r.obs.read(r.proc.stdout)
		r.proc.wait()
		close(readDone)
	}()
	stopLedger, stopSampler := make(chan struct{}), make(chan struct{})
	var bg sync.WaitGroup
	bg.Add(1)
	go func() { defer bg.Done(); r.led.run(250*time.Millisecond, stopLedger) }()
	// The chaos and the samples start once events flow.
	if !r.waitFirstEvent(30 * time.Second) {
		fmt.Fprintln(log, "soak: evtap showed no event within 30 s")
	}
	bg.Add(1)
	go func() { defer bg.Done(); r.sampler(stopSampler) }()
	fmt.Fprintf(log, "soak: evtap (pid %d) connected to the emulator at %s; chaos for %s\n", r.proc.cmd.Process.Pid, base, cfg.Duration)

	r.chaosPhase(ctx)
	r.catchUpPhase()
	r.chaos.exitCode, r.chaos.killed = r.proc.stop(30 * time.Second)
	<-readDone
	r.stderr = r.proc.stderr.String()
	close(stopSampler)
	close(stopLedger)
	bg.Wait()

	// Every notification settles once its session is gone.
	r.sim.Forget("")
	r.chaos.ledgerDrained = r.led.drain(30 * time.Second)
	r.chaos.emulatorCountersEnd = r.sim.Counters()
	r.chaos.recordingEvents, r.chaos.recordingBytes, r.chaos.recordingErr = countRecorded(filepath.Join(dir, "soak.jsonl.gz"))
	r.chaos.loadEnd = loadAverage()
	if cfg.Keep {
		fmt.Fprintf(log, "soak: kept %s\n", dir)
	}
	return r.report(), nil
}

// waitFirstEvent waits until evtap has shown an event, or has ended.
func (r *run) waitFirstEvent(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for r.obs.eventCount() == 0 {
		if time.Now().After(deadline) {
			return false
		}
		select {
		case <-r.proc.done:
			return false
		case <-time.After(10 * time.Millisecond):
		}
	}
	return true
}

// chaosPhase drops the connection every DropEvery and makes the emulator
// forget the session every ForgetEvery (half a drop period after a drop,
// so the two never land together) until Duration has passed.
func (r *run) chaosPhase(ctx context.Context) {
	end := time.NewTimer(r.cfg.Duration)
	defer end.Stop()
	drops := time.NewTicker(r.cfg.DropEvery)
	defer drops.Stop()
	forget := time.NewTimer(r.cfg.ForgetEvery + r.cfg.DropEvery/2)
	defer forget.Stop()
	progress := time.NewTicker(max(r.cfg.Duration/10, time.Second))
	defer progress.Stop()
	defer func() { r.chaos.chaosTime = time.Since(r.start) }()
	for {
		select {
		case <-ctx.Done():
			r.chaos.interrupted = true
			return
		case <-r.proc.done:
			r.chaos.evtapEnded = true
			return
		case <-end.C:
			return
		case <-drops.C:
			r.chaos.drops++
			if r.sim.Drop("") > 0 {
				r.chaos.dropsCut++
			}
		case <-forget.C:
			r.chaos.forgets++
			if r.sim.Forget("") > 0 {
				r.chaos.forgotten++
			}
			forget.Reset(r.cfg.ForgetEvery)
		case <-progress.C:
			r.mu.Lock()
			var last sample
			if len(r.samples) > 0 {
				last = r.samples[len(r.samples)-1]
			}
			r.mu.Unlock()
			fmt.Fprintf(r.log, "soak: %s: %d events shown, %d drops, %d forgets, RSS %.1f MB, %d goroutines\n",
				time.Since(r.start).Round(time.Second), r.obs.eventCount(), r.chaos.dropsCut, r.chaos.forgotten, float64(last.rssKB)/1024, last.goroutines)
		}
	}
}

// catchUpPhase stops the emulator making notifications and waits until
// evtap has shown the newest of every session that has a subscription.
func (r *run) catchUpPhase() {
	r.sim.Pause()
	t0 := time.Now()
	defer func() { r.chaos.catchUp = time.Since(t0) }()
	c := r.sim.Counters()
	r.chaos.generatedAtCatchUp = c.Generated
	deadline := t0.Add(r.cfg.CatchUp)
	for {
		behind := 0
		c = r.sim.Counters()
		r.chaos.sessionsAtCatchUp = len(c.Sessions)
		for _, s := range c.Sessions {
			if s.SubscriptionID != "" && s.Sequence > 1 && r.tally.newest(s.SubscriptionID) < s.Sequence {
				behind++
			}
		}
		r.led.poll() // so the tally knows the newest subscriptions
		if behind == 0 {
			r.chaos.caughtUp = true
			return
		}
		select {
		case <-r.proc.done:
			return
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return
		}
	}
}

// sampler looks at evtap every SampleEvery until stop.
func (r *run) sampler(stop <-chan struct{}) {
	t := time.NewTicker(r.cfg.SampleEvery)
	defer t.Stop()
	look := func() {
		s, err := r.proc.look(time.Since(r.start))
		r.mu.Lock()
		defer r.mu.Unlock()
		if err != nil {
			if r.sampErr == nil {
				r.sampErr = err
			}
			return
		}
		r.samples = append(r.samples, s)
	}
	look()
	for {
		select {
		case <-stop:
			return
		case <-r.proc.done:
			return
		case <-t.C:
			look()
		}
	}
}

// countRecorded counts the event lines of the recording evtap wrote.
func countRecorded(path string) (int, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, 0, err
	}
	zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return 0, st.Size(), err
	}
	br := bufio.NewReaderSize(zr, 1<<20)
	n := 0
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 && kindOf(line) == "event" {
			n++
		}
		for err == bufio.ErrBufferFull { // the rest of a long line
			_, err = br.ReadSlice('\n')
		}
		if err == io.EOF {
			return n, st.Size(), nil
		}
		if err != nil {
			return n, st.Size(), err
		}
	}
}

// loadAverage is the machine's load, for the report (the machine is
// shared).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return fmt.Sprintf("%s %s %s (%d CPUs)", f[0], f[1], f[2], runtime.NumCPU())
}
