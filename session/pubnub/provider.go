package pubnub

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/evtap/evtap/protocol"
	pn "github.com/evtap/evtap/protocol/pubnub"
	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/session"
	rcs "github.com/evtap/evtap/session/ringcentral"
)

// ProviderName is Event.Provider for these sessions.
const ProviderName = pn.ProviderName

// Provider is the RingCentral-over-PubNub part of a session
// (session.Provider, session.Poller, session.Ender). Its state is
// guarded by mu; subscription calls are serialised by rest, so the
// renew tick, Prepare and End never make two at once.
type Provider struct {
	cfg  Config
	auth *rcs.Auth
	rest sync.Mutex

	mu      sync.Mutex
	filters []string
	refilt  bool      // the filters changed while no call could carry them
	sub     *subState // the subscription in force; nil: none yet
	gone    bool      // it was found gone or lapsed: create anew
	cursor  *pn.Cursor
	link    session.Link // the newest connection's
	conn    int
	live    bool   // this connection's poll has answered
	halted  bool   // PubNub refused the poll: the next Prepare (the operator's resume) checks the subscription first
	probe   bool   // the last poll had no answer: ask /time/0 before resuming
	moving  bool   // this connection is being replaced on purpose
	moved   string // why the connection being prepared replaced the last one
	ended   bool
	calls   context.Context    // ends with the session: the renew loop's and set_filters' calls
	stop    context.CancelFunc // ends calls

	pane    pn.Context
	paneAt  time.Time   // when the pane was last published
	paneT   *time.Timer // a catch-up publication, waiting
	paneDue time.Time   // when paneT fires; zero: none pending
}

type subState struct {
	id, channel, subKey string
	exp                 time.Time
}

// NewProvider builds the provider alone, for wiring it into
// session.New with custom options.
func NewProvider(cfg Config) *Provider {
	cfg = cfg.withDefaults()
	auth := &rcs.Auth{Server: server(cfg), ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, JWT: cfg.JWT, Now: cfg.Now}
	p := &Provider{cfg: cfg, auth: auth, filters: rcs.CleanFilters(cfg.Filters)}
	p.pane.Origin = cfg.Origin
	return p
}

func server(cfg Config) string { return strings.TrimRight(cfg.Server, "/") }

// Name implements session.Provider.
func (p *Provider) Name() string { return ProviderName }

// Decoder implements session.Provider: the decoder replay and import
// run too.
func (p *Provider) Decoder() protocol.Decoder { return pn.NewDecoder() }

