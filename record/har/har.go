// Package har converts between evtap recordings and HAR files in the
// shape Chrome DevTools exports WebSocket traffic: one entry per
// connection with `_resourceType: "websocket"` and its frames in
// `_webSocketMessages` ({type: send|receive, time: epoch seconds, opcode,
// data}), and the REST exchanges beside the socket (http frames) as
// ordinary entries of their own.
//
// It knows no provider: import recognises one through the Matchers the
// caller passes (the registry supplies them) and runs that provider's
// decoder over the frames, as a replay does.
package har

import (
	"time"
)

// File is the part of a HAR 1.2 file evtap reads and writes.
type File struct {
	Log Log `json:"log"`
}

// Log is a HAR log.
type Log struct {
	Version string  `json:"version"`
	Creator Creator `json:"creator"`
	Pages   []any   `json:"pages"`
	Entries []Entry `json:"entries"`
	// Provider is the provider of the recording evtap exported (its own
	// field): an import decodes with it even where neither the URLs
	// (placeholders, a loopback emulator) nor a socket (a long-poll)
	// would say which it was.
	Provider string `json:"_provider,omitempty"`
}

// Creator names the program that wrote the file.
type Creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Entry is one request; for a WebSocket, its upgrade and every frame.
type Entry struct {
	StartedDateTime string           `json:"startedDateTime"`
	Time            float64          `json:"time"` // milliseconds
	Request         Request          `json:"request"`
	Response        Response         `json:"response"`
	Cache           struct{}         `json:"cache"`
	Timings         Timings          `json:"timings"`
	ResourceType    string           `json:"_resourceType,omitempty"`
	Messages        []WebSocketFrame `json:"_webSocketMessages,omitempty"`
	// Error is why a REST request got no answer (evtap's own field).
	Error string `json:"_error,omitempty"`
}

// Request is a HAR request.
type Request struct {
	Method      string    `json:"method"`
	URL         string    `json:"url"`
	HTTPVersion string    `json:"httpVersion"`
	Headers     []Header  `json:"headers"`
	QueryString []Header  `json:"queryString"`
	Cookies     []any     `json:"cookies"`
	HeadersSize int       `json:"headersSize"`
	BodySize    int       `json:"bodySize"`
	PostData    *PostData `json:"postData,omitempty"`
}

// PostData is a request's body.
type PostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

// Response is a HAR response: 101 for an upgrade.
type Response struct {
	Status      int      `json:"status"`
	StatusText  string   `json:"statusText"`
	HTTPVersion string   `json:"httpVersion"`
	Headers     []Header `json:"headers"`
	Cookies     []any    `json:"cookies"`
	Content     Content  `json:"content"`
	RedirectURL string   `json:"redirectURL"`
	HeadersSize int      `json:"headersSize"`
	BodySize    int      `json:"bodySize"`
}

// Header is a name/value pair (also used for query strings).
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Content describes a response body.
type Content struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

// Timings are HAR timings; -1 means not applicable.
type Timings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
	SSL     float64 `json:"ssl"`
}

// WebSocketFrame is one message as Chrome writes it: data is the text,
// or base64 for a binary frame.
type WebSocketFrame struct {
	Type   string  `json:"type"` // "send" or "receive"
	Time   float64 `json:"time"` // seconds since the epoch
	Opcode int     `json:"opcode"`
	Data   string  `json:"data"`
	// Size is the payload's length on the wire, evtap's own field (HAR
	// leaves names with a leading underscore to tools): Data may be
	// shorter or longer once secrets are masked, and is base64 for a
	// binary message. 0 when absent (Chrome's export).
	Size int `json:"_size,omitempty"`
}

// WebSocket opcodes (RFC 6455). Chrome records text and binary; evtap
// also writes close, ping and pong, which it shows.
const (
	opText   = 1
	opBinary = 2
	opClose  = 8
	opPing   = 9
	opPong   = 10
)

// resourceREST is the _resourceType of a REST exchange evtap exports, as
// DevTools calls a fetch().
const resourceREST = "fetch"

func epoch(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

func fromEpoch(s float64) time.Time {
	sec := int64(s)
	return time.Unix(sec, int64((s-float64(sec))*1e9)).UTC()
}
