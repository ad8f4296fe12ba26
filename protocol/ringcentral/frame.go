package ringcentral

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// MessageType is the meta "type" of a WebSocket frame. Responses to a
// ClientRequest reuse TypeClientRequest; there is no response type.
type MessageType string

// The message types of the WebSocket API.
const (
	TypeConnectionDetails  MessageType = "ConnectionDetails"
	TypeClientRequest      MessageType = "ClientRequest"
	TypeServerNotification MessageType = "ServerNotification"
	TypeHeartbeat          MessageType = "Heartbeat"
	TypeError              MessageType = "Error"
)

// WSC is the session-recovery context the server attaches to frames. A
// client keeps the newest and presents Token as `&wsc=` when it
// reconnects.
type WSC struct {
	Token    string `json:"token"`
	Sequence uint64 `json:"sequence"`
}

// Meta is element 0 of every frame.
type Meta struct {
	Type      MessageType       `json:"type"`
	MessageID string            `json:"messageId,omitempty"`
	Status    int               `json:"status,omitempty"`
	WSC       *WSC              `json:"wsc,omitempty"`
	Headers   map[string]string `json:"headers,omitempty"`
	// ClientRequest fields.
	Method string            `json:"method,omitempty"`
	Path   string            `json:"path,omitempty"`
	Query  map[string]string `json:"query,omitempty"`
}

// Frame is a decoded WebSocket message: its meta and, when present, the
// raw body (element 1). Body is nil for a one-element frame and for an
// explicit null.
type Frame struct {
	Meta Meta
	Body json.RawMessage
}

// ErrNotArray is returned for a frame that is not a JSON array; the API
// never sends one, and the official JS SDK throws on it.
var ErrNotArray = errors.New("frame is not a JSON array")

// Decode parses one text frame. It rejects anything but a one- or
// two-element JSON array whose first element is an object with a type.
func Decode(data []byte) (Frame, error) {
	var parts []json.RawMessage
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return Frame{}, fmt.Errorf("%w: the frame is empty", ErrNotArray)
	}
	if trimmed[0] != '[' {
		return Frame{}, fmt.Errorf("%w: it starts with %q", ErrNotArray, preview(trimmed, 24))
	}
	if err := json.Unmarshal(trimmed, &parts); err != nil {
		return Frame{}, fmt.Errorf("frame is not valid JSON: %w", err)
	}
	if len(parts) < 1 || len(parts) > 2 {
		return Frame{}, fmt.Errorf("frame has %d elements, want 1 or 2", len(parts))
	}
	var f Frame
	if m := bytes.TrimSpace(parts[0]); len(m) == 0 || m[0] != '{' {
		return Frame{}, fmt.Errorf("frame meta (element 0) must be an object, got %q", preview(m, 24))
	}
	if err := json.Unmarshal(parts[0], &f.Meta); err != nil {
		return Frame{}, fmt.Errorf("frame meta: %w", err)
	}
	if f.Meta.Type == "" {
		return Frame{}, errors.New("frame meta has no type")
	}
	if len(parts) == 2 && !bytes.Equal(bytes.TrimSpace(parts[1]), []byte("null")) {
		f.Body = parts[1]
	}
	return f, nil
}

// Encode writes a frame as the API does: [meta] when body is nil, else
// [meta, body]. body may be a json.RawMessage or any value json can encode.
func Encode(meta Meta, body any) ([]byte, error) {
	m, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	if body == nil {
		return append(append([]byte{'['}, m...), ']'), nil
	}
	if raw, ok := body.(json.RawMessage); ok && raw == nil {
		return append(append([]byte{'['}, m...), ']'), nil
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(m)+len(b)+3)
	out = append(out, '[')
	out = append(out, m...)
	out = append(out, ',')
	out = append(out, b...)
	return append(out, ']'), nil
}

// DecodeBody unmarshals the frame's body into v. A missing body is an
// error, because every caller that asks for one needs it.
func (f Frame) DecodeBody(v any) error {
	if f.Body == nil {
		return fmt.Errorf("%s frame has no body", f.Meta.Type)
	}
	return json.Unmarshal(f.Body, v)
}

// preview is the start of b for an error message, cut at max bytes; the
// caller quotes it with %q so nothing in it reaches a terminal raw.
func preview(b []byte, max int) string {
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}
