package raw

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/evtap/evtap/protocol"
	rawproto "github.com/evtap/evtap/protocol/raw"
	"github.com/evtap/evtap/session"
)

// Bounds on the frames sent by hand while no connection is open: they
// wait for the next one, and past these Do refuses more (a headless
// producer is then held back, not dropped).
const (
	maxWaiting      = 1024
	maxWaitingBytes = 16 << 20
)

// provider is the raw WebSocket's session.Provider.
type provider struct {
	plan      *plan
	onConnect [][]byte

	mu           sync.Mutex
	link         session.Link // the open connection; nil between connections
	last         session.Link // the latest connection's, to say that frames wait
	waiting      [][]byte     // sent by hand while no connection was open
	waitingBytes int
}

var _ session.Provider = (*provider)(nil)

func (p *provider) Name() string { return rawproto.ProviderName }

// Decoder is protocol/raw's, behind the mask of the session's secrets.
func (p *provider) Decoder() protocol.Decoder {
	return &maskingDecoder{secrets: p.plan.secrets, inner: rawproto.NewDecoder()}
}

// Prepare has nothing to fetch: every connection dials the same target.
func (p *provider) Prepare(_ context.Context, l session.Link) (session.Target, error) {
	p.mu.Lock()
	p.last = l
	p.mu.Unlock()
	t := p.plan.target
	t.Header = t.Header.Clone() // the engine may not share ours
	return t, nil
}

// Opened makes the connection live: a raw server has no greeting, so the
// upgrade is all the acceptance there is. The --send frames go out first,
// on every connection, then what was sent by hand meanwhile.
func (p *provider) Opened(l session.Link) {
	l.Healthy()
	p.mu.Lock()
	p.link, p.last = l, l
	for _, f := range p.onConnect {
		l.Send(f)
	}
	for _, f := range p.waiting {
		l.Send(f)
	}
	p.waiting, p.waitingBytes = nil, 0
	p.mu.Unlock()
	ctx := append([]protocol.Field{{Label: "connected", At: l.Now()}}, p.plan.context...)
	l.State(protocol.State{Phase: protocol.PhaseLive, Context: ctx})
}

// Receive is never called: the decoder returns no typed messages.
func (p *provider) Receive(session.Link, any) {}

// Heartbeat sends nothing: the engine's WebSocket pings keep the
// connection checked, and a raw server may not understand anything else.
func (p *provider) Heartbeat(session.Link) []byte { return nil }

func (p *provider) Lost(time.Time) {
	p.mu.Lock()
	p.link = nil
	p.mu.Unlock()
}

// errNoFilters is the answer to set_filters.
var errNoFilters = errors.New("a raw WebSocket has no filters or subscriptions")

func (p *provider) SetFilters(session.Link, []string) error { return errNoFilters }

// send sends one text frame by hand: at once on an open connection, else
// when the next one opens. It refuses only when too much is waiting.
func (p *provider) send(text string) error {
	data := []byte(text)
	p.mu.Lock()
	if p.link != nil && p.link.Send(data) {
		p.mu.Unlock()
		return nil
	}
	if len(p.waiting) >= maxWaiting || p.waitingBytes+len(data) > maxWaitingBytes {
		n := len(p.waiting)
		p.mu.Unlock()
		return fmt.Errorf("not connected, and %d frames already wait for the connection: try again once it is back", n)
	}
	p.waiting = append(p.waiting, data)
	p.waitingBytes += len(data)
	first, tell := len(p.waiting) == 1, p.last
	p.mu.Unlock()
	if first && tell != nil {
		tell.Emit(protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: "send",
			Message: "not connected: what is sent now waits, and goes out when the connection is back"}})
	}
	return nil
}
