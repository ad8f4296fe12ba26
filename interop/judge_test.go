package interop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The judge (interop/judge/README.md): servers and clients written from the provider
// documents alone, in interop/judge, run against evtap's emulators (the
// sim-*.mjs scripts) and against evtap's clients (connect-*.mjs, each with
// a server of its own). Each script is one suite of named checks; a check
// failing because of a known, reported evtap bug is listed in
// judge/known.mjs and skipped with the bug named.

// judgeScripts are the suites, each a Node script taking --evtap BIN.
var judgeScripts = []string{
	"sim-voipbin.mjs",
	"sim-dialpad.mjs",
	"sim-pubnub.mjs",
	"connect-voipbin.mjs",
	"connect-dialpad.mjs",
	"connect-pubnub.mjs",
}

// judgeUnavailable is the exit status of a script whose evtap lacks the
// command or flags it judges (lib/proc.mjs EXIT_UNAVAILABLE): a provider
// that has not landed yet.
const judgeUnavailable = 77

// judgeTimeout bounds one script; each takes 10-25 s on an idle machine.
const judgeTimeout = 120 * time.Second

// requireJudgeNode returns node, or skips (fails under CI) when it or the
// judge's one package (ws) is missing.
func requireJudgeNode(t *testing.T) string {
	t.Helper()
	why := ""
	node, err := exec.LookPath("node")
	if err != nil {
		why = "node is not on PATH (install Node.js 18 or newer, then: cd interop/judge && npm ci)"
	} else if _, err := os.Stat(filepath.Join("judge", "node_modules", "ws", "package.json")); err != nil {
		why = "interop/judge/node_modules has no ws (install it: cd interop/judge && npm ci)"
	}
	if why != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("the judge cannot run: %s", why)
		}
		t.Skipf("the judge skipped: %s", why)
	}
	return node
}

type judgeRun struct {
	out  string
	err  error
	took time.Duration
}

// TestJudge runs every suite against the evtap binary. The scripts are
// started together rather than as parallel subtests: most of each run is
// waiting on timers (token lifetimes, renewals, outages), and -parallel
// defaults to the number of CPUs, which would run them two at a time.
func TestJudge(t *testing.T) {
	node := requireJudgeNode(t)
	bin := buildEvtap(t)
	results := make([]judgeRun, len(judgeScripts))
	var wg sync.WaitGroup
	for i, script := range judgeScripts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = runJudgeScript(node, script, "--evtap", bin)
		}()
	}
	wg.Wait()
	for i, script := range judgeScripts {
		r := results[i]
		t.Run(strings.TrimSuffix(script, ".mjs"), func(t *testing.T) {
			var exit *exec.ExitError
			switch {
			case r.err == nil && strings.Contains(r.out, "PASS judge "):
				t.Logf("%s (%v):\n%s", script, r.took.Round(time.Second), r.out)
			case errors.As(r.err, &exit) && exit.ExitCode() == judgeUnavailable:
				t.Skipf("%s: %s", script, strings.TrimSpace(r.out))
			case r.err == nil:
				t.Fatalf("%s exited 0 without its PASS line:\n%s", script, r.out)
			default:
				t.Fatalf("%s failed (%v) after %v:\n%s", script, r.err, r.took.Round(time.Second), r.out)
			}
		})
	}
}

// TestJudgeHarness runs the Node unit tests of the judge's own pieces
// (lib/*.test.mjs): the harness, the topic rules, the JWTs and AES, and
// the servers' ledgers; a judge whose checks cannot fail would make every
// run above look green.
func TestJudgeHarness(t *testing.T) {
	node := requireJudgeNode(t)
	files, err := filepath.Glob(filepath.Join("judge", "lib", "*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no judge/lib/*.test.mjs (%v)", err)
	}
	for i, f := range files {
		files[i] = strings.TrimPrefix(f, "judge"+string(filepath.Separator))
	}
	ctx, cancel := context.WithTimeout(context.Background(), judgeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{"--test"}, files...)...)
	cmd.Dir = "judge"
	cmd.Env = judgeEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node --test %s: %v\n%s", strings.Join(files, " "), err, out)
	}
}

// TestJudgeScriptsRefuseBadConfig: a script given no evtap, or one that
// does not exist, says so and exits 2 instead of hanging or throwing.
func TestJudgeScriptsRefuseBadConfig(t *testing.T) {
	node := requireJudgeNode(t)
	for _, script := range judgeScripts {
		for _, tc := range []struct {
			args []string
			want string
		}{
			{nil, "missing --evtap"},
			{[]string{"--evtap", filepath.Join(t.TempDir(), "no-such-evtap")}, "no such file"},
			{[]string{"--nonsense"}, "unknown argument"},
		} {
			r := runJudgeScript(node, script, tc.args...)
			var exit *exec.ExitError
			if !errors.As(r.err, &exit) || exit.ExitCode() != 2 || !strings.Contains(r.out, tc.want) {
				t.Errorf("%s %v: %v, want exit status 2 saying %q; output:\n%s", script, tc.args, r.err, tc.want, r.out)
			}
		}
	}
}

// runJudgeScript runs one script with a deadline and returns what it printed.
func runJudgeScript(node, script string, args ...string) judgeRun {
	ctx, cancel := context.WithTimeout(context.Background(), judgeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{script}, args...)...)
	cmd.Dir = "judge"
	cmd.Env = judgeEnv()
	// SIGTERM first: the script then kills the evtap processes it started.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	start := time.Now()
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("no exit within %v: %w", judgeTimeout, err)
	}
	return judgeRun{out: out.String(), err: err, took: time.Since(start)}
}

// judgeEnv is this environment without the providers' credential variables
// or EVTAP_BIN, so a script sees only what the test gives it.
func judgeEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VOIPBIN_") && !strings.HasPrefix(kv, "DIALPAD_") &&
			!strings.HasPrefix(kv, "RINGCENTRAL_") && !strings.HasPrefix(kv, "EVTAP_") {
			env = append(env, kv)
		}
	}
	return env
}
