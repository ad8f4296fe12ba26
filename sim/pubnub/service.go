package pubnub

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/evtap/evtap/sim/emu"
)

// Service is the emulated PubNub: subscribe keys, channels with their
// queues, the long-polls held on them, the fault switches and the
// ledger. Mount puts its endpoints on an emulator's listener. All
// methods are safe for concurrent use.
type Service struct {
	cfg Config
	srv *emu.Server

	mu       sync.Mutex
	clock    clock
	keys     map[string]bool
	channels map[chanKey]*channel
	polls    map[*poll]bool // held now
	ledger   ledger
	faults   switches
	stats    stats
}

// chanKey names a channel: channels of different subscribe keys are
// different channels, as on the real service.
type chanKey struct{ subKey, name string }

// channel is one channel's queue, oldest first, and the long-polls
// waiting on it.
type channel struct {
	key     chanKey
	msgs    []*message
	waiters map[*poll]bool
}

// message is one published message as the queue keeps it.
type message struct {
	tt        Timetoken
	key       chanKey
	publisher string
	data      json.RawMessage
	published time.Time
	entry     *LedgerEntry
}

// Message is what an owner of channels publishes.
type Message struct {
	// SubKey and Channel say where: a subscribe key the service knows
	// (AddKey) and any channel name.
	SubKey, Channel string
	// ID names the message in the ledger (a RingCentral notification's
	// uuid); Owner is who it was published for (a subscription id).
	ID, Owner string
	// Publisher is the envelope's i; empty: "evtap-sim".
	Publisher string
	// Data is the payload, valid JSON: the envelope's d as it is.
	Data json.RawMessage
}

// New builds a service; Mount serves it.
func New(cfg Config) *Service {
	cfg = cfg.withDefaults()
	return &Service{
		cfg:      cfg,
		clock:    clock{now: cfg.Now},
		keys:     map[string]bool{},
		channels: map[chanKey]*channel{},
		polls:    map[*poll]bool{},
		ledger:   ledger{max: cfg.LedgerSize},
		stats:    stats{refused: map[int]uint64{}},
	}
}

// Config is the configuration in force (defaults filled in).
func (p *Service) Config() Config { return p.cfg }

// AddKey makes a subscribe key known: subscribes with any other key get
// 400 "Invalid Subscribe Key".
func (p *Service) AddKey(subKey string) {
	p.mu.Lock()
	p.keys[subKey] = true
	p.mu.Unlock()
}

// Publish queues m on its channel, evicting the oldest message beyond
// QueueSize, records it in the ledger, and wakes the long-polls waiting
// on the channel. It returns the message's timetoken.
func (p *Service) Publish(m Message) (Timetoken, error) {
	if !json.Valid(m.Data) {
		return 0, fmt.Errorf("pubnub: publish: the payload is not valid JSON")
	}
	if m.Channel == "" {
		return 0, fmt.Errorf("pubnub: publish: no channel")
	}
	if m.Publisher == "" {
		m.Publisher = "evtap-sim"
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.keys[m.SubKey] {
		return 0, fmt.Errorf("pubnub: publish: unknown subscribe key")
	}
	now := p.cfg.Now()
	tt := p.clock.next()
	k := chanKey{m.SubKey, m.Channel}
	ch := p.channel(k)
	msg := &message{tt: tt, key: k, publisher: m.Publisher, data: append(json.RawMessage(nil), m.Data...), published: now}
	msg.entry = p.ledger.add(LedgerEntry{ID: m.ID, Owner: m.Owner, Channel: m.Channel, Timetoken: tt.String(),
		Published: now.UTC(), Queue: QueueHeld})
	p.expireOld(ch, now)
	ch.msgs = append(ch.msgs, msg)
	for len(ch.msgs) > p.cfg.QueueSize {
		p.lose(ch.msgs[0], QueueEvicted)
		ch.msgs[0] = nil
		ch.msgs = ch.msgs[1:]
	}
	p.stats.published++
	for w := range ch.waiters {
		w.wakeUp()
	}
	return tt, nil
}

// channel returns the channel named k, making it. Caller holds mu.
func (p *Service) channel(k chanKey) *channel {
	ch := p.channels[k]
	if ch == nil {
		ch = &channel{key: k, waiters: map[*poll]bool{}}
		p.channels[k] = ch
	}
	return ch
}

// forgetIdle drops a channel that holds nothing and nobody waits on.
// Caller holds mu.
func (p *Service) forgetIdle(ch *channel) {
	if len(ch.msgs) == 0 && len(ch.waiters) == 0 {
		delete(p.channels, ch.key)
	}
}

// expireOld drops the channel's messages older than QueueTTL. Caller
// holds mu.
func (p *Service) expireOld(ch *channel, now time.Time) {
	n := 0
	for n < len(ch.msgs) && now.Sub(ch.msgs[n].published) >= p.cfg.QueueTTL {
		p.lose(ch.msgs[n], QueueExpired)
		ch.msgs[n] = nil
		n++
	}
	if n > 0 {
		ch.msgs = ch.msgs[n:]
	}
}

// lose marks a message the queue no longer holds. Caller holds mu.
func (p *Service) lose(m *message, why string) {
	m.entry.Queue = why
	switch why {
	case QueueEvicted:
		p.stats.evicted++
	case QueueExpired:
		p.stats.expired++
	}
	if m.entry.Deliveries == 0 {
		p.stats.lost++
	}
}

// since returns the queued messages of channels newer than tt, oldest
// first: at most QueueSize across all of them (the newest), as the
// service counts its queue across the channels of one subscribe. Caller
// holds mu.
func (p *Service) since(subKey string, channels []string, tt Timetoken) []*message {
	now := p.cfg.Now()
	var out []*message
	for _, name := range channels {
		ch := p.channels[chanKey{subKey, name}]
		if ch == nil {
			continue
		}
		p.expireOld(ch, now)
		// The queue is in timetoken order: find the first newer than tt.
		i := sort.Search(len(ch.msgs), func(i int) bool { return ch.msgs[i].tt > tt })
		out = append(out, ch.msgs[i:]...)
	}
	if len(channels) > 1 {
		sort.Slice(out, func(i, j int) bool { return out[i].tt < out[j].tt })
	}
	if len(out) > p.cfg.QueueSize {
		p.stats.trimmed += uint64(len(out) - p.cfg.QueueSize)
		out = out[len(out)-p.cfg.QueueSize:]
	}
	return out
}

// Sweep drops expired messages and idle channels; the owner calls it now
// and then (the queue also expires messages whenever it is read).
func (p *Service) Sweep() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.cfg.Now()
	for _, ch := range p.channels {
		p.expireOld(ch, now)
		p.forgetIdle(ch)
	}
}

// Now is the current timetoken without taking one: what /time/0
// answers. It never goes below the last one handed out.
func (p *Service) Now() Timetoken {
	p.mu.Lock()
	defer p.mu.Unlock()
	tt := TimetokenAt(p.cfg.Now())
	if tt < p.clock.last {
		tt = p.clock.last
	}
	return tt
}
