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

	// Frames handed to the open connection are written in order, and
	// each is published as a sent Update as it is written. A frame sent
	// by hand that the connection had not written when it was lost is
	// sent again on the next one, never lost in between.
	conn    int         // the open connection's number
	queued  int         // frames handed to it
	written int         // of those, written
	handed  []handFrame // sent by hand on it and not yet written
}

// handFrame is a frame sent by hand, and its place among the frames
// handed to its connection.
type handFrame struct {
	pos  int
	data []byte
}

var _ session.Provider = (*provider)(nil)

func (p *provider) Name() string { return rawproto.ProviderName }

// Decoder is protocol/raw's, behind the mask of the session's secrets;
// it also tells the provider which frames were written.
func (p *provider) Decoder() protocol.Decoder {
	dec := rawproto.NewDecoder()
	return &maskingDecoder{secrets: p.plan.secrets, inner: protocol.DecoderFunc(
		func(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
			if u.Kind == protocol.KindSent && u.Frame != nil && u.Frame.Op == protocol.OpText {
				p.wrote(u.Conn)
			}
			return dec.Decode(dst, u, raw)
		})}
}

// wrote counts a frame connection n wrote.
func (p *provider) wrote(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n != p.conn {
		return
	}
	p.written++
	for len(p.handed) > 0 && p.handed[0].pos < p.written {
		p.handed = p.handed[1:]
	}
}

// hand gives data to the open connection; false if it cannot take it.
// p.mu is held.
func (p *provider) hand(data []byte, byHand bool) bool {
	if p.link == nil || !p.link.Send(data) {
		return false
	}
	if byHand {
		p.handed = append(p.handed, handFrame{pos: p.queued, data: data})
	}
	p.queued++
	return true
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
	p.conn, p.queued, p.written, p.handed = l.Conn(), 0, 0, nil
	for _, f := range p.onConnect {
		p.hand(f, false)
	}
	for _, f := range p.waiting {
		p.hand(f, true)
	}
	p.waiting, p.waitingBytes = nil, 0
	p.mu.Unlock()
	l.State(protocol.State{Phase: protocol.PhaseLive, Context: p.plan.context})
}

// Receive is never called: the decoder returns no typed messages.
func (p *provider) Receive(session.Link, any) {}

// Heartbeat sends nothing: the engine's WebSocket pings keep the
// connection checked, and a raw server may not understand anything else.
func (p *provider) Heartbeat(session.Link) []byte { return nil }

// Lost puts back what the lost connection was given by hand and did not
// write, ahead of anything sent since.
func (p *provider) Lost(time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.link = nil
	if len(p.handed) == 0 {
		return
	}
	back := make([][]byte, 0, len(p.handed)+len(p.waiting))
	for _, h := range p.handed {
		back = append(back, h.data)
		p.waitingBytes += len(h.data)
	}
	p.waiting, p.handed = append(back, p.waiting...), nil
}

// errNoFilters is the answer to set_filters.
var errNoFilters = errors.New("a raw WebSocket has no filters or subscriptions")

func (p *provider) SetFilters(session.Link, []string) error { return errNoFilters }

// send sends one text frame by hand: at once on an open connection, else
// when the next one opens. It refuses only when too much is waiting.
func (p *provider) send(text string) error {
	data := []byte(text)
	p.mu.Lock()
	if len(p.waiting) == 0 && p.hand(data, true) {
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
	// Before the first connection, waiting is what everyone expects;
	// after a drop it is worth a word.
	first, tell := len(p.waiting) == 1 && p.conn > 0, p.last
	p.mu.Unlock()
	if first && tell != nil {
		tell.Emit(protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: "send",
			Message: "not connected: what is sent now waits, and goes out when the connection is back"}})
	}
	return nil
}
