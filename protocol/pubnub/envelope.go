package pubnub

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// Response is a v2 subscribe answer: the cursor for the next poll and
// the messages newer than the tt sent, oldest first.
//
//	{"t":{"t":"17959736021530002","r":12},"m":[{…},…]}
type Response struct {
	Cursor   Cursor    `json:"t"`
	Messages []Message `json:"m"`
}

// Message is one envelope of a subscribe answer, as PubNub's clients
// read it (PN4 core/endpoints/subscribe.js). Publish (p) is required:
// the clients dereference p.t. Everything else is optional.
type Message struct {
	Shard   string          // a
	Flags   int             // f
	Issuer  string          // i: the publisher's uuid
	Publish Cursor          // p: the publish timetoken
	SubKey  string          // k
	Channel string          // c
	Match   string          // b: the subscription that matched; "" when absent
	Payload json.RawMessage // d: a base64 string when encrypted, else the notification object
	Type    int             // e: 0 message, 1 signal, 2 objects, 3 message action, 4 file
	Meta    json.RawMessage // u: user metadata, when sent
	// Raw is the whole envelope as it came, for showing one that could
	// not be read.
	Raw json.RawMessage
}

// Message types (the envelope's e).
const (
	TypeMessage = 0
	TypeSignal  = 1
	TypeObjects = 2
	TypeAction  = 3
	TypeFile    = 4
)

// TypeName names a message type for a person.
func TypeName(e int) string {
	switch e {
	case TypeMessage:
		return "message"
	case TypeSignal:
		return "signal"
	case TypeObjects:
		return "objects"
	case TypeAction:
		return "message action"
	case TypeFile:
		return "file"
	}
	return "type " + strconv.Itoa(e)
}

// PresenceSuffix ends the name of a channel's presence companion; the
// clients treat a message on such a channel as a presence event.
const PresenceSuffix = "-pnpres"

// IsPresence reports whether m came on a presence channel.
func (m *Message) IsPresence() bool { return strings.HasSuffix(m.Channel, PresenceSuffix) }

// For reports whether m is meant for a subscriber of channel: its b (or,
// without b, its c) names it, the check PubNub 8 and later make before
// handing a message on.
func (m *Message) For(channel string) bool {
	if m.Match != "" {
		return m.Match == channel
	}
	return m.Channel == channel
}

// wireMessage is Message as JSON, loose where servers differ: a shard or
// flags written as a number or a string.
type wireMessage struct {
	A json.RawMessage `json:"a"`
	F json.RawMessage `json:"f"`
	I json.RawMessage `json:"i"`
	P *Cursor         `json:"p"`
	K json.RawMessage `json:"k"`
	C json.RawMessage `json:"c"`
	B json.RawMessage `json:"b"`
	D json.RawMessage `json:"d"`
	E json.RawMessage `json:"e"`
	U json.RawMessage `json:"u"`
}

// UnmarshalJSON reads one envelope. A missing p is an error, as it is
// for the clients.
func (m *Message) UnmarshalJSON(b []byte) error {
	var w wireMessage
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if w.P == nil {
		return errors.New("envelope without p (the publish timetoken every client reads)")
	}
	*m = Message{
		Shard: looseString(w.A), Issuer: looseString(w.I), Publish: *w.P, SubKey: looseString(w.K),
		Channel: looseString(w.C), Match: looseString(w.B), Payload: w.D, Meta: w.U,
		Raw: append(json.RawMessage(nil), b...),
	}
	m.Flags, _ = looseInt(w.F)
	m.Type, _ = looseInt(w.E)
	return nil
}

// MarshalJSON writes the envelope in PubNub's field names.
func (m Message) MarshalJSON() ([]byte, error) {
	w := struct {
		A string          `json:"a"`
		F int             `json:"f"`
		I string          `json:"i,omitempty"`
		P Cursor          `json:"p"`
		K string          `json:"k"`
		C string          `json:"c"`
		B string          `json:"b,omitempty"`
		D json.RawMessage `json:"d,omitempty"`
		E int             `json:"e,omitempty"`
		U json.RawMessage `json:"u,omitempty"`
	}{m.Shard, m.Flags, m.Issuer, m.Publish, m.SubKey, m.Channel, m.Match, m.Payload, m.Type, m.Meta}
	return json.Marshal(w)
}

// looseString reads a JSON string, or the text of a number or literal.
func looseString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// looseInt reads a JSON number or a string of digits.
func looseInt(raw json.RawMessage) (int, bool) {
	s := looseString(raw)
	if s == "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// ParseResponse reads a subscribe answer. The body must be a JSON object
// with a t cursor; m may be missing or null (no messages). An envelope
// that cannot be read fails the whole answer: a client cannot tell how
// far it got, so its cursor must not move.
func ParseResponse(body []byte) (Response, error) {
	var w struct {
		T *Cursor   `json:"t"`
		M []Message `json:"m"`
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Response{}, errors.New("not a JSON object")
	}
	if err := json.Unmarshal(trimmed, &w); err != nil {
		return Response{}, err
	}
	if w.T == nil {
		return Response{}, errors.New("no t (the cursor)")
	}
	return Response{Cursor: *w.T, Messages: w.M}, nil
}

// ParseTimeAnswer reads the answer to GET /time/0: a JSON array holding
// one timetoken, [17959736056780004].
func ParseTimeAnswer(body []byte) (Timetoken, error) {
	var arr []json.RawMessage
	if err := json.Unmarshal(body, &arr); err != nil {
		return 0, errors.New("time: not a JSON array: " + err.Error())
	}
	if len(arr) != 1 {
		return 0, errors.New("time: want one timetoken, got " + strconv.Itoa(len(arr)) + " values")
	}
	var t Timetoken
	if err := t.UnmarshalJSON(arr[0]); err != nil {
		return 0, err
	}
	return t, nil
}
