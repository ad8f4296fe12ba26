package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// buildEvtap builds evtap once into dir and returns the binary's path.
// It runs `go build` on the module's root package, so the soak must run
// inside the module (go run ./soak from the repository does).
func buildEvtap(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "evtap")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/evtap/evtap")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build evtap: %v\n%s", err, out)
	}
	return bin, nil
}

// freeLoopback returns a loopback address nothing listens on (it was just
// taken and given back).
func freeLoopback() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr, nil
}

// evtapProc is evtap running as a separate process, as a user runs it.
type evtapProc struct {
	cmd     *exec.Cmd
	stdout  io.ReadCloser
	stderr  *capped
	debug   string // its --debug-addr
	done    chan struct{}
	waitErr error
}

// startEvtap runs `evtap connect ringcentral --headless --record FILE`
// against the emulator at server with the demo credentials.
func startEvtap(bin, server, record string, creds []string) (*evtapProc, error) {
	debug, err := freeLoopback()
	if err != nil {
		return nil, err
	}
	args := append([]string{"connect", "ringcentral", "--server", server}, creds...)
	args = append(args, "--headless", "--record", record, "--debug-addr", debug)
	cmd := exec.Command(bin, args...)
	ownGroup(cmd)
	// The user's own RingCentral settings must not leak into the run.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "RINGCENTRAL_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	p := &evtapProc{cmd: cmd, stderr: &capped{max: 64 << 10}, debug: debug, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	if p.stdout, err = cmd.StdoutPipe(); err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return p, nil
}

// wait reaps the process once stdout has been read to its end (the
// exec package wants the pipe drained before Wait).
func (p *evtapProc) wait() {
	p.waitErr = p.cmd.Wait()
	close(p.done)
}

// stop sends SIGINT, as a user's Ctrl-C does, and waits up to d for the
// process to end; then it is killed. It returns the exit code (-1 when
// killed).
func (p *evtapProc) stop(d time.Duration) (code int, killed bool) {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(d):
		_ = p.cmd.Process.Kill()
		<-p.done
		killed = true
	}
	return p.cmd.ProcessState.ExitCode(), killed
}

// sample is one look at evtap's process.
type sample struct {
	at         time.Duration // since the soak started
	rssKB      int64
	threads    int
	goroutines int   // -1 when the debug endpoint did not answer
	heapKB     int64 // live heap right after a GC; -1 when the endpoint did not answer
	cpu        time.Duration
}

// look reads the process's RSS and threads from /proc, its CPU time,
// and its goroutine count from its --debug-addr pprof endpoint.
func (p *evtapProc) look(at time.Duration) (sample, error) {
	s := sample{at: at, goroutines: -1, heapKB: -1}
	pid := p.cmd.Process.Pid
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, fmt.Errorf("reading RSS (the soak samples memory on Linux only): %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "VmRSS:":
			s.rssKB, _ = strconv.ParseInt(f[1], 10, 64)
		case "Threads:":
			s.threads, _ = strconv.Atoi(f[1])
		}
	}
	if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		s.cpu = cpuTime(stat)
	}
	s.goroutines = p.goroutines()
	s.heapKB = p.liveHeap()
	return s, nil
}

// liveHeap reads HeapAlloc from the heap profile taken right after a
// collection (gc=1): the live heap, which unlike RSS does not keep the
// high-water mark of a backlog the runtime has not yet returned.
func (p *evtapProc) liveHeap() int64 {
	resp, err := debugClient.Get("http://" + p.debug + "/debug/pprof/heap?debug=1&gc=1")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "# HeapAlloc = "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return -1
			}
			return n / 1024
		}
	}
	return -1
}

// cpuTime is utime+stime from /proc/PID/stat (in USER_HZ, 100 a second
// on every Linux).
func cpuTime(stat []byte) time.Duration {
	// The command name may hold spaces; fields resume after its ')'.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

var debugClient = &http.Client{Timeout: 3 * time.Second}

// goroutines reads "goroutine profile: total N" from the debug endpoint.
func (p *evtapProc) goroutines() int {
	resp, err := debugClient.Get("http://" + p.debug + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	first, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil && first == "" {
		return -1
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(first, "goroutine profile: total ")))
	if err != nil {
		return -1
	}
	return n
}

// capped keeps the first max bytes written to it and counts the rest.
type capped struct {
	mu    sync.Mutex
	max   int
	b     bytes.Buffer
	extra int
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	room := c.max - c.b.Len()
	if room >= len(p) {
		c.b.Write(p)
	} else {
		c.b.Write(p[:max(room, 0)])
		c.extra += len(p) - max(room, 0)
	}
	return len(p), nil
}

func (c *capped) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.extra > 0 {
		return fmt.Sprintf("%s… (%d more bytes)", c.b.String(), c.extra)
	}
	return c.b.String()
}
