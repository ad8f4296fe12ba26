package ringcentral

import (
	"encoding/json"

	"github.com/evtap/evtap/sim/emu"
)

// Injection is a notification to deliver as given, whatever the
// subscription's filters: Event is the concrete event path and Body the
// notification body. The emulator adds uuid, timestamp, subscriptionId,
// ownerId and the wsc sequence.
type Injection struct {
	Event string          `json:"event"`
	Body  json.RawMessage `json:"body"`
}

// Counters is a snapshot of what the emulator has done: the core's
// counters (connections, generated, delivered, dropped, ...; see
// emu.Counters) and RingCentral's own.
type Counters struct {
	emu.Counters
	Recoveries   RecoveryCounters  `json:"recoveries"`   // wsc presented, by outcome
	TokensIssued int               `json:"tokensIssued"` // OAuth access tokens
	WSTokens     int               `json:"wsTokens"`     // ws_access_tokens
	Sessions     []SessionCounters `json:"sessions"`     // sessions alive now (live or recoverable)
	PubNub       *PushCounters     `json:"pubnub"`       // REST subscriptions over PubNub, and the PubNub service
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
