// Package interop runs the official RingCentral JavaScript SDKs against
// the evtap binary's emulator (`evtap sim ringcentral`), so that a change
// that makes the emulator unlike the real service for those clients fails
// here. The checks themselves live in the Node scripts next to this file
// (rc-sdk.mjs, rc-ex.mjs, lib/); docs/sdk-interop.md says how to run them.
package interop

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Credentials the emulator is told to accept. They are not the demo ones,
// so the test also proves the --client-id/--client-secret/--jwt flags work.
const (
	clientID     = "interop-client-id"
	clientSecret = "interop-client-secret"
	jwt          = "interop.jwt.credential"
)

// bannerServer is the banner line that names the base URL
// (sim/ringcentral Server.Banner).
const bannerServer = "server (RINGCENTRAL_SERVER_URL):"

// Deadlines: building evtap from a cold cache on 2 shared cores is the
// slow part; each script finishes in about 5 s against a healthy emulator.
const (
	buildTimeout  = 5 * time.Minute
	bannerTimeout = 30 * time.Second
	scriptTimeout = 90 * time.Second
)

// TestSDKs runs each SDK script against its own fresh emulator. The
// short-tokens run makes @ringcentral/sdk refresh its access token and
// @rc-ex/ws fetch a new ws token before each reconnect, so recovery is
// also proven across both (the emulator must keep the OAuth session).
func TestSDKs(t *testing.T) {
	node := requireNode(t)
	bin := buildEvtap(t)
	for _, tc := range []struct {
		name, script string
		simArgs      []string
		env          []string
	}{
		{name: "rc-sdk", script: "rc-sdk.mjs"},
		{name: "rc-ex", script: "rc-ex.mjs"},
		{name: "rc-sdk-short-tokens", script: "rc-sdk.mjs",
			simArgs: []string{"--ws-token-ttl", "1s"},
			env:     []string{"EVTAP_INTEROP_ACCESS_TOKEN_TTL=61"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim := startSim(t, bin, tc.simArgs...)
			out, err := runScript(node, tc.script, sim.url, tc.env...)
			if err != nil {
				t.Fatalf("%s failed (%v):\n%s\nemulator log:\n%s", tc.script, err, out, sim.log())
			}
			if !strings.Contains(out, "PASS ") {
				t.Fatalf("%s exited 0 without its PASS line:\n%s", tc.script, out)
			}
			t.Logf("%s:\n%s", tc.script, out)
		})
	}
}

// TestHarness runs the Node unit tests of the checks the scripts make
// (lib/lib.test.mjs): a harness check that cannot fail would make every
// SDK run above look green.
func TestHarness(t *testing.T) {
	node := requireNode(t)
	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "lib/lib.test.mjs")
	cmd.Env = scriptEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test lib/lib.test.mjs: %v\n%s", err, out)
	}
}

// TestScriptsRefuseBadConfig checks that a script given no emulator says
// what is missing and exits 2, instead of hanging or throwing.
func TestScriptsRefuseBadConfig(t *testing.T) {
	node := requireNode(t)
	for _, script := range []string{"rc-sdk.mjs", "rc-ex.mjs"} {
		cmd := exec.Command(node, script, "--server", "http://192.0.2.1:1")
		cmd.Env = scriptEnv()
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 {
			t.Errorf("%s with no credentials: err %v, want exit status 2; output:\n%s", script, err, out)
		}
		if !strings.Contains(string(out), "missing --client-id") {
			t.Errorf("%s with no credentials does not say what is missing:\n%s", script, out)
		}
		cmd = exec.Command(node, script, "--server", "http://192.0.2.1:1", "--client-id", "a", "--client-secret", "b", "--jwt", "c")
		cmd.Env = scriptEnv()
		out, _ = cmd.CombinedOutput()
		if !strings.Contains(string(out), "must be on loopback") {
			t.Errorf("%s pointed off this machine does not refuse:\n%s", script, out)
		}
	}
}

