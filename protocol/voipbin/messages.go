package voipbin

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
)

// DefaultServer is production's REST base (A10: voipbin-mcp and the CLI
// default to it, with /v1.0 appended).
const DefaultServer = "https://api.voipbin.net"

// Paths on the server (A0, A1). Login is not under /v1.0.
const (
	PathLogin  = "/auth/login"
	PathSocket = "/v1.0/ws"
)

// Client message types (A3). The server acknowledges neither.
const (
	TypeSubscribe   = "subscribe"
	TypeUnsubscribe = "unsubscribe"
)

// ClientMessage is the only shape the server reads from a client (A3).
type ClientMessage struct {
	Type   string   `json:"type"`
	Topics []string `json:"topics"`
}

// Subscribe encodes a subscribe frame.
func Subscribe(topics []string) []byte { return clientFrame(TypeSubscribe, topics) }

// Unsubscribe encodes an unsubscribe frame.
func Unsubscribe(topics []string) []byte { return clientFrame(TypeUnsubscribe, topics) }

func clientFrame(typ string, topics []string) []byte {
	if topics == nil {
		topics = []string{}
	}
	b, _ := json.Marshal(ClientMessage{Type: typ, Topics: topics}) // strings only: cannot fail
	return b
}

// DecodeClientMessage reads a frame a client sent. ok is false when it
// is not the {type, topics} object (the server logs and ignores such
// frames).
func DecodeClientMessage(data []byte) (m ClientMessage, ok bool) {
	if err := json.Unmarshal(data, &m); err != nil || m.Type == "" {
		return ClientMessage{}, false
	}
	return m, true
}

// LoginRequest is the body of POST /auth/login (A0).
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// LoginResponse is login's 200 answer (A0). Any failure is a bare 400
// with an empty body.
type LoginResponse struct {
	Username string `json:"username"`
	Token    string `json:"token"`
}

// Base normalises a server URL to the REST base evtap uses: no trailing
// slash and no /v1.0 (the CLI and voipbin-mcp take the base with /v1.0;
// login sits outside it).
func Base(server string) (string, error) {
	if server == "" {
		server = DefaultServer
	}
	u, err := url.Parse(strings.TrimSpace(server))
	if err != nil {
		return "", errors.New("server URL: " + err.Error())
	}
	switch u.Scheme {
	case "http", "https":
	case "ws", "wss":
		u.Scheme = "http" + strings.TrimPrefix(u.Scheme, "ws")
	default:
		return "", errors.New("server URL: want http(s)://host[:port], got " + clean(server, 80))
	}
	if u.Host == "" {
		return "", errors.New("server URL: no host in " + clean(server, 80))
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/ws"), "/v1.0")
	u.RawQuery, u.Fragment, u.RawPath = "", "", ""
	return u.String(), nil
}

// SocketURL is the socket endpoint for a REST base from Base (A1): the
// base + /v1.0/ws with http(s) turned into ws(s), and the credential in
// the query: ?token= for a JWT, ?accesskey= for an access key (A2: the
// server parses ?token= only as a JWT).
func SocketURL(base, token, accessKey string) string {
	u := "ws" + strings.TrimPrefix(base, "http") + PathSocket
	q := url.Values{}
	if token != "" {
		q.Set("token", token)
	}
	if accessKey != "" {
		q.Set("accesskey", accessKey)
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}
