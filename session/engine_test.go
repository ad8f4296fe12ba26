package session

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

// topicProvider is a provider shaped like VoIPBin: no token flow, no
// greeting, subscribe by sending topics, no keepalive frame. It proves
// the engine needs nothing RingCentral-specific.
type topicProvider struct {
	url  string
	mu   sync.Mutex
	got  []string
	lost int
}

func (p *topicProvider) Name() string { return "topics" }
func (p *topicProvider) Prepare(ctx context.Context, l Link) (Target, error) {
	return Target{URL: p.url + "?token=SECRET", Masked: MaskQuery(p.url+"?token=SECRET", "token")}, nil
}
func (p *topicProvider) Opened(l Link) {
	l.Healthy()
	l.State(protocol.State{Phase: protocol.PhaseLive})
	l.Send([]byte(`{"type":"subscribe","topics":["customer_id:1:call"]}`))
}

// Decoder hands every received text frame to Receive as its message.
func (p *topicProvider) Decoder() protocol.Decoder {
	return protocol.DecoderFunc(func(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
		if u.Kind == protocol.KindRecv && u.Frame.Op == protocol.OpText {
			return dst, string(raw)
		}
		return dst, nil
	})
}
func (p *topicProvider) Receive(l Link, msg any) {
	p.mu.Lock()
	p.got = append(p.got, msg.(string))
	p.mu.Unlock()
}
func (p *topicProvider) Heartbeat(Link) []byte { return nil }
func (p *topicProvider) Lost(time.Time) {
	p.mu.Lock()
	p.lost++
	p.mu.Unlock()
}
func (p *topicProvider) SetFilters(Link, []string) error { return nil }

// collector gathers Updates and waits for conditions.
type collector struct {
	mu      sync.Mutex
	ups     []protocol.Update
	changed chan struct{}
}

func newCollector() *collector { return &collector{changed: make(chan struct{})} }

func (c *collector) emit(u protocol.Update) {
	c.mu.Lock()
	c.ups = append(c.ups, u)
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
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
			t.Fatalf("timed out waiting for %s; updates so far:\n%s", what, dump(ups))
		}
	}
}

func (c *collector) snapshot() []protocol.Update {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]protocol.Update(nil), c.ups...)
}

func stateWhere(ups []protocol.Update, ok func(*protocol.State) bool) *protocol.State {
	for _, u := range ups {
		if u.State != nil && ok(u.State) {
			return u.State
		}
	}
	return nil
}

// mute is a server that accepts the upgrade and then neither reads nor
// writes: pings go unanswered, like a peer that vanished.
func mute(t *testing.T) string {
	t.Helper()
	var mu sync.Mutex
	var conns []*websocket.Conn
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		mu.Lock()
		conns = append(conns, ws)
		mu.Unlock()
	}))
	t.Cleanup(func() {
		hs.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return "ws" + strings.TrimPrefix(hs.URL, "http")
}

func quick() Options {
	return Options{
		Backoff:      Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond, Rand: rand.New(rand.NewPCG(1, 1))},
		PingInterval: 30 * time.Millisecond, PongWait: 60 * time.Millisecond,
		HeartbeatInterval: -1, StableAfter: time.Millisecond, CloseWait: 200 * time.Millisecond,
	}
}

// Rule: a peer that stops answering pings is declared dead within the
// read deadline, reported as a heartbeat timeout, and the session dials
// again.
func TestSilentPeerIsAHeartbeatTimeout(t *testing.T) {
	p := &topicProvider{url: mute(t)}
	s := New(p, quick())
	out := newCollector()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, out.emit) }()
	ups := out.waitFor(t, "a second connection after a heartbeat timeout", func(ups []protocol.Update) bool {
		return stateWhere(ups, func(s *protocol.State) bool {
			return s.Phase == protocol.PhaseDropped && strings.Contains(s.Cause, "heartbeat timeout")
		}) != nil && len(ups) > 0 && ups[len(ups)-1].Conn >= 2
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v after cancel, want nil", err)
	}
	// The subscribe frame went out, published as sent, with the secret
	// masked in every state.
	var sent bool
	for _, u := range ups {
		if u.Kind == protocol.KindSent && u.Frame.Op == protocol.OpText && strings.Contains(u.Frame.Data, "subscribe") {
			sent = true
		}
		if u.State != nil && strings.Contains(u.State.URL, "SECRET") {
			t.Errorf("secret in state URL %s", u.State.URL)
		}
	}
	if !sent {
		t.Error("the provider's first frame was not published as sent")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lost < 1 {
		t.Error("the provider was not told the connection was lost")
	}
}

// Rule: Run may be called once; commands outside Controls are refused;
// a full command queue refuses instead of blocking.
func TestCommandsNeverBlock(t *testing.T) {
	s := New(&topicProvider{url: "ws://127.0.0.1:1"}, quick())
	if err := s.Do(protocol.Command{Kind: protocol.CmdPause}); err == nil {
		t.Error("a replay command was accepted by a live session")
	}
	var refused bool
	for i := 0; i < commandQueue+1; i++ {
		if s.Do(protocol.Command{Kind: protocol.CmdMarker}) != nil {
			refused = true
		}
	}
	if !refused {
		t.Error("Do queued more commands than the queue holds")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = s.Run(ctx, func(protocol.Update) {})
	if err := s.Run(ctx, func(protocol.Update) {}); err == nil {
		t.Error("second Run accepted")
	}
}
