package ringcentral_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session"
	"github.com/evtap/evtap/session/ringcentral"
	sim "github.com/evtap/evtap/sim/ringcentral"
)

// waitLimit bounds every wait on a condition; nothing here sleeps.
const waitLimit = 10 * time.Second

// stream collects the Updates a session emits and lets a test wait for a
// condition on them.
type stream struct {
	mu      sync.Mutex
	ups     []protocol.Update
	changed chan struct{}
	busy    bool // set while emit runs: it must never be re-entered
	t       *testing.T
}

func newStream(t *testing.T) *stream { return &stream{changed: make(chan struct{}), t: t} }

func (s *stream) emit(u protocol.Update) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy {
		s.t.Errorf("emit called concurrently")
	}
	s.busy = true
	s.ups = append(s.ups, u)
	close(s.changed)
	s.changed = make(chan struct{})
	s.busy = false
}

func (s *stream) snapshot() []protocol.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]protocol.Update(nil), s.ups...)
}

// waitFor blocks until pred holds for the Updates so far.
func (s *stream) waitFor(what string, pred func([]protocol.Update) bool) []protocol.Update {
	s.t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ups := append([]protocol.Update(nil), s.ups...)
		ch := s.changed
		s.mu.Unlock()
		if pred(ups) {
			return ups
		}
		select {
		case <-ch:
		case <-deadline.C:
			s.t.Fatalf("timed out waiting for %s; updates so far:\n%s", what, dump(ups))
		}
	}
}

// from returns a predicate over the Updates after the first mark.
func after(mark int, pred func([]protocol.Update) bool) func([]protocol.Update) bool {
	return func(ups []protocol.Update) bool {
		if len(ups) < mark {
			return false
		}
		return pred(ups[mark:])
	}
}

