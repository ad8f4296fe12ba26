package voipbin

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/evtap/evtap/protocol"
)

// SecretFields are the names, beyond the recorder's defaults (token,
// password, cookies), under which VoIPBin carries a secret: the access
// key in ?accesskey= and in a Cookie.
var SecretFields = map[string]string{"accesskey": "accesskey"}

// Responder plays VoIPBin's side for `evtap replay --serve`: it answers
// POST /auth/login with a token the client can use, and answers
// subscribe and unsubscribe exactly as the server does, with nothing
// (A3). Every recorded event is replayed as it is. It has the methods of
// replay.Responder; the registry hands it over. It is pure, and after
// Learn it only reads, so every client may use it at once.
type Responder struct {
	mu         sync.Mutex
	customerID string // from the recorded client's topics
	agentID    string
}

// NewResponder returns a Responder that has learnt nothing yet.
func NewResponder() *Responder { return &Responder{} }

// ReplayExpire is the expire claim of the tokens a replay hands out: far
// enough that no client refuses them, and visibly not a real one.
const ReplayExpire = "2099-12-31T23:59:59.000000Z"

// Learn takes the customer and agent the recorded client subscribed
// topics of, so that a client logging in to the replay gets a token for
// them and may subscribe the same topics.
func (r *Responder) Learn(u protocol.Update) {
	if u.Kind != protocol.KindSent || u.Frame == nil || u.Frame.Op != protocol.OpText {
		return
	}
	m, ok := DecodeClientMessage([]byte(u.Frame.Data))
	if !ok || m.Type != TypeSubscribe {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range m.Topics {
		tp, err := ParseTopic(t)
		if err != nil {
			continue
		}
		id, _ := parseUUID(tp.ID)
		switch {
		case tp.Scope == ScopeCustomer && r.customerID == "":
			r.customerID = id
		case tp.Scope == ScopeAgent && r.agentID == "":
			r.agentID = id
		}
	}
}

// Replay sends every recorded server frame: VoIPBin sends nothing but
// events, none of them an answer to the client.
func (r *Responder) Replay(protocol.Frame) bool { return true }

// Answer answers nothing: VoIPBin acknowledges neither subscribe nor
// unsubscribe, and ignores anything else.
func (r *Responder) Answer(protocol.Opcode, []byte) [][]byte { return nil }

// HTTP answers POST /auth/login, whatever the credentials, with a token
// for the recorded customer and agent (an admin, so that the recorded
// topics validate), and its cookie, as VoIPBin does (A0). The token is
// not signed by anyone: only a replay accepts it.
func (r *Responder) HTTP(req protocol.HTTPRequest) (protocol.HTTPResponse, bool) {
	u, err := url.Parse(req.URL)
	if err != nil || req.Method != http.MethodPost || u.Path != PathLogin {
		return protocol.HTTPResponse{}, false
	}
	var in LoginRequest
	if json.Unmarshal([]byte(req.Body), &in) != nil || in.Username == "" || in.Password == "" {
		return protocol.HTTPResponse{Status: http.StatusBadRequest}, true // a bare 400, as VoIPBin
	}
	tok := r.token(in.Username)
	body, _ := json.Marshal(LoginResponse{Username: in.Username, Token: tok})
	return protocol.HTTPResponse{Status: http.StatusOK, Body: string(body), Header: map[string]string{
		"Content-Type": "application/json",
		"Set-Cookie":   "token=" + tok + "; Max-Age=604800; Path=/; Secure; HttpOnly; SameSite=Strict",
	}}, true
}

func (r *Responder) token(username string) string {
	r.mu.Lock()
	customer, agent := r.customerID, r.agentID
	r.mu.Unlock()
	if customer == "" {
		customer = NilUUID
	}
	if agent == "" {
		agent = NilUUID
	}
	claims, _ := json.Marshal(Claims{Type: TokenAgent, Expire: ReplayExpire, Agent: &AgentClaim{
		ID: agent, CustomerID: customer, Username: username, Permission: PermCustomerAdmin}})
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc(claims) + "." + enc([]byte(strings.Repeat("\x00", 32)))
}
