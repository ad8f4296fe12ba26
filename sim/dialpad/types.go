package dialpad

import (
	"time"

	"github.com/evtap/evtap/sim/emu"
)

// ControlPrefix is the reserved path prefix of the HTTP control API.
const ControlPrefix = emu.ControlPrefix

// Counters is a snapshot of what the emulator has done: the core's
// counters (connections, open, refused, generated, delivered, unsent,
// …) and Dialpad's.
type Counters struct {
	emu.Counters
	stats
	Websockets    int            `json:"websockets"`    // websocket entities now
	Subscriptions map[string]int `json:"subscriptions"` // event subscriptions now, by type
	Conns         []ConnCounters `json:"conns"`         // connections open now, oldest first
}

// stats are Dialpad's cumulative counters, guarded by Server.mu.
type stats struct {
	Requests     int    `json:"requests"`     // REST requests answered
	Unauthorized int    `json:"unauthorized"` // REST requests refused with 401
	RateLimited  int    `json:"rateLimited"`  // REST requests refused with 429
	URLsMinted   int    `json:"urlsMinted"`   // websocket_url tokens issued
	Expired      int    `json:"expired"`      // connections ended because their time was up
	Routed       uint64 `json:"routed"`       // event frames queued on connections
}

// ConnCounters describes one open connection.
type ConnCounters struct {
	ID       string    `json:"id"`
	Scope    string    `json:"scope"` // the token's sub
	Opened   time.Time `json:"opened"`
	Deadline time.Time `json:"deadline"` // when its time is up
	Written  uint64    `json:"written"`  // event frames written
	Queued   int       `json:"queued"`   // frames waiting
}
