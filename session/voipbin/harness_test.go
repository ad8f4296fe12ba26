package voipbin

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session"
)

// collector gathers a session's Updates and waits for conditions on them.
type collector struct {
	mu      sync.Mutex
	ups     []protocol.Update
	changed chan struct{}
}

func (c *collector) emit(u protocol.Update) {
	c.mu.Lock()
	c.ups = append(c.ups, u)
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

func (c *collector) snapshot() []protocol.Update {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]protocol.Update(nil), c.ups...)
}

func (c *collector) waitFor(t *testing.T, what string, pred func([]protocol.Update) bool) []protocol.Update {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		ups, ch := append([]protocol.Update(nil), c.ups...), c.changed
		c.mu.Unlock()
		if pred(ups) {
			return ups
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("timed out waiting for %s; got:\n%s", what, dump(ups))
		}
	}
}

func dump(ups []protocol.Update) string {
	var b strings.Builder
	for _, u := range ups {
		j, _ := json.Marshal(u)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

// run is a session under test.
type run struct {
	s    *session.Session
	c    *collector
	done chan error
}

// quick are timings that make a test take milliseconds: a short quiet
// delay and backoff, frequent pings.
func quick(cfg Config) Config {
	if cfg.QuietDelay == 0 {
		cfg.QuietDelay = 40 * time.Millisecond
	}
	cfg.ServerPingInterval = 20 * time.Millisecond
	cfg.PongTimeout = 2 * time.Second // as the test server
	cfg.Session = session.Options{
		Backoff:      session.Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond, Rand: rand.New(rand.NewPCG(1, 1))},
		PingInterval: 15 * time.Millisecond, PongWait: 200 * time.Millisecond,
		StableAfter: time.Millisecond, CloseWait: 200 * time.Millisecond,
	}
	return cfg
}

func start(t *testing.T, cfg Config) *run {
	t.Helper()
	s, err := New(quick(cfg))
	if err != nil {
		t.Fatal(err)
	}
	r := &run{s: s, c: &collector{changed: make(chan struct{})}, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { r.done <- s.Run(ctx, r.c.emit) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("the session did not stop")
		}
	})
	return r
}

// wait for the session to end and return its error.
func (r *run) result(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not end")
		return nil
	}
}

func count(ups []protocol.Update, pred func(protocol.Update) bool) int {
	n := 0
	for _, u := range ups {
		if pred(u) {
			n++
		}
	}
	return n
}

func isPhase(p protocol.Phase) func(protocol.Update) bool {
	return func(u protocol.Update) bool { return u.Kind == protocol.KindState && u.State.Phase == p }
}

func livePhases(n int) func([]protocol.Update) bool {
	return func(ups []protocol.Update) bool { return countTransitions(ups, protocol.PhaseLive) >= n }
}

// countTransitions counts the times the phase became p (repeated states
// that only refresh the context do not count).
func countTransitions(ups []protocol.Update, p protocol.Phase) int {
	n := 0
	var prev protocol.Phase
	for _, u := range ups {
		if u.Kind != protocol.KindState {
			continue
		}
		if u.State.Phase == p && prev != p {
			n++
		}
		prev = u.State.Phase
	}
	return n
}

func eventsOf(ups []protocol.Update) []*protocol.Event {
	var out []*protocol.Event
	for _, u := range ups {
		if u.Kind == protocol.KindEvent {
			out = append(out, u.Event)
		}
	}
	return out
}
