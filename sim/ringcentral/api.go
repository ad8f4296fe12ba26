package ringcentral

import (
	"encoding/json"
	"time"
)

// Injection is a notification to deliver as given, whatever the
// subscription's filters: Event is the concrete event path and Body the
// notification body. The emulator adds uuid, timestamp, subscriptionId,
// ownerId and the wsc sequence.
type Injection struct {
	Event string          `json:"event"`
	Body  json.RawMessage `json:"body"`
}

// Counters is a snapshot of what the emulator has done.
type Counters struct {
	Connections  int               `json:"connections"`  // upgrades accepted, ever
	Open         int               `json:"open"`         // connections open now
	Refused      int               `json:"refused"`      // upgrades refused (bad or expired token)
	Recoveries   RecoveryCounters  `json:"recoveries"`   // wsc presented, by outcome
	Generated    uint64            `json:"generated"`    // notifications created, all sessions ever
	Delivered    uint64            `json:"delivered"`    // notifications written to a socket, ever
	TokensIssued int               `json:"tokensIssued"` // OAuth access tokens
	WSTokens     int               `json:"wsTokens"`     // ws_access_tokens
	Sessions     []SessionCounters `json:"sessions"`     // sessions alive now (live or recoverable)
	Paused       bool              `json:"paused"`       // generation paused
	Rate         float64           `json:"rate"`         // notifications/s per subscription
	FrameDelay   time.Duration     `json:"frameDelayNs"` // delay before each frame written
	Reorder      bool              `json:"reorder"`      // adjacent notifications swapped
}

// RecoveryCounters counts recovery attempts by outcome.
type RecoveryCounters struct {
	Successful int `json:"successful"`
	Failed     int `json:"failed"`
	Malformed  int `json:"malformed"` // wsc rejected with WSG-400
}

// SessionCounters describes one WebSocket session (the thing a wsc token
// recovers).
type SessionCounters struct {
	ID             string   `json:"id"`
	Conn           string   `json:"conn,omitempty"` // current connection id; empty while lost
	Sequence       uint64   `json:"sequence"`       // last wsc sequence used
	SubscriptionID string   `json:"subscriptionId,omitempty"`
	EventFilters   []string `json:"eventFilters,omitempty"`
	Generated      uint64   `json:"generated"`
	Delivered      uint64   `json:"delivered"`
	Buffered       int      `json:"buffered"`
}

// ControlPrefix is the reserved path prefix of the HTTP control API.
const ControlPrefix = "/_evtap/"
