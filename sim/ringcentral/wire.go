package ringcentral

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// The emulator's own reading of the RingCentral wire format
// (shared/protocols/ringcentral.md §1-§2). It does not import evtap's
// client packages: if the emulator and the client were built from the
// same code, both could be wrong the same way and every test would pass.

// msgType is the meta "type" of a frame. Answers to a ClientRequest
// reuse typeClientRequest; there is no response type (§2.3).
type msgType string

const (
	typeConnectionDetails  msgType = "ConnectionDetails"
	typeClientRequest      msgType = "ClientRequest"
	typeServerNotification msgType = "ServerNotification"
	typeHeartbeat          msgType = "Heartbeat"
	typeError              msgType = "Error"
)

// wscRef is the session-recovery context on a frame (§2.9).
type wscRef struct {
	Token    string `json:"token"`
	Sequence uint64 `json:"sequence"`
}

// meta is element 0 of every frame (§2.3). Query, which @rc-ex/ws sends
// with values of any JSON type, is read as raw JSON and never used.
type meta struct {
	Type      msgType           `json:"type"`
	MessageID string            `json:"messageId,omitempty"`
	Status    int               `json:"status,omitempty"`
	WSC       *wscRef           `json:"wsc,omitempty"`
	Headers   map[string]string `json:"headers,omitempty"`
	Method    string            `json:"method,omitempty"`
	Path      string            `json:"path,omitempty"`
	Query     json.RawMessage   `json:"query,omitempty"`
}

// frame is one decoded frame: meta and the raw body (nil when the frame
// has one element or a null body).
type frame struct {
	Meta meta
	Body json.RawMessage
}