func dump(ups []protocol.Update) string {
	var b strings.Builder
	for _, u := range ups {
		fmt.Fprintf(&b, "  %d %s", u.Conn, u.Kind)
		switch {
		case u.State != nil:
			fmt.Fprintf(&b, " %s %q", u.State.Phase, u.State.Cause)
		case u.Frame != nil:
			d := u.Frame.Data
			if len(d) > 120 {
				d = d[:120]
			}
			fmt.Fprintf(&b, " %s %s", u.Frame.Op, d)
		case u.Event != nil:
			fmt.Fprintf(&b, " seq=%d replayed=%v dup=%v %s", u.Event.Seq, u.Event.Replayed, u.Event.Duplicate, u.Event.Label)
		case u.Gap != nil:
			fmt.Fprintf(&b, " %+v", *u.Gap)
		case u.Subscription != nil:
			fmt.Fprintf(&b, " %+v", *u.Subscription)
		case u.Error != nil:
			fmt.Fprintf(&b, " %s: %s", u.Error.Where, u.Error.Message)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func phases(ups []protocol.Update) []protocol.Phase {
	var out []protocol.Phase
	for _, u := range ups {
		if u.State != nil {
			out = append(out, u.State.Phase)
		}
	}
	return out
}

func events(ups []protocol.Update) []*protocol.Event {
	var out []*protocol.Event
	for _, u := range ups {
		if u.Event != nil {
			out = append(out, u.Event)
		}
	}
	return out
}

func gaps(ups []protocol.Update) []*protocol.Gap {
	var out []*protocol.Gap
	for _, u := range ups {
		if u.Gap != nil {
			out = append(out, u.Gap)
		}
	}
	return out
}

func lastPhase(ups []protocol.Update) protocol.Phase {
	p := phases(ups)
	if len(p) == 0 {
		return ""
	}
	return p[len(p)-1]
}

func hasPhase(p protocol.Phase) func([]protocol.Update) bool {
	return func(ups []protocol.Update) bool {
		for _, x := range phases(ups) {
			if x == p {
				return true
			}
		}
		return false
	}
}

func isLive(ups []protocol.Update) bool { return lastPhase(ups) == protocol.PhaseLive }

func countEvents(n int) func([]protocol.Update) bool {
	return func(ups []protocol.Update) bool { return len(events(ups)) >= n }
}

// gate holds back wstoken requests while closed, so that a test can make
// things happen while the client is away.
type gate struct {
	mu     sync.Mutex
	closed chan struct{} // nil while open
	next   http.RoundTripper
	// afterWSToken runs after each wstoken answer (to move a clock).
	afterWSToken func()
}

func (g *gate) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/wstoken") {
		g.mu.Lock()
		ch := g.closed
		g.mu.Unlock()
		if ch != nil {
			select {
			case <-ch:
			case <-r.Context().Done():
				return nil, r.Context().Err()
			}
		}
		resp, err := g.next.RoundTrip(r)
		if g.afterWSToken != nil {
			g.afterWSToken()
		}
		return resp, err
	}
	return g.next.RoundTrip(r)
}

func (g *gate) close() {
	g.mu.Lock()
	g.closed = make(chan struct{})
	g.mu.Unlock()
}

func (g *gate) open() {
	g.mu.Lock()
	if g.closed != nil {
		close(g.closed)
		g.closed = nil
	}
	g.mu.Unlock()
}

// rig is an emulator and a session connected to it.
type rig struct {
	sim  *sim.Server
	s    *session.Session
	out  *stream
	gate *gate
	done chan error
	stop context.CancelFunc
}

// fast engine timings so the whole package runs in seconds.
func fastOptions() session.Options {
	return session.Options{
		Backoff:           session.Backoff{Base: 5 * time.Millisecond, Max: 40 * time.Millisecond, Rand: rand.New(rand.NewPCG(1, 2))},
		PingInterval:      200 * time.Millisecond,
		PongWait:          2 * time.Second,
		HeartbeatInterval: time.Second,
		StableAfter:       50 * time.Millisecond,
		HandshakeTimeout:  3 * time.Second,
		CloseWait:         time.Second,
	}
}

// start runs an emulator with simCfg and a session on it; edit may
// change the session's config.
func start(t *testing.T, simCfg sim.Config, edit func(*ringcentral.Config)) *rig {
	t.Helper()
	if simCfg.Seed == 0 {
		simCfg.Seed = 7
	}
	srv := sim.New(simCfg)
	hs := httptest.NewServer(srv.Handler())
	g := &gate{next: http.DefaultTransport}
	cfg := ringcentral.Config{
		Server: hs.URL, ClientID: sim.DemoClientID, ClientSecret: sim.DemoClientSecret, JWT: sim.DemoJWT,
		Filters:    []string{"/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS"},
		HTTPClient: &http.Client{Transport: g, Timeout: 5 * time.Second},
		Session:    fastOptions(),
	}
	if edit != nil {
		edit(&cfg)
	}
	r := &rig{sim: srv, s: ringcentral.New(cfg), out: newStream(t), gate: g, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	go func() { r.done <- r.s.Run(ctx, r.out.emit) }()
	t.Cleanup(func() {
		cancel()
		g.open()
		select {
		case <-r.done:
		case <-time.After(waitLimit):
			t.Error("Run did not return after cancel")
		}
		srv.Close()
		hs.Close()
	})
	return r
}

// result waits for Run to return.
func (r *rig) result(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		r.done <- err // for Cleanup
		return err
	case <-time.After(waitLimit):
		t.Fatal("Run did not return")
		return nil
	}
}

func (r *rig) generate(t *testing.T, n int) {
	t.Helper()
	got, err := r.sim.Generate("", "sms", n)
	if err != nil || got != n {
		t.Fatalf("Generate(%d) = %d, %v", n, got, err)
	}
}

// checkExactlyOnce asserts the events are sequence numbers first..last,
// each once, in order, with distinct ids.
func checkExactlyOnce(t *testing.T, evs []*protocol.Event, want int) {
	t.Helper()
	if len(evs) != want {
		t.Fatalf("got %d events, want %d", len(evs), want)
	}
	ids := map[string]bool{}
	for i, e := range evs {
		if ids[e.ID] {
			t.Errorf("event %s delivered twice", e.ID)
		}
		ids[e.ID] = true
		if e.Duplicate {
			t.Errorf("event %d marked duplicate", e.Seq)
		}
		if i > 0 && e.Seq != evs[i-1].Seq+1 {
			t.Errorf("event %d follows %d", e.Seq, evs[i-1].Seq)
		}
	}
}

// simConfig lets files that never touch the emulator's API start a rig.
type simConfig = sim.Config
