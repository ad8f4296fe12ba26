package pubnub_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session"
	"github.com/evtap/evtap/session/pubnub"
)

// waitLimit bounds every wait on a condition; nothing here sleeps.
const waitLimit = 10 * time.Second

// clock is the wall clock the session and the server share, moved by the
// test: a subscription comes due, a queue ages, in no time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// stream collects what a session emits.
type stream struct {
	t       *testing.T
	mu      sync.Mutex
	ups     []protocol.Update
	changed chan struct{}
}

func (s *stream) emit(u protocol.Update) {
	s.mu.Lock()
	s.ups = append(s.ups, u)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

func (s *stream) snapshot() []protocol.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]protocol.Update(nil), s.ups...)
}

func (s *stream) waitFor(what string, pred func([]protocol.Update) bool) []protocol.Update {
	s.t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ups, ch := append([]protocol.Update(nil), s.ups...), s.changed
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

func dump(ups []protocol.Update) string {
	var b strings.Builder
	for _, u := range ups {
		fmt.Fprintf(&b, "  %d %s", u.Conn, u.Kind)
		switch {
		case u.State != nil:
			fmt.Fprintf(&b, " %s %q", u.State.Phase, u.State.Cause)
		case u.Frame != nil:
			d := u.Frame.Data
			if len(d) > 160 {
				d = d[:160] + "…"
			}
			fmt.Fprintf(&b, " %s", d)
		case u.Event != nil:
			fmt.Fprintf(&b, " %s %s R=%v D=%v seal=%+v", u.Event.ID, u.Event.Label, u.Event.Replayed, u.Event.Duplicate, u.Event.Seal)
		case u.Gap != nil:
			fmt.Fprintf(&b, " %s", u.Gap.Reason)
		case u.Subscription != nil:
			fmt.Fprintf(&b, " %s %s err=%v note=%q", u.Subscription.ID, u.Subscription.Status, u.Subscription.Error, u.Subscription.Note)
		case u.Error != nil:
			fmt.Fprintf(&b, " %s: %s", u.Error.Where, u.Error.Message)
		case u.Marker != nil:
			fmt.Fprintf(&b, " %s", u.Marker.Label)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// live is a session against srv, running until the test ends.
type live struct {
	s    *session.Session
	out  *stream
	done chan error
	stop context.CancelFunc
	once sync.Once
}

func start(t *testing.T, srv *rcpn, clk *clock, edit func(*pubnub.Config)) *live {
	t.Helper()
	cfg := pubnub.Config{
		Server: srv.url, ClientID: testClientID, ClientSecret: testSecret, JWT: testJWT, Origin: srv.url,
		Filters:   []string{"/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true"},
		RenewTick: 20 * time.Millisecond, Now: clk.Now,
		Session: session.Options{
			Backoff:      session.Backoff{Base: 5 * time.Millisecond, Max: 20 * time.Millisecond, Rand: rand.New(rand.NewPCG(1, 2))},
			PingInterval: -1, HeartbeatInterval: -1, StableAfter: time.Hour, EndTimeout: 5 * time.Second,
		},
	}
	if edit != nil {
		edit(&cfg)
	}
	l := &live{s: pubnub.New(cfg), out: &stream{t: t, changed: make(chan struct{})}, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	l.stop = cancel
	go func() { l.done <- l.s.Run(ctx, l.out.emit) }()
	t.Cleanup(func() { l.end(t) })
	return l
}

// end stops the session and waits for Run.
func (l *live) end(t *testing.T) {
	l.once.Do(func() {
		l.stop()
		select {
		case <-l.done:
		case <-time.After(waitLimit):
			t.Error("Run did not return after cancel")
		}
	})
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

// received reports whether every id arrived as an event.
func received(ids ...string) func([]protocol.Update) bool {
	return func(ups []protocol.Update) bool {
		got := map[string]bool{}
		for _, e := range events(ups) {
			got[e.ID] = true
		}
		for _, id := range ids {
			if !got[id] {
				return false
			}
		}
		return true
	}
}

func phase(p protocol.Phase, cause string) func([]protocol.Update) bool {
	return func(ups []protocol.Update) bool { return findState(ups, p, cause) != nil }
}

func findState(ups []protocol.Update, p protocol.Phase, cause string) *protocol.State {
	for _, u := range ups {
		if u.State != nil && u.State.Phase == p && strings.Contains(u.State.Cause, cause) {
			return u.State
		}
	}
	return nil
}

// livePolls reports a poll held now: a subscribe sent after the last
// answer on the newest connection, so a publish or a drop reaches it.
func heldPoll(srv *rcpn, n int) func([]protocol.Update) bool {
	return func(ups []protocol.Update) bool {
		srv.mu.Lock()
		polls := srv.polls
		srv.mu.Unlock()
		return polls >= n
	}
}
