package voipbin

import (
	"encoding/json"
	"time"
)

// Injection is an event to publish as given: Type is the event type
// (call_hangup, queuecall_waiting, …; it decides the topic strings and,
// in wrapped mode, the frame's type) and Data the resource JSON, sent
// verbatim. Topics are built from Data's id, customer_id and owner_id
// (and aicall_id, chat_id, participant_ids, session_id for the special
// cases); a Data without customer_id counts as the demo customer's.
// It is shaped like a wrapped frame, so one can be pasted as the other.
type Injection struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// Counters is a snapshot of what the emulator has done.
type Counters struct {
	Connections   int            `json:"connections"`   // upgrades accepted, ever
	Open          int            `json:"open"`          // connections open now
	Refused       int            `json:"refused"`       // upgrades refused with 401
	Logins        int            `json:"logins"`        // successful POST /auth/login
	LoginsFailed  int            `json:"loginsFailed"`  // logins answered 400
	Generated     uint64         `json:"generated"`     // events the generator made
	Injected      uint64         `json:"injected"`      // events published through Inject
	Published     uint64         `json:"published"`     // events published (each under several topic strings)
	Delivered     uint64         `json:"delivered"`     // frames written to a socket
	Dropped       uint64         `json:"dropped"`       // frames dropped because a connection's buffer was full
	BadTopicDrops int            `json:"badTopicDrops"` // connections dropped (no close frame) for a bad topic
	BinaryCloses  int            `json:"binaryCloses"`  // connections closed for sending a binary frame
	PongTimeouts  int            `json:"pongTimeouts"`  // connections dropped for not answering pings
	Conns         []ConnCounters `json:"conns"`         // open connections, in the order they opened
	Paused        bool           `json:"paused"`        // generation paused
	Rate          float64        `json:"rate"`          // generated events per second
	Wrapped       bool           `json:"wrapped"`       // frames are {"type","data"}
	FrameDelay    time.Duration  `json:"frameDelayNs"`  // delay before each frame written
}

// ConnCounters describes one open connection.
type ConnCounters struct {
	ID        string   `json:"id"`     // c1, c2, … in order of connection
	As        string   `json:"as"`     // agent, accesskey or direct
	Who       string   `json:"who"`    // the agent's username, "access key" or "direct token"
	Topics    []string `json:"topics"` // subscribed prefixes
	Queued    int      `json:"queued"` // frames waiting in the buffer
	Delivered uint64   `json:"delivered"`
	Dropped   uint64   `json:"dropped"`
	Pings     uint64   `json:"pings"` // pings sent
	Pongs     uint64   `json:"pongs"` // pongs received
}