// requireNode returns the node binary, or skips (fails under CI) when node
// or the installed SDKs are missing, saying how to install them.
func requireNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		missing(t, "node is not on PATH (install Node.js 18 or newer, then: cd interop && npm ci)")
	}
	for _, pkg := range []string{"@ringcentral/sdk", "@ringcentral/subscriptions", "@rc-ex/core", "@rc-ex/ws"} {
		if _, err := os.Stat(filepath.Join("node_modules", pkg, "package.json")); err != nil {
			missing(t, fmt.Sprintf("interop/node_modules has no %s (install the SDKs: cd interop && npm ci)", pkg))
		}
	}
	return node
}

// missing skips: a developer without Node can still run the Go tests. In CI
// (CI set) a skip would hide that the SDKs were never tried, so it fails.
func missing(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("SDK interop cannot run: %s", why)
	}
	t.Skipf("SDK interop skipped: %s", why)
}

var (
	buildOnce sync.Once
	buildBin  string
	buildErr  error
	buildDir  string
)

// buildEvtap builds the evtap binary from the repository root once per
// test binary run; the interop test must exercise the real command line.
func buildEvtap(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "evtap-interop-")
		if buildErr != nil {
			return
		}
		buildBin = filepath.Join(buildDir, "evtap")
		ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "build", "-o", buildBin, ".")
		cmd.Dir = ".."
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin
}

// TestMain removes the built binary after every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// sim is a running `evtap sim ringcentral`.
type sim struct {
	url    string
	mu     sync.Mutex
	stderr bytes.Buffer
}

func (s *sim) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

type lockedWriter struct{ s *sim }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	return w.s.stderr.Write(p)
}

// startSim starts the emulator on a free loopback port with settings that
// keep the run short (a fast event rate, a buffer that a 2-8 s outage
// cannot overflow), plus extra flags, and returns once its banner names
// the base URL.
func startSim(t *testing.T, bin string, extra ...string) *sim {
	t.Helper()
	s := &sim{}
	args := append([]string{"sim", "ringcentral", "--listen", "127.0.0.1:0",
		"--rate", "10", "--buffer-size", "500", "--seed", "5",
		"--client-id", clientID, "--client-secret", clientSecret, "--jwt", jwt}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stderr = lockedWriter{s}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s sim ringcentral: %v", bin, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})

	found := make(chan string, 1)
	var banner bytes.Buffer
	var bannerMu sync.Mutex
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			bannerMu.Lock()
			banner.WriteString(line + "\n")
			bannerMu.Unlock()
			if rest, ok := strings.CutPrefix(strings.TrimSpace(line), bannerServer); ok && !sent {
				found <- strings.TrimSpace(rest)
				sent = true
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case s.url = <-found:
	case <-exited:
		bannerMu.Lock()
		defer bannerMu.Unlock()
		t.Fatalf("evtap sim ringcentral exited before printing %q:\nstdout:\n%s\nstderr:\n%s", bannerServer, banner.String(), s.log())
	case <-time.After(bannerTimeout):
		bannerMu.Lock()
		defer bannerMu.Unlock()
		t.Fatalf("evtap sim ringcentral printed no %q line within %v:\nstdout:\n%s\nstderr:\n%s", bannerServer, bannerTimeout, banner.String(), s.log())
	}
	if !strings.HasPrefix(s.url, "http://127.0.0.1:") {
		t.Fatalf("banner names server %q, want http://127.0.0.1:PORT", s.url)
	}
	return s
}

// runScript runs one SDK script against the emulator at url, with a
// deadline and extra environment, and returns everything it printed.
func runScript(node, script, url string, extraEnv ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script)
	cmd.Env = append(scriptEnv(),
		"RINGCENTRAL_SERVER_URL="+url,
		"RINGCENTRAL_CLIENT_ID="+clientID,
		"RINGCENTRAL_CLIENT_SECRET="+clientSecret,
		"RINGCENTRAL_JWT="+jwt,
	)
	cmd.Env = append(cmd.Env, extraEnv...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("no exit within %v: %w", scriptTimeout, err)
	}
	return string(out), err
}

// scriptEnv is this process's environment without any RINGCENTRAL_* or
// EVTAP_* variable a developer has set, so a script only ever sees the
// emulator this test started.
func scriptEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "RINGCENTRAL_") || strings.HasPrefix(kv, "EVTAP_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}
