package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// options are the orchestrator's flags.
type options struct {
	n, size, runs int
	only          string
	keep          bool
	wscat         bool
	timeout       time.Duration
}

func orchestrate(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	var o options
	fs.IntVar(&o.n, "n", 200000, "notifications per run")
	fs.IntVar(&o.size, "size", 420, "bytes per notification frame, about")
	fs.IntVar(&o.runs, "runs", 3, "rounds; ratios are the median over them")
	fs.StringVar(&o.only, "only", "", "comma-separated subset: headless,record,tui,replay,wscat (the baselines always run)")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (binaries, the recording)")
	fs.BoolVar(&o.wscat, "wscat", true, "also time wscat when npx can install it")
	fs.DurationVar(&o.timeout, "timeout", 3*time.Minute, "the longest any one child may run")
	fs.Parse(args)
	if o.n <= 0 || o.runs <= 0 {
		return errors.New("-n and -runs must be positive")
	}

	root, err := repoRoot()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "evtap-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Println("keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	evtap := filepath.Join(dir, "evtap")
	fmt.Printf("building evtap … ")
	build := exec.Command("go", "build", "-o", evtap, ".")
	build.Dir, build.Stderr = root, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}
	fmt.Println("ok")

	src, base, size, err := startSource(self, o)
	if err != nil {
		return err
	}
	defer func() { src.Process.Kill(); src.Wait() }()
	fmt.Printf("source %s (its own process): %d notifications of %s B per connection\n\n", base, o.n, size)

	b := &bench{o: o, dir: dir, self: self, evtap: evtap, base: base, results: map[string][]result{}}
	if b.want("wscat") && o.wscat {
		b.wscat = installWscat(dir)
	}
	for round := 1; round <= o.runs; round++ {
		fmt.Printf("round %d/%d:", round, o.runs)
		b.round(round)
		fmt.Println()
	}
	fmt.Println()
	b.report(os.Stdout)
	return nil
}

// repoRoot finds the module's root from the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(b, []byte("module github.com/evtap/evtap")) {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("run go run ./bench from inside the evtap repository")
		}
		dir = up
	}
}

func startSource(self string, o options) (*exec.Cmd, string, string, error) {
	cmd := exec.Command(self, "source", "-n", fmt.Sprint(o.n), "-size", fmt.Sprint(o.size), "-life", (o.timeout * time.Duration(o.runs*6+2)).String())
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", "", err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, "", "", fmt.Errorf("the source did not start: %w", err)
	}
	base, size, _ := strings.Cut(strings.TrimSpace(line), " ")
	return cmd, base, size, nil
}

// result is one child's run.
type result struct {
	wall, cpu time.Duration
	rssKB     int64
	extra     map[string]float64 // what the child reported (tui)
	err       error
}

type bench struct {
	o                      options
	dir, self, evtap, base string
	wscat                  string // the wscat binary, "" when not installed
	recording              string // the newest --record file
	results                map[string][]result
	order                  []string
	notes                  []string
}

func (b *bench) want(name string) bool {
	if b.o.only == "" {
		return true
	}
	return slices.Contains(strings.Split(b.o.only, ","), name)
}

func (b *bench) add(name string, r result) {
	if _, ok := b.results[name]; !ok {
		b.order = append(b.order, name)
	}
	b.results[name] = append(b.results[name], r)
	if r.err != nil {
		fmt.Printf(" %s(failed: %v)", name, r.err)
		return
	}
	fmt.Printf(" %s %.2fs", name, r.wall.Seconds())
}

func (b *bench) note(s string) {
	if !slices.Contains(b.notes, s) {
		b.notes = append(b.notes, s)
	}
}

// evtapArgs connects evtap's RingCentral client to the source.
func (b *bench) evtapArgs(extra ...string) []string {
	return append([]string{"connect", "ringcentral", "--server", b.base, "--client-id", benchClientID, "--jwt", benchJWT,
		"--headless", "--count", fmt.Sprint(b.o.n)}, extra...)
}

func (b *bench) round(round int) {
	b.add("bare", b.measure(nil, b.self, "bare", "-server", b.base, "-n", fmt.Sprint(b.o.n)))
	if b.want("headless") {
		b.add("headless", b.measure(nil, b.evtap, b.evtapArgs()...))
	}
	if b.want("record") || b.want("replay") {
		path := filepath.Join(b.dir, fmt.Sprintf("rec-%d.jsonl", round))
		r := b.measure(nil, b.evtap, b.evtapArgs("--record", path)...)
		if b.want("record") {
			b.add("record", r)
		}
		if r.err == nil {
			b.recording = path
		}
	}
	if b.want("tui") {
		b.add("tui", b.measure(nil, b.self, "tui", "-server", b.base, "-n", fmt.Sprint(b.o.n)))
	}
	if b.want("replay") && b.recording != "" {
		if _, err := exec.LookPath("jq"); err != nil {
			b.note("jq is not installed (apt-get install -y jq): replay was not compared with it")
		} else {
			b.add("jq -c", b.measure(nil, "jq", "-c", `select(.kind=="event")`, b.recording))
		}
		b.add("replay", b.measure(nil, b.evtap, "replay", b.recording, "--headless", "--speed", "max", "--filter", `select(.kind=="event")`))
	}
	if b.want("wscat") && b.o.wscat {
		if b.wscat == "" {
			b.note("wscat could not be installed with npm: not timed")
		} else {
			b.add("wscat", b.measureWscat())
		}
	}
}

// measure runs one child to its end with stdout on /dev/null (or into
// out) and reads its CPU time and peak RSS from the kernel.
func (b *bench) measure(out io.Writer, name string, args ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), b.o.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if out != nil {
		cmd.Stdout = out
	} else if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		defer null.Close()
		cmd.Stdout = null
	}
	var stdout bytes.Buffer
	if name == b.self { // our own children report on stdout
		cmd.Stdout = &stdout
	}
	start := time.Now()
	err := cmd.Run()
	r := result{wall: time.Since(start)}
	if cmd.ProcessState != nil {
		r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.rssKB = ru.Maxrss
		}
	}
	if err != nil {
		r.err = fmt.Errorf("%v: %s", err, strings.TrimSpace(lastLine(stderr.String())))
	}
	if stdout.Len() > 0 {
		json.Unmarshal(stdout.Bytes(), &r.extra)
	}
	return r
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
