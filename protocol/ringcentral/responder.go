package ringcentral

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/evtap/evtap/protocol"
)

// Responder plays RingCentral's side for `evtap replay --serve`, so that
// a client, an official SDK included, gets through its start-up against
// a recording: the token and wstoken calls, the subscription request
// (answered with the subscription the recorded client got) and
// heartbeats. It has the methods of replay.Responder; the registry hands
// it over. It is pure, and after Learn it only reads, so every client
// may use it at once.
type Responder struct {
	answer json.RawMessage // the first successful subscription answer recorded
}

// NewResponder returns a Responder that has learnt nothing yet.
func NewResponder() *Responder { return &Responder{} }

// The credentials a replay hands out: they are not secrets, and a reader
// of the client's log sees where they came from.
const (
	ReplayAccessToken   = "evtap-replay-access-token"
	ReplayWSAccessToken = "evtap-replay-ws-access-token"
)

// Learn keeps the first successful subscription answer the recorded
// client received.
func (r *Responder) Learn(u protocol.Update) {
	if r.answer != nil || u.Kind != protocol.KindRecv || u.Frame == nil || u.Frame.Op != protocol.OpText {
		return
	}
	f, err := Decode([]byte(u.Frame.Data))
	if err == nil && f.Meta.Type == TypeClientRequest && f.Meta.Status/100 == 2 && f.Body != nil {
		r.answer = f.Body
	}
}

// Replay leaves out the answers to the recorded client's requests: this
// client gets answers to its own.
func (r *Responder) Replay(f protocol.Frame) bool {
	if f.Type != "" {
		return f.Type != string(TypeClientRequest)
	}
	fr, err := Decode([]byte(f.Data))
	return err != nil || fr.Meta.Type != TypeClientRequest
}

// Answer answers a ClientRequest with the recorded subscription (under
// the client's own messageId) and echoes a Heartbeat.
func (r *Responder) Answer(op protocol.Opcode, data []byte) [][]byte {
	if op != protocol.OpText {
		return nil
	}
	f, err := Decode(data)
	if err != nil {
		return nil // a replay is no place to police a client
	}
	var reply []byte
	switch f.Meta.Type {
	case TypeClientRequest:
		meta := Meta{Type: TypeClientRequest, MessageID: f.Meta.MessageID, Status: http.StatusOK,
			Headers: map[string]string{"RCRequestId": "evtap-replay"}}
		var body any
		if f.Meta.Method != http.MethodDelete {
			body = r.subscription(f)
		}
		reply, err = Encode(meta, body)
	case TypeHeartbeat:
		reply, err = Encode(Meta{Type: TypeHeartbeat, MessageID: f.Meta.MessageID, Status: http.StatusOK}, nil)
	default:
		return nil
	}
	if err != nil {
		return nil
	}
	return [][]byte{reply}
}

// subscription is the recorded answer, or, when the recording holds
// none, one made from the request.
func (r *Responder) subscription(req Frame) any {
	if r.answer != nil {
		return r.answer
	}
	var sr SubscriptionRequest
	req.DecodeBody(&sr)
	return SubscriptionInfo{URI: PathSubscription + "/evtap-replay", ID: "evtap-replay", Status: "Active",
		EventFilters: sr.EventFilters, ExpiresIn: 900, DeliveryMode: DeliveryMode{TransportType: TransportWebSocket}}
}

// HTTP answers the REST calls an SDK makes before it opens the socket:
// a token, a WebSocket token pointing back at the replay, and revoke.
func (r *Responder) HTTP(req protocol.HTTPRequest) (protocol.HTTPResponse, bool) {
	u, err := url.Parse(req.URL)
	if err != nil || req.Method != http.MethodPost {
		return protocol.HTTPResponse{}, false
	}
	var body any
	switch u.Path {
	case PathToken:
		body = TokenResponse{AccessToken: ReplayAccessToken, TokenType: "bearer", ExpiresIn: 3600,
			RefreshToken: "evtap-replay-refresh-token", RefreshTokenExpiresIn: 604800,
			Scope: "WebSocketsSubscription", OwnerID: "evtap-replay", EndpointID: "evtap-replay"}
	case PathWSToken:
		body = WSTokenResponse{URI: "ws://" + u.Host + "/ws", WSAccessToken: ReplayWSAccessToken, ExpiresIn: 600}
	case PathRevoke:
		return protocol.HTTPResponse{Status: http.StatusOK}, true
	default:
		return protocol.HTTPResponse{}, false
	}
	b, _ := json.Marshal(body)
	return protocol.HTTPResponse{Status: http.StatusOK, Header: map[string]string{"Content-Type": "application/json"}, Body: string(b)}, true
}
