package pubnub

import (
	"strconv"
)

// stats are the cumulative counters. Guarded by the service's lock.
type stats struct {
	subscribes, handshakes, answered, holdExpired, resets  uint64
	times, heartbeats, leaves                              uint64
	published, deliveries, evicted, expired, lost, trimmed uint64
	refused                                                map[int]uint64
}

// Counters is a snapshot of what the service has seen and done, and the
// fault switches in force.
type Counters struct {
	HoldSeconds     float64           `json:"holdSeconds"`     // how long an empty long-poll is held
	QueueSize       int               `json:"queueSize"`       // messages kept per channel
	QueueTTLSeconds float64           `json:"queueTtlSeconds"` // how long a message is kept
	Subscribes      uint64            `json:"subscribes"`      // subscribe requests, handshakes included
	Handshakes      uint64            `json:"handshakes"`      // subscribes with no tt, tt=0 or tt=
	Held            int               `json:"held"`            // long-polls held now
	Answered        uint64            `json:"answered"`        // subscribe answers that carried messages
	HoldExpired     uint64            `json:"holdExpired"`     // long-polls answered m:[] at the end of the hold
	Reset           uint64            `json:"reset"`           // requests and held polls cut with a TCP reset
	Refused         map[string]uint64 `json:"refused"`         // subscribes answered with an error, by status
	TimeRequests    uint64            `json:"timeRequests"`    // GET /time/0
	Heartbeats      uint64            `json:"heartbeats"`      // presence heartbeats
	Leaves          uint64            `json:"leaves"`          // presence leaves
	Published       uint64            `json:"published"`       // messages published
	Deliveries      uint64            `json:"deliveries"`      // messages written in subscribe answers (a re-fetch counts again)
	Evicted         uint64            `json:"evicted"`         // messages pushed out of a full queue
	Expired         uint64            `json:"expired"`         // messages older than the queue's age limit
	Lost            uint64            `json:"lost"`            // evicted or expired before any answer carried them
	Trimmed         uint64            `json:"trimmed"`         // messages left out of a multi-channel answer by the shared 100
	Channels        int               `json:"channels"`        // channels with messages or waiting polls
	Queued          int               `json:"queued"`          // messages queued now, all channels
	Timetoken       string            `json:"timetoken"`       // the newest timetoken handed out
	Outage          bool              `json:"outage"`          // every request is being reset
	RefuseSubscribe int               `json:"refuseSubscribe"` // status every subscribe answers (0: none)
	StallTime       bool              `json:"stallTime"`       // /time/0 held
	OmitContentType bool              `json:"omitContentType"` // answers without Content-Type
}

// Counters returns a snapshot.
func (p *Service) Counters() Counters {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := Counters{
		HoldSeconds: p.cfg.Hold.Seconds(), QueueSize: p.cfg.QueueSize, QueueTTLSeconds: p.cfg.QueueTTL.Seconds(),
		Subscribes: p.stats.subscribes, Handshakes: p.stats.handshakes, Held: len(p.polls),
		Answered: p.stats.answered, HoldExpired: p.stats.holdExpired, Reset: p.stats.resets,
		Refused:      map[string]uint64{},
		TimeRequests: p.stats.times, Heartbeats: p.stats.heartbeats, Leaves: p.stats.leaves,
		Published: p.stats.published, Deliveries: p.stats.deliveries, Evicted: p.stats.evicted,
		Expired: p.stats.expired, Lost: p.stats.lost, Trimmed: p.stats.trimmed,
		Channels: len(p.channels), Timetoken: p.clock.last.String(),
		Outage: p.inOutage(), RefuseSubscribe: p.faults.refuse, StallTime: p.faults.stall != nil,
		OmitContentType: p.faults.omitCT,
	}
	for status, n := range p.stats.refused {
		c.Refused[strconv.Itoa(status)] = n
	}
	for _, ch := range p.channels {
		c.Queued += len(ch.msgs)
	}
	return c
}
