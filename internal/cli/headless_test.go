package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/protocol"
	rcsim "github.com/evtap/evtap/sim/ringcentral"
)

// syncBuffer is a bytes.Buffer safe to read while evtap writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// updates parses headless output, failing on any line that is not an
// Update: stdout must carry JSON lines and nothing else.
func updates(t *testing.T, out string) []protocol.Update {
	t.Helper()
	var us []protocol.Update
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 8<<20)
	for n := 1; sc.Scan(); n++ {
		var u protocol.Update
		if err := json.Unmarshal(sc.Bytes(), &u); err != nil || u.Kind == "" || u.Time.IsZero() {
			t.Fatalf("stdout line %d is not an Update (%v): %.200s", n, err, sc.Text())
		}
		us = append(us, u)
	}
	return us
}

func events(us []protocol.Update) []protocol.Update {
	var evs []protocol.Update
	for _, u := range us {
		if u.Kind == protocol.KindEvent {
			evs = append(evs, u)
		}
	}
	return evs
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func startSim(t *testing.T, cfg rcsim.Config) (*rcsim.Server, string) {
	t.Helper()
	srv := rcsim.New(cfg)
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, base
}

func demoCreds(base string) []string {
	return []string{"--server", base, "--client-id", rcsim.DemoClientID,
		"--client-secret", rcsim.DemoClientSecret, "--jwt", rcsim.DemoJWT}
}

func TestDemoHeadlessPrintsOnlyUpdatesAndStopsAtCount(t *testing.T) {
	var stdout, stderr syncBuffer
	code := Run(context.Background(), providers.Builtin(), []string{"--headless", "--count", "5", "--rate", "50", "--seed", "3"}, nil, &stdout, &stderr)
	if code != ExitOK {
		t.Fatalf("exit %d, stderr: %s", code, stderr.String())
	}
	us := updates(t, stdout.String())
	if n := len(events(us)); n != 5 {
		t.Fatalf("want exactly 5 events before the run ends, got %d", n)
	}
	if stderr.String() != "" {
		t.Fatalf("a clean run writes nothing to stderr, got %q", stderr.String())
	}
	for _, secret := range []string{rcsim.DemoJWT, rcsim.DemoClientSecret} {
		if strings.Contains(stdout.String(), secret) {
			t.Fatal("a credential reached headless output")
		}
	}
}

func TestConnectWithABadCredentialExitsThreeWithTheServersWords(t *testing.T) {
	_, base := startSim(t, rcsim.Config{})
	var stdout, stderr syncBuffer
	args := append([]string{"connect", "ringcentral", "--headless"}, demoCreds(base)...)
	args[len(args)-1] = "not-the-jwt"
	code := Run(context.Background(), providers.Builtin(), args, nil, &stdout, &stderr)
	if code != ExitRejected {
		t.Fatalf("want exit %d, got %d; stderr: %s", ExitRejected, code, stderr.String())
	}
	msg := strings.TrimSpace(stderr.String())
	if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "HTTP 400") || !strings.Contains(msg, "Invalid JWT") {
		t.Fatalf("want one line with the HTTP status and the server's message, got %q", msg)
	}
}

func TestConnectGivesUpAfterMaxRetriesWithExitFour(t *testing.T) {
	srv, base := startSim(t, rcsim.Config{})
	srv.Close() // nothing listens there any more
	var stdout, stderr syncBuffer
	args := append([]string{"connect", "ringcentral", "--headless", "--max-retries", "2"}, demoCreds(base)...)
	if code := Run(context.Background(), providers.Builtin(), args, nil, &stdout, &stderr); code != ExitGaveUp {
		t.Fatalf("want exit %d, got %d; stderr: %s", ExitGaveUp, code, stderr.String())
	}
	var backoffs int
	for _, u := range updates(t, stdout.String()) {
		if u.Kind == protocol.KindState && u.State.Phase == protocol.PhaseBackoff {
			backoffs++
		}
	}
	if backoffs != 1 {
		t.Fatalf("two attempts mean exactly one backoff shown, got %d", backoffs)
	}
}

// The acceptance story of issue 2: the emulator cuts the connection while
// events flow; with the outage inside the recovery window every event it
// generated appears exactly once in the output.
func TestEveryEventExactlyOnceAcrossDropsWithinTheRecoveryWindow(t *testing.T) {
	srv, base := startSim(t, rcsim.Config{Rate: 40, Seed: 9})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		args := append([]string{"connect", "ringcentral", "--headless"}, demoCreds(base)...)
		done <- Run(ctx, providers.Builtin(), args, nil, &stdout, &stderr)
	}()
	recovered := func(n int) func() bool {
		return func() bool {
			return strings.Count(stdout.String(), `"phase":"recovered"`) >= n
		}
	}
	waitFor(t, "first events", 10*time.Second, func() bool { return len(events(updates(t, stdout.String()))) >= 10 })
	for i := 1; i <= 3; i++ {
		before := len(events(updates(t, stdout.String())))
		srv.Drop("")
		waitFor(t, "recovery", 10*time.Second, recovered(i))
		// Cut again only once delivery has resumed: a cut inside the
		// emulator's 100 ms pause before replaying delivers nothing, so
		// the client's position does not advance and back-to-back cuts
		// add up to one outage, which with the client's backoff can
		// outlast the 100-notification buffer (the oldest are then
		// dropped and the client rightly reports a gap; see
		// sim/ringcentral TestCutsInsideTheReplayPause...).
		waitFor(t, "delivery to resume", 10*time.Second, func() bool {
			return len(events(updates(t, stdout.String()))) > before
		})
	}
	// Stop generating and let everything generated arrive.
	srv.Pause()
	generated := srv.Counters().Generated
	waitFor(t, "all generated events", 10*time.Second, func() bool {
		return uint64(len(events(updates(t, stdout.String())))) >= generated
	})
	cancel()
	if code := <-done; code != ExitOK {
		t.Fatalf("exit %d; stderr: %s", code, stderr.String())
	}
	seen := map[string]int{}
	for _, u := range events(updates(t, stdout.String())) {
		seen[u.Event.ID]++
	}
	if uint64(len(seen)) != generated {
		t.Fatalf("emulator generated %d events, output has %d distinct", generated, len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("event %s appears %d times", id, n)
		}
	}
	if strings.Contains(stdout.String(), `"kind":"gap"`) {
		t.Fatal("a gap was reported although every outage was inside the recovery window")
	}
}

func TestALostSessionIsReportedAsAGapNotHidden(t *testing.T) {
	srv, base := startSim(t, rcsim.Config{Rate: 40, Seed: 4})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		args := append([]string{"connect", "ringcentral", "--headless"}, demoCreds(base)...)
		done <- Run(ctx, providers.Builtin(), args, nil, &stdout, &stderr)
	}()
	waitFor(t, "first events", 10*time.Second, func() bool { return len(events(updates(t, stdout.String()))) >= 5 })
	srv.Forget("")
	waitFor(t, "resubscribed after a failed recovery", 10*time.Second, func() bool {
		out := stdout.String()
		i := strings.Index(out, `"phase":"recovery_failed"`)
		return i >= 0 && strings.Contains(out[i:], `"phase":"live"`)
	})
	cancel()
	<-done
	var gaps []protocol.Gap
	for _, u := range updates(t, stdout.String()) {
		if u.Kind == protocol.KindGap {
			gaps = append(gaps, *u.Gap)
		}
	}
	if len(gaps) != 1 || gaps[0].Reason == "" {
		t.Fatalf("want one gap with a reason after the session was lost, got %+v", gaps)
	}
}
