package voipbin

import (
	"encoding/json"

	"github.com/evtap/evtap/sim/emu"
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

// Counters is a snapshot of what the emulator has done: the core's
// counters (connections, refused, generated, delivered, dropped, …; see
// emu.Counters) and VoIPBin's own. One event becomes as many frames as
// topic strings it matches, so delivered and dropped count frames while
// generated counts events (generated, sent and injected).
type Counters struct {
	emu.Counters
	Logins        int            `json:"logins"`        // successful POST /auth/login
	LoginsFailed  int            `json:"loginsFailed"`  // logins answered 400
	Injected      uint64         `json:"injected"`      // events published through Inject
	Published     uint64         `json:"published"`     // events published (each under several topic strings)
	BadTopicDrops int            `json:"badTopicDrops"` // connections dropped (no close frame) for a bad topic
	BinaryCloses  int            `json:"binaryCloses"`  // connections ended for sending a binary frame
	PongTimeouts  int            `json:"pongTimeouts"`  // connections dropped for not answering pings
	Conns         []ConnCounters `json:"conns"`         // open connections, in the order they opened
	Wrapped       bool           `json:"wrapped"`       // frames are {"type","data"}
}

// ConnCounters describes one open connection.
type ConnCounters struct {
	ID        string   `json:"id"`       // c1, c2, … in order of connection
	As        string   `json:"as"`       // agent, accesskey or direct
	Who       string   `json:"who"`      // the agent's username, "access key" or "direct token"
	Topics    []string `json:"topics"`   // subscribed prefixes
	Buffered  int64    `json:"buffered"` // event frames in its buffer, not yet written
	Delivered uint64   `json:"delivered"`
	Dropped   uint64   `json:"dropped"` // event frames dropped because the buffer was full
}
