package dialpad

import "time"

// ControlPrefix is the reserved path prefix of the HTTP control API.
const ControlPrefix = "/_evtap/"

// Counters is a snapshot of what the emulator has done.
type Counters struct {
	Requests      int            `json:"requests"`      // REST requests answered
	Unauthorized  int            `json:"unauthorized"`  // REST requests refused with 401
	RateLimited   int            `json:"rateLimited"`   // REST requests refused with 429
	URLsMinted    int            `json:"urlsMinted"`    // websocket_url tokens issued
	Connections   int            `json:"connections"`   // upgrades accepted, ever
	Open          int            `json:"open"`          // connections open now
	Refused       int            `json:"refused"`       // upgrades refused (bad, expired or orphaned token)
	Expired       int            `json:"expired"`       // connections ended because their time was up
	Events        uint64         `json:"events"`        // events made (generated, sent or injected)
	Routed        uint64         `json:"routed"`        // frames queued on connections
	Delivered     uint64         `json:"delivered"`     // frames written to connections
	Websockets    int            `json:"websockets"`    // websocket entities now
	Subscriptions map[string]int `json:"subscriptions"` // event subscriptions now, by type
	Paused        bool           `json:"paused"`        // generation paused
	Rate          float64        `json:"rate"`          // events generated per second
	Conns         []ConnCounters `json:"conns"`         // connections open now, oldest first
}

// ConnCounters describes one open connection.
type ConnCounters struct {
	ID       string    `json:"id"`
	Scope    string    `json:"scope"` // the token's sub
	Opened   time.Time `json:"opened"`
	Deadline time.Time `json:"deadline"` // when its time is up
	Written  uint64    `json:"written"`  // frames written
	Queued   int       `json:"queued"`   // frames waiting
}
