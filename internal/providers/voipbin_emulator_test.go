package providers_test

// evtap's VoIPBin client against evtap's VoIPBin emulator. Each was built
// from the provider documents by a different engineer without reading
// the other, so where both follow the documents they agree here, and
// where one misread them this is where it shows.

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session"
	vbsession "github.com/evtap/evtap/session/voipbin"
	vbsim "github.com/evtap/evtap/sim/voipbin"
)

var (
	simCall = "customer_id:" + vbsim.DemoCustomerID + ":call"
	simHang = simCall + ":call_hangup"
)

// updates gathers a session's Updates and waits for conditions on them.
type updates struct {
	mu      sync.Mutex
	ups     []protocol.Update
	changed chan struct{}
}

func (c *updates) emit(u protocol.Update) {
	c.mu.Lock()
	c.ups = append(c.ups, u)
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

func (c *updates) waitFor(t *testing.T, what string, pred func([]protocol.Update) bool) []protocol.Update {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		ups, ch := slices.Clone(c.ups), c.changed
		c.mu.Unlock()
		if pred(ups) {
			return ups
		}
		select {
		case <-ch:
		case <-deadline:
			var b strings.Builder
			for _, u := range ups {
				j, _ := json.Marshal(u)
				b.Write(j)
				b.WriteByte('\n')
			}
			t.Fatalf("timed out waiting for %s; got:\n%s", what, b.String())
		}
	}
}

// emulator starts a VoIPBin emulator that generates nothing: the test
// injects what it needs.
func emulator(t *testing.T, cfg vbsim.Config) (*vbsim.Server, string) {
	t.Helper()
	srv := vbsim.New(cfg)
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, url
}

// client runs a VoIPBin session with short timings against url.
func client(t *testing.T, cfg vbsession.Config) (*session.Session, *updates) {
	t.Helper()
	if cfg.QuietDelay == 0 {
		cfg.QuietDelay = 50 * time.Millisecond
	}
	cfg.Session = session.Options{
		Backoff:     session.Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond, Rand: rand.New(rand.NewPCG(1, 1))},
		StableAfter: time.Millisecond, CloseWait: 200 * time.Millisecond,
	}
	p, err := vbsession.NewProvider(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := session.New(p, p.Options())
	c := &updates{changed: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, c.emit) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("the session did not stop")
		}
	})
	return s, c
}

// eventually waits for what the emulator reports, which no Update
// announces, polling its counters until a deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

func lives(n int) func([]protocol.Update) bool {
	return func(ups []protocol.Update) bool {
		k := 0
		var prev protocol.Phase
		for _, u := range ups {
			if u.Kind == protocol.KindState {
				if u.State.Phase == protocol.PhaseLive && prev != protocol.PhaseLive {
					k++
				}
				prev = u.State.Phase
			}
		}
		return k >= n
	}
}

func eventsIn(ups []protocol.Update) []*protocol.Event {
	var out []*protocol.Event
	for _, u := range ups {
		if u.Kind == protocol.KindEvent {
			out = append(out, u.Event)
		}
	}
	return out
}

// simCallJSON is a call of the demo admin as the emulator would carry it.
func simCallJSON(status, by, reason, update string) json.RawMessage {
	return json.RawMessage(`{"id":"c0ffee00-1234-4abc-9def-0123456789ab","customer_id":"` + vbsim.DemoCustomerID + `",` +
		`"owner_type":"agent","owner_id":"` + vbsim.DemoAdminAgentID + `","type":"flow","chained_call_ids":[],` +
		`"source":{"type":"tel","target":"+15550100100"},"destination":{"type":"tel","target":"+15550100200"},` +
		`"status":"` + status + `","direction":"outgoing","hangup_by":"` + by + `","hangup_reason":"` + reason + `",` +
		`"tm_update":"` + update + `"}`)
}

