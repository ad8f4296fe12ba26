package pubnub

import (
	"time"

	"github.com/evtap/evtap/sim/emu"
)

// Defaults from the provider documents (ringcentral-pubnub.md §6.4).
const (
	// DefaultHold is how long a long-poll with nothing to deliver is
	// held: PubNub answers after about 280 s; clients give up at 310 s.
	DefaultHold = 280 * time.Second
	// DefaultQueueSize is the messages kept per channel, and the most one
	// subscribe gets across all of its channels.
	DefaultQueueSize = 100
	// DefaultQueueTTL is how long a queued message lives.
	DefaultQueueTTL = 20 * time.Minute
	// DefaultRegion is the region (t.r) every timetoken carries. evtap's
	// choice: the value the verified exchanges showed.
	DefaultRegion = 12
	// MaxHold is the longest hold accepted: clients time out a subscribe
	// after 310 s, so a hold at or above it would look like a dead server.
	MaxHold = 309 * time.Second
)

// Config configures the service. The zero value is usable: every zero
// field takes its default.
type Config struct {
	// Hold is how long an empty long-poll is held before it answers
	// m:[] with the same timetoken (default 280 s, at most MaxHold).
	Hold time.Duration
	// QueueSize is how many messages each channel keeps (default 100).
	QueueSize int
	// QueueTTL is how long a message stays queued (default 20 min).
	QueueTTL time.Duration
	// Now is the clock for timetokens and the queue's age limit; nil
	// means time.Now.
	Now func() time.Time
	// LedgerSize bounds the ledger (default 100,000 entries); past it the
	// oldest entries are forgotten and counted.
	LedgerSize int
}

// DefaultLedgerSize bounds the ledger's memory (about 200 bytes an entry).
const DefaultLedgerSize = 100000

func (c Config) withDefaults() Config {
	emu.DefaultPositive(&c.Hold, DefaultHold)
	if c.Hold > MaxHold {
		c.Hold = MaxHold
	}
	emu.DefaultPositive(&c.QueueSize, DefaultQueueSize)
	emu.DefaultPositive(&c.QueueTTL, DefaultQueueTTL)
	if c.Now == nil {
		c.Now = time.Now
	}
	emu.DefaultPositive(&c.LedgerSize, DefaultLedgerSize)
	return c
}