// Prepare makes sure a subscription is in force (creating it, or after a
// halt checking it with a PUT), probes /time/0 after a poll that had no
// answer, and says where to poll: the handshake the first time, then
// from the cursor (a resume, which PubNub answers with what it queued).
func (p *Provider) Prepare(ctx context.Context, l session.Link) (session.Target, error) {
	// Subscription calls first, one at a time: the renew tick may have
	// made the subscription anew while this waited.
	p.rest.Lock()
	p.mu.Lock()
	if !p.moving {
		p.moved = ""
	}
	p.link, p.conn, p.live, p.moving = l, l.Conn(), false, false
	halted, refilt := p.halted, p.refilt
	p.halted = false
	need := p.sub == nil || p.gone || !p.cfg.Now().Before(p.sub.exp)
	probe := p.probe && !need
	p.mu.Unlock()
	var err error
	if need || halted || refilt {
		err = p.ensure(ctx, l, need)
	}
	p.rest.Unlock()
	if err != nil {
		return session.Target{}, err
	}
	if probe {
		if err = p.timeProbe(ctx, l); err != nil {
			return session.Target{}, err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	u, err := p.pollURL()
	if err != nil {
		return session.Target{}, err
	}
	// The connection pane shows Masked as it is: no sub key there.
	t := session.Target{Transport: session.TransportLongPoll, URL: u, Masked: strings.ReplaceAll(u, p.sub.subKey, session.Mask), Phase: protocol.PhaseDialing}
	if p.cursor != nil {
		t.Phase = protocol.PhaseRecovering
	}
	return t, nil
}

// ensure creates the subscription, or (need false) renews it to learn
// whether it still stands and to carry changed filters. Caller holds
// rest.
func (p *Provider) ensure(ctx context.Context, l session.Link, need bool) error {
	if !need {
		a, err := p.renew(ctx, l)
		switch {
		case err == nil:
			return nil
		case a == nil || !a.Gone:
			return err
		}
	}
	why := ""
	if !need {
		why = "the subscription is gone"
	}
	return p.create(ctx, l, why, true)
}

// Opened implements session.Provider: nothing is sent on a long-poll.
func (p *Provider) Opened(session.Link) {}

// Heartbeat implements session.Provider: PubNub's presence heartbeat
// rides on every subscribe (heartbeat=300).
func (p *Provider) Heartbeat(session.Link) []byte { return nil }

// Poll implements session.Poller: the next subscribe, from the cursor
// the last answer gave.
func (p *Provider) Poll(l session.Link) (session.Request, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	u, err := p.pollURL()
	if err != nil {
		return session.Request{}, err
	}
	p.pane.Poll, p.pane.PollSince = "", l.Now()
	p.settle(l)
	// The sub key in the path is the server's, not a credential of the
	// client's: the provider's redaction rules replace it in frames (on
	// screen too) with the same placeholder as in the subscription's
	// answer, so a reader sees they match.
	return session.Request{Where: "subscribe", URL: u}, nil
}

// pollURL is the subscribe to send now. Caller holds mu.
func (p *Provider) pollURL() (string, error) {
	if p.sub == nil {
		return "", errors.New("no subscription to poll")
	}
	return pn.Subscribe{Origin: p.cfg.Origin, SubKey: p.sub.subKey, Channels: []string{p.sub.channel}, Cursor: p.cursor,
		Heartbeat: pn.DefaultHeartbeat, UUID: p.cfg.UUID, PNSDK: pn.PNSDK}.URL()
}

// Lost implements session.Provider: the poll in flight is gone; the
// cursor stays for the resume.
func (p *Provider) Lost(at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.live = false
	// A poll with no answer never reaches Receive: ask /time/0 before
	// resuming, as the 4.x clients do after a network error.
	p.probe = !p.moving && !p.halted
	p.pane.PollSince = time.Time{}
	if p.pane.Poll == "" {
		p.pane.Poll = "none in flight since " + at.Local().Format("15:04:05")
		if p.cursor != nil {
			p.pane.Poll += "; the next resumes from " + p.cursor.String()
		}
	}
	if p.paneT != nil {
		p.paneT.Stop()
		p.paneDue = time.Time{}
	}
}

// SetFilters implements session.Provider: the subscription is updated
// with a PUT (which renews it too), at once when one is in force, else
// by the next Prepare.
func (p *Provider) SetFilters(l session.Link, filters []string) error {
	filters = rcs.CleanFilters(filters)
	if len(filters) == 0 {
		return errors.New("set_filters: at least one event filter is needed")
	}
	p.mu.Lock()
	p.filters, p.refilt = filters, true
	live := l != nil && p.sub != nil && !p.gone
	p.mu.Unlock()
	if live {
		go func() { // Run's goroutine must not wait on the network
			p.rest.Lock()
			defer p.rest.Unlock()
			p.mu.Lock()
			ctx, ended := p.calls, p.ended
			p.mu.Unlock()
			if !ended {
				p.renewAndFollow(ctx, l)
			}
		}()
	}
	return nil
}

// End implements session.Ender: leave the channel, then delete the
// subscription (expecting 204), as the SDKs' remove() does.
func (p *Provider) End(ctx context.Context, l session.Link) {
	p.mu.Lock()
	p.ended = true
	if p.stop != nil {
		p.stop()
	}
	if p.paneT != nil {
		p.paneT.Stop()
	}
	p.mu.Unlock()
	p.rest.Lock() // a renewal in flight ends first (its context is cancelled)
	defer p.rest.Unlock()
	p.mu.Lock()
	sub := p.sub
	gone := p.gone
	p.mu.Unlock()
	if sub == nil {
		return
	}
	if u, err := pn.LeaveURL(p.cfg.Origin, sub.subKey, []string{sub.channel}, p.cfg.UUID, pn.PNSDK); err == nil {
		_, _ = l.REST(ctx, session.Request{Where: "leave", URL: u})
	}
	if !gone {
		_, _ = p.call(ctx, l, "unsubscribe", "DELETE", rc.PathSubscription+"/"+sub.id, nil)
	}
}