// Login, subscribe, and every event exactly once per topic string it
// matched: a 3-part prefix gets each call event twice, a 4-part
// event-type prefix once, and the copies are marked and credited.
func TestVoIPBinClientAndEmulatorAgreeOnTopicsAndDuplicates(t *testing.T) {
	srv, url := emulator(t, vbsim.Config{})
	_, c := client(t, vbsession.Config{Server: url, Username: vbsim.DemoUsername, Password: vbsim.DemoPassword, Topics: []string{simCall, simHang}})
	c.waitFor(t, "live", lives(1))
	for _, in := range []vbsim.Injection{
		{Type: "call_ringing", Data: simCallJSON("ringing", "", "", "2026-08-22T10:00:01.000000000Z")},
		{Type: "call_hangup", Data: simCallJSON("hangup", "remote", "normal", "2026-08-22T10:00:09.000000000Z")},
	} {
		if err := srv.Inject(in); err != nil {
			t.Fatal(err)
		}
	}
	ups := c.waitFor(t, "4 events", func(ups []protocol.Update) bool { return len(eventsIn(ups)) >= 4 })
	type row struct {
		sub  string
		dup  bool
		name string
	}
	var got []row
	for _, e := range eventsIn(ups) {
		got = append(got, row{e.Subscription, e.Duplicate, e.Name})
	}
	want := []row{{simCall, false, "call_ringing?"}, {simCall, true, "call_ringing?"}, {simCall, false, "call_hangup?"}, {simHang, true, "call_hangup"}}
	if !slices.Equal(got, want) {
		t.Fatalf("events %+v\nwant %+v", got, want)
	}
	// The emulator counts a frame once its write returns, which may be
	// after the client has read it.
	eventually(t, "the emulator to count the 4 frames on the one connection", func() bool {
		cs := srv.Counters()
		return len(cs.Conns) == 1 && cs.Conns[0].Delivered == 4 && slices.Equal(cs.Conns[0].Topics, []string{simCall, simHang})
	})
}

// A topic the emulator refuses drops the connection without a close
// frame; the client names the set and subscribes the previous one again.
func TestVoIPBinClientRestoresTheTopicsTheEmulatorRefused(t *testing.T) {
	srv, url := emulator(t, vbsim.Config{})
	// The quiet delay is long enough that a loaded machine cannot make
	// the drop (within milliseconds) come after it.
	s, c := client(t, vbsession.Config{Server: url, AccessKey: vbsim.DemoAccessKey, Topics: []string{simHang}, QuietDelay: 500 * time.Millisecond})
	c.waitFor(t, "live", lives(1))
	other := "customer_id:11111111-2222-4333-8444-555555555555:call" // an access key does not say it is not ours
	if err := s.Do(protocol.Command{Kind: protocol.CmdSetFilters, Filters: []string{simHang, other}}); err != nil {
		t.Fatal(err)
	}
	ups := c.waitFor(t, "live again", lives(2))
	var named bool
	for _, u := range ups {
		if u.Kind == protocol.KindError && u.Error.Where == "subscribe" && strings.Contains(u.Error.Message, other) {
			named = true
		}
	}
	if !named {
		t.Fatal("the refused set was not named")
	}
	eventually(t, "the emulator to count the drop and see the previous set subscribed", func() bool {
		cs := srv.Counters()
		return cs.BadTopicDrops == 1 && len(cs.Conns) == 1 && slices.Equal(cs.Conns[0].Topics, []string{simHang})
	})
}

// The emulator forgets a dropped connection's topics; the client
// subscribes them again and reports the outage as a window.
func TestVoIPBinClientResubscribesAfterTheEmulatorDrops(t *testing.T) {
	srv, url := emulator(t, vbsim.Config{})
	_, c := client(t, vbsession.Config{Server: url, Username: vbsim.DemoUsername, Password: vbsim.DemoPassword, Topics: []string{simCall, simHang}})
	c.waitFor(t, "live", lives(1))
	srv.Drop("")
	ups := c.waitFor(t, "live again", lives(2))
	var gaps int
	for _, u := range ups {
		if u.Kind == protocol.KindGap && u.Gap.Missed == 0 && !u.Gap.Start.IsZero() && !u.Gap.End.Before(u.Gap.Start) {
			gaps++
		}
	}
	if gaps != 1 {
		t.Fatalf("%d outage windows", gaps)
	}
	eventually(t, "the topics subscribed again on the emulator", func() bool {
		cs := srv.Counters()
		return len(cs.Conns) == 1 && slices.Equal(cs.Conns[0].Topics, []string{simCall, simHang})
	})
}

// The emulator drops a client that does not answer its pings in time;
// this one does, through several timeouts, and shows them.
func TestVoIPBinClientAnswersTheEmulatorsPings(t *testing.T) {
	srv, url := emulator(t, vbsim.Config{PingInterval: 20 * time.Millisecond, PongTimeout: 150 * time.Millisecond})
	_, c := client(t, vbsession.Config{Server: url, AccessKey: vbsim.DemoAccessKey, Topics: []string{simCall},
		ServerPingInterval: 20 * time.Millisecond, PongTimeout: 150 * time.Millisecond})
	c.waitFor(t, "pings for longer than the pong timeout", func(ups []protocol.Update) bool {
		n := 0
		for _, u := range ups {
			if u.Kind == protocol.KindRecv && u.Frame.Op == protocol.OpPing {
				n++
			}
		}
		return n >= 20
	})
	if cs := srv.Counters(); cs.PongTimeouts != 0 || cs.Connections != 1 {
		t.Fatalf("pong timeouts %d, connections %d", cs.PongTimeouts, cs.Connections)
	}
}
