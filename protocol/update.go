package protocol

import (
	"encoding/json"
	"math"
	"strconv"
	"time"
)

// Kind names what an Update carries. Exactly one of Update's payload
// pointers is set, the one its Kind names.
type Kind string

// The kinds of Update. Their string values are part of the recording
// format and of headless output: never rename one.
const (
	KindRecv         Kind = "recv"         // a raw frame received (Frame)
	KindSent         Kind = "sent"         // a raw frame sent (Frame)
	KindState        Kind = "state"        // the connection moved (State)
	KindEvent        Kind = "event"        // a decoded notification (Event)
	KindSubscription Kind = "subscription" // what the server said of a subscription (Subscription)
	KindGap          Kind = "gap"          // notifications known to be missed (Gap)
	KindHeartbeat    Kind = "heartbeat"    // a keepalive round trip completed (Heartbeat)
	KindMarker       Kind = "marker"       // a label the operator dropped in (Marker)
	KindError        Kind = "error"        // something went wrong; the session goes on (Error)
)

// Update is one thing that happened in a session. It is the unit of the
// data flow: the session publishes Updates, the recorder writes them one
// JSON object per line, headless mode prints the same lines, the UI draws
// them and replay reads them back.
type Update struct {
	Time   time.Time `json:"t"`              // wall-clock time it happened
	Offset Offset    `json:"off"`            // monotonic time since the session started
	Kind   Kind      `json:"kind"`           // which payload is set
	Conn   int       `json:"conn,omitempty"` // connection number (1 = first dial) it concerns

	Frame        *Frame        `json:"frame,omitempty"`
	State        *State        `json:"state,omitempty"`
	Event        *Event        `json:"event,omitempty"`
	Subscription *Subscription `json:"subscription,omitempty"`
	Gap          *Gap          `json:"gap,omitempty"`
	Heartbeat    *Heartbeat    `json:"heartbeat,omitempty"`
	Marker       *Marker       `json:"marker,omitempty"`
	Error        *Error        `json:"error,omitempty"`
}

// Offset is a duration since the start of a session. In JSON it is a
// number of seconds with microsecond precision, as asciinema writes it, so
// that `jq` users can do arithmetic on it.
type Offset time.Duration

// MarshalJSON writes the offset as seconds.
func (o Offset) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, time.Duration(o).Seconds(), 'f', 6, 64), nil
}

// UnmarshalJSON reads seconds back.
func (o *Offset) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	// Round, not truncate: 16.002 is 16.001999… in binary, and a
	// truncated read would not write back the same line.
	*o = Offset(time.Duration(math.Round(f*1e6)) * time.Microsecond)
	return nil
}

// Duration returns the offset as a time.Duration.
func (o Offset) Duration() time.Duration { return time.Duration(o) }

// Opcode is a WebSocket frame type, or "http" for a REST exchange that a
// provider uses alongside its socket.
type Opcode string

// Frame opcodes.
const (
	OpText   Opcode = "text"
	OpBinary Opcode = "binary"
	OpPing   Opcode = "ping"
	OpPong   Opcode = "pong"
	OpClose  Opcode = "close"
	OpHTTP   Opcode = "http"
)

// Frame is one raw message on the wire, kept verbatim so that a replay can
// run the real decoder again and a replay server can send the same bytes.
type Frame struct {
	Op   Opcode `json:"op"`
	Data string `json:"data,omitempty"` // the payload exactly as sent; base64 when Enc says so
	Enc  string `json:"enc,omitempty"`  // "" for text, "base64" for binary payloads
	Size int    `json:"size"`           // payload length in bytes on the wire
	// Type is the provider's name for the message ("ServerNotification",
	// "Heartbeat", …) when it could be read; a display hint only.
	Type string `json:"type,omitempty"`
}

// Event is one decoded notification: what the developer is debugging.
type Event struct {
	Provider string `json:"provider"`
	ID       string `json:"id,omitempty"`   // the provider's event id (uuid)
	Name     string `json:"name,omitempty"` // the provider's event name or path
	// Label and Summary are the provider's pure summary of the event into
	// row cells: a short kind ("SMS in", "presence") and its key fields.
	Label     string `json:"label"`
	Summary   string `json:"summary,omitempty"`
	Seq       uint64 `json:"seq,omitempty"`      // provider sequence number, when it has one
	Replayed  bool   `json:"replayed,omitempty"` // delivered late by session recovery
	Duplicate bool   `json:"duplicate,omitempty"`
	// Late says the notification arrived after the gap it falls in was
	// reported: it was not lost, and the gap's count is one too high.
	Late         bool      `json:"late,omitempty"`
	Subscription string    `json:"subscription_id,omitempty"`
	Timestamp    time.Time `json:"ts,omitzero"` // the event's own timestamp
	// Seal is what the provider's signing or encryption said of this
	// payload; nil when it came plain and nothing else was expected.
	Seal *Seal `json:"seal,omitempty"`
	// Body is the whole notification as the provider sent it.
	Body json.RawMessage `json:"body"`
}

// Seal is the verdict on a signed or encrypted payload.
type Seal struct {
	Via     string `json:"via"`               // "HS256 JWT", "AES-128-ECB", …
	OK      bool   `json:"ok"`                // verified or decrypted
	Problem string `json:"problem,omitempty"` // why not: "bad signature", "unsigned", "wrong key", …
	// SecretMissing says the secret the verdict needs is not in what was
	// decoded — redacted from the recording being replayed, or given
	// before the recording began (one started halfway with R): the
	// recorded derivation of the event, made live with the secret,
	// stands instead (replay.Player).
	SecretMissing bool `json:"secret_missing,omitempty"`
}

// Gap says notifications were lost, or may have been. From and To are
// inclusive sequence numbers when known; Missed is how many, or 0 when
// nobody can know. A protocol that cannot count (no sequence numbers, no
// resume token) reports an outage window instead: Start and End bound the
// time in which events may have been lost.
type Gap struct {
	From   uint64    `json:"from,omitempty"`
	To     uint64    `json:"to,omitempty"`
	Missed int       `json:"missed,omitempty"`
	Start  time.Time `json:"start,omitzero"`
	End    time.Time `json:"end,omitzero"`
	Reason string    `json:"reason"`
}

// Heartbeat reports one completed keepalive round trip.
type Heartbeat struct {
	Via string `json:"via"`    // "ping" for WebSocket ping/pong, "message" for a provider heartbeat frame
	RTT Millis `json:"rtt_ms"` // round-trip time
}

// Marker is a label the operator placed in the stream ("here the customer
// called").
type Marker struct {
	Label string `json:"label"`
}

// Error is a problem that did not end the session: a frame that could not
// be decoded, a request the server refused, a command that failed.
type Error struct {
	Where   string `json:"where"` // "decode", "token", "subscribe", "command", …
	Message string `json:"message"`
}

// Millis is a duration written in JSON as whole or fractional milliseconds.
type Millis time.Duration

// MarshalJSON writes the duration as milliseconds.
func (m Millis) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(m)/float64(time.Millisecond), 'f', -1, 64), nil
}

// UnmarshalJSON reads milliseconds back.
func (m *Millis) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*m = Millis(time.Duration(math.Round(f * float64(time.Millisecond))))
	return nil
}

// Duration returns m as a time.Duration.
func (m Millis) Duration() time.Duration { return time.Duration(m) }