// decodeFrame reads a frame: a JSON array of one or two elements whose
// first is an object with a type (§2.3, §7.6).
func decodeFrame(data []byte) (frame, error) {
	var f frame
	t := bytes.TrimSpace(data)
	if len(t) == 0 || t[0] != '[' {
		return f, errors.New("a frame must be a JSON array [meta, body?]")
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(t, &parts); err != nil {
		return f, fmt.Errorf("the frame is not valid JSON: %v", err)
	}
	if len(parts) < 1 || len(parts) > 2 {
		return f, fmt.Errorf("the frame has %d elements, want 1 or 2", len(parts))
	}
	if m := bytes.TrimSpace(parts[0]); len(m) == 0 || m[0] != '{' {
		return f, errors.New("element 0 (meta) must be an object")
	}
	if err := json.Unmarshal(parts[0], &f.Meta); err != nil {
		return f, fmt.Errorf("meta: %v", err)
	}
	if f.Meta.Type == "" {
		return f, errors.New("meta has no type")
	}
	if len(parts) == 2 && !bytes.Equal(bytes.TrimSpace(parts[1]), []byte("null")) {
		f.Body = parts[1]
	}
	return f, nil
}

// encodeFrame writes [meta] when body is nil, else [meta, body].
func encodeFrame(m meta, body any) []byte {
	mb, _ := json.Marshal(m)
	if body == nil {
		return append(append([]byte{'['}, mb...), ']')
	}
	bb, _ := json.Marshal(body)
	out := make([]byte, 0, len(mb)+len(bb)+3)
	out = append(out, '[')
	out = append(out, mb...)
	out = append(out, ',')
	out = append(out, bb...)
	return append(out, ']')
}

// decodeBody reads the frame's body into v; a missing body is an error.
func (f frame) decodeBody(v any) error {
	if f.Body == nil {
		return fmt.Errorf("%s frame has no body", f.Meta.Type)
	}
	return json.Unmarshal(f.Body, v)
}

// connDetails is the body of ConnectionDetails (§2.4).
type connDetails struct {
	CreationTime             string `json:"creationTime"`
	MaxConnectionsPerSession int    `json:"maxConnectionsPerSession"`
	RecoveryBufferSize       int    `json:"recoveryBufferSize"`
	RecoveryTimeout          int    `json:"recoveryTimeout"`
	IdleTimeout              int    `json:"idleTimeout"`
	AbsoluteTimeout          int    `json:"absoluteTimeout"`
	MaxActiveRequests        int    `json:"maxActiveRequests"`
	RecoveryState            string `json:"recoveryState,omitempty"`
	RecoveryErrorCode        string `json:"recoveryErrorCode,omitempty"`
}

// detailsTimeLayout is how creationTime is written in ConnectionDetails
// ("2020-09-07T21:50:02.737+0000").
const detailsTimeLayout = "2006-01-02T15:04:05.000-0700"

// Recovery outcomes (§2.9).
const (
	recoverySuccessful = "Successful"
	recoveryFailed     = "Failed"
)

// WSG error codes (§2.9).
const (
	wsgBadContext      = "WSG-400"  // malformed wsc token
	wsgIdleTimeout     = "WSG-902"  // no frame from the client for idleTimeout
	wsgAbsoluteTimeout = "WSG-903"  // the connection is absoluteTimeout old
	wsgOtherSession    = "WSG-1003" // the wsc belongs to another OAuth session
	wsgNoSubscription  = "WSG-1005" // nothing to recover
)

// errBody is an Error frame's body and a failed REST answer, in the RC
// REST error format (§2.5).
type errBody struct {
	ErrorCode string      `json:"errorCode"`
	Message   string      `json:"message"`
	Errors    []errDetail `json:"errors,omitempty"`
}

// errDetail is one entry of errBody.Errors.
type errDetail struct {
	ErrorCode string `json:"errorCode"`
	Message   string `json:"message"`
	Parameter string `json:"parameterName,omitempty"`
}

// REST paths (§1, §2.1, §2.6).
const (
	pathToken        = "/restapi/oauth/token"
	pathRevoke       = "/restapi/oauth/revoke"
	pathWSToken      = "/restapi/oauth/wstoken"
	pathSubscription = "/restapi/v1.0/subscription"
)

// Grant types of POST /restapi/oauth/token (§1).
const (
	grantJWT      = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	grantPassword = "password"
	grantRefresh  = "refresh_token"
)

// tokenResponse answers POST /restapi/oauth/token (§1).
type tokenResponse struct {
	AccessToken           string `json:"access_token"`
	TokenType             string `json:"token_type"`
	ExpiresIn             int    `json:"expires_in"`
	RefreshToken          string `json:"refresh_token"`
	RefreshTokenExpiresIn int    `json:"refresh_token_expires_in"`
	Scope                 string `json:"scope"`
	OwnerID               string `json:"owner_id"`
	EndpointID            string `json:"endpoint_id,omitempty"`
}

// wsTokenResponse answers POST /restapi/oauth/wstoken (§2.1).
type wsTokenResponse struct {
	URI           string `json:"uri"`
	WSAccessToken string `json:"ws_access_token"`
	ExpiresIn     int    `json:"expires_in"`
}

// transportWebSocket is the delivery mode of a WebSocket subscription.
const transportWebSocket = "WebSocket"

// deliveryMode says how a subscription's notifications travel.
type deliveryMode struct {
	TransportType string `json:"transportType"`
	Encryption    *bool  `json:"encryption,omitempty"`
}

// subscriptionRequest is the body of POST and PUT .../subscription.
type subscriptionRequest struct {
	EventFilters []string     `json:"eventFilters"`
	DeliveryMode deliveryMode `json:"deliveryMode"`
	ExpiresIn    int          `json:"expiresIn,omitempty"`
}

// subscriptionInfo is the server's description of a subscription (§2.5).
type subscriptionInfo struct {
	URI            string       `json:"uri"`
	ID             string       `json:"id"`
	CreationTime   string       `json:"creationTime"`
	Status         string       `json:"status"`
	EventFilters   []string     `json:"eventFilters"`
	ExpirationTime string       `json:"expirationTime"`
	ExpiresIn      int          `json:"expiresIn"`
	DeliveryMode   deliveryMode `json:"deliveryMode"`
}

// notification is the body of a ServerNotification (§2.7).
type notification struct {
	UUID           string          `json:"uuid"`
	Event          string          `json:"event"`
	Timestamp      string          `json:"timestamp"`
	SubscriptionID string          `json:"subscriptionId"`
	OwnerID        string          `json:"ownerId,omitempty"`
	Body           json.RawMessage `json:"body"`
}
