package dialpad

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/protocol/dialpad"
	"github.com/evtap/evtap/session"
)

// recorder keeps every Update a session emits.
type recorder struct {
	mu   sync.Mutex
	ups  []protocol.Update
	wake chan struct{}
}

func newRecorder() *recorder { return &recorder{wake: make(chan struct{}, 1)} }

func (r *recorder) emit(u protocol.Update) {
	r.mu.Lock()
	r.ups = append(r.ups, u)
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *recorder) snapshot() []protocol.Update {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]protocol.Update(nil), r.ups...)
}

// waitFor waits until ok holds for the Updates so far, or fails the test
// after the deadline with what was seen.
func (r *recorder) waitFor(t *testing.T, what string, d time.Duration, ok func([]protocol.Update) bool) []protocol.Update {
	t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		ups := r.snapshot()
		if ok(ups) {
			return ups
		}
		select {
		case <-r.wake:
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("timed out after %s waiting for %s\n%s", d, what, dump(ups))
		}
	}
}

// running is a session under test.
type running struct {
	rec    *recorder
	s      *session.Session
	cancel context.CancelFunc
	done   chan error
}

// start runs a session with cfg against srv.
func start(t *testing.T, srv *dpServer, cfg Config) *running {
	t.Helper()
	cfg.Server = srv.url()
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	cfg.Session.Backoff = session.Backoff{Base: 20 * time.Millisecond, Max: 200 * time.Millisecond}
	cfg.Session.CloseWait = 500 * time.Millisecond
	r := &running{rec: newRecorder(), s: New(cfg), done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- r.s.Run(ctx, r.rec.emit) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("the session did not end within 10s of its cancellation")
		}
	})
	return r
}

// stop ends the session and returns Run's error.
func (r *running) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not end within 10s")
	}
	return nil
}

func (r *running) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not end by itself within 10s")
	}
	return nil
}

func events(ups []protocol.Update) []*protocol.Event {
	var out []*protocol.Event
	for _, u := range ups {
		if u.Kind == protocol.KindEvent {
			out = append(out, u.Event)
		}
	}
	return out
}

func gaps(ups []protocol.Update) []*protocol.Gap {
	var out []*protocol.Gap
	for _, u := range ups {
		if u.Kind == protocol.KindGap {
			out = append(out, u.Gap)
		}
	}
	return out
}

func liveOn(n int) func([]protocol.Update) bool {
	return func(ups []protocol.Update) bool {
		for _, u := range ups {
			if u.Conn >= n && u.State != nil && u.State.Phase == protocol.PhaseLive {
				return true
			}
		}
		return false
	}
}

func hasPhase(ups []protocol.Update, p protocol.Phase) bool {
	for _, u := range ups {
		if u.State != nil && u.State.Phase == p {
			return true
		}
	}
	return false
}

// subsPane is what the subscriptions pane would show: the last word of
// the server on each id, refusals apart.
func subsPane(ups []protocol.Update) (inForce map[string]protocol.Subscription, refusals []protocol.Subscription) {
	inForce = map[string]protocol.Subscription{}
	for _, u := range ups {
		if u.Kind != protocol.KindSubscription {
			continue
		}
		s := *u.Subscription
		switch {
		case s.Error != nil:
			refusals = append(refusals, s)
		case s.Status == "Removed":
			delete(inForce, s.ID)
		default:
			inForce[s.ID] = s
		}
	}
	return inForce, refusals
}

func errorsWhere(ups []protocol.Update, where string) []string {
	var out []string
	for _, u := range ups {
		if u.Kind == protocol.KindError && u.Error.Where == where {
			out = append(out, u.Error.Message)
		}
	}
	return out
}

func mustSpecs(t *testing.T, lines ...string) []dialpad.Spec {
	t.Helper()
	var out []dialpad.Spec
	for _, l := range lines {
		s, err := dialpad.ParseSpec(l)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// dump shows the Updates briefly, for a failing test.
func dump(ups []protocol.Update) string {
	var b strings.Builder
	from := max(0, len(ups)-80)
	for _, u := range ups[from:] {
		fmt.Fprintf(&b, "%s c%d %s", u.Time.Format("05.000"), u.Conn, u.Kind)
		switch {
		case u.State != nil:
			fmt.Fprintf(&b, " %s %s", u.State.Phase, u.State.Cause)
		case u.Frame != nil:
			d := u.Frame.Data
			if len(d) > 100 {
				d = d[:100]
			}
			fmt.Fprintf(&b, " %s %s", u.Frame.Op, d)
		case u.Event != nil:
			fmt.Fprintf(&b, " %s %s dup=%v", u.Event.Label, u.Event.ID, u.Event.Duplicate)
		case u.Subscription != nil:
			fmt.Fprintf(&b, " %+v", *u.Subscription)
		case u.Gap != nil:
			fmt.Fprintf(&b, " %+v", *u.Gap)
		case u.Error != nil:
			fmt.Fprintf(&b, " %s: %s", u.Error.Where, u.Error.Message)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
