package emu

import (
	"sync/atomic"
	"time"
)

// Counters is a snapshot of what the core has seen and done. Together
// they form a ledger: every event generated is, in the end, delivered,
// dropped by the emulator, or still waiting (in a queue or a provider's
// replay buffer).
type Counters struct {
	Connections int     `json:"connections"` // connections accepted, ever
	Open        int     `json:"open"`        // connections open now
	Refused     int     `json:"refused"`     // connections refused (bad token, too many open)
	Cut         int     `json:"cut"`         // connections the emulator cut because their client did not read
	Generated   uint64  `json:"generated"`   // events made, ever (generated, sent and injected)
	Delivered   uint64  `json:"delivered"`   // event frames written to a socket; a replayed event counts again
	Dropped     uint64  `json:"dropped"`     // events the emulator's own buffers discarded before they were ever delivered
	Unsent      uint64  `json:"unsent"`      // event frames still queued when their connection ended (a provider with replay may send them again)
	Skipped     uint64  `json:"skipped"`     // events the rate asked for that the pump could not make in time
	PumpTicks   uint64  `json:"pumpTicks"`   // times the pump has woken: a test can wait for it to have run
	Queued      int64   `json:"queuedBytes"` // bytes waiting to be written now, all connections
	MaxQueued   int64   `json:"maxQueuedBytes"`
	Paused      bool    `json:"paused"` // generation paused
	Rate        float64 `json:"rate"`   // events per second per stream
	MaxRate     float64 `json:"maxRate"`
	// FrameDelay and Reorder are the fault switches in force.
	FrameDelay time.Duration `json:"frameDelayNs"`
	Reorder    bool          `json:"reorder"`
}

// stats are the cumulative counters, updated without a lock.
type stats struct {
	connections, refused, cut     atomic.Int64
	generated, delivered, dropped atomic.Uint64
	unsent, skipped, ticks        atomic.Uint64
}

// AddGenerated counts n events the provider made (generated, sent on
// request or injected).
func (s *Server) AddGenerated(n int) { s.stats.generated.Add(uint64(n)) }

// AddDropped counts n events the provider's own buffers discarded before
// they were ever delivered (RingCentral: evicted from the recovery buffer
// unread, or lost with an expired session).
func (s *Server) AddDropped(n int) { s.stats.dropped.Add(uint64(n)) }

// AddRefused counts a connection the provider refused (bad or expired
// token).
func (s *Server) AddRefused() { s.stats.refused.Add(1) }

// Counters returns a snapshot of the core's counters.
func (s *Server) Counters() Counters {
	s.mu.Lock()
	open, rate, paused := len(s.conns), s.rate, s.paused
	s.mu.Unlock()
	return Counters{
		Connections: int(s.stats.connections.Load()),
		Open:        open,
		Refused:     int(s.stats.refused.Load()),
		Cut:         int(s.stats.cut.Load()),
		Generated:   s.stats.generated.Load(),
		Delivered:   s.stats.delivered.Load(),
		Dropped:     s.stats.dropped.Load(),
		Unsent:      s.stats.unsent.Load(),
		Skipped:     s.stats.skipped.Load(),
		PumpTicks:   s.stats.ticks.Load(),
		Queued:      s.queued.Load(),
		MaxQueued:   s.cfg.Limits.MaxQueued,
		Paused:      paused,
		Rate:        rate,
		MaxRate:     MaxRate,
		FrameDelay:  time.Duration(s.delay.Load()),
		Reorder:     s.reorder.Load(),
	}
}
