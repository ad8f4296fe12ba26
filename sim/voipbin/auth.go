package voipbin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Identity kinds that may reach the socket handler.
const (
	kindAgent     = "agent"
	kindAccessKey = "accesskey"
	kindDirect    = "direct"
	kindDelegate  = "delegate"
)

// identity is who a request authenticated as.
type identity struct {
	kind       string
	agentID    uuid // nil for access keys and direct tokens
	customerID uuid
	permission uint64
	allowed    []string // direct tokens: allowed_resource_types
	name       string   // for the operator log: a username, "access key", "direct token"
}

// The reasons of the 401 envelope (lib/apierror).
const (
	reasonRequired = "AUTHENTICATION_REQUIRED"
	reasonInvalid  = "INVALID_CREDENTIALS"
)

// authError is a failed authentication: the reason of the envelope and,
// for the operator log, what was wrong.
type authError struct {
	reason string
	why    string
}

func (e *authError) Error() string { return e.reason + ": " + e.why }

func invalid(format string, a ...any) *authError {
	return &authError{reasonInvalid, fmt.Sprintf(format, a...)}
}

// authenticate reads the credential where VoIPBin's middleware does, in
// its order: cookie token, ?token=, Authorization: Bearer, then an access
// key (cookie, then ?accesskey=). The first place that holds something is
// the credential: a bad cookie token is refused even if ?token= is good.
// ?token= is always a JWT, so an access key there is refused (the docs say
// otherwise; the source wins).
func (s *Server) authenticate(r *http.Request) (identity, *authError) {
	if c, err := r.Cookie("token"); err == nil && c.Value != "" {
		return s.checkJWT(c.Value)
	}
	if t := r.URL.Query().Get("token"); t != "" {
		return s.checkJWT(t)
	}
	if h := r.Header.Get("Authorization"); h != "" {
		if scheme, tok, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(tok) != "" {
			return s.checkJWT(strings.TrimSpace(tok))
		}
	}
	key := ""
	if c, err := r.Cookie("accesskey"); err == nil && c.Value != "" {
		key = c.Value
	} else {
		key = r.URL.Query().Get("accesskey")
	}
	if key != "" {
		if key != s.cfg.AccessKey {
			return identity{}, invalid("unknown access key")
		}
		return identity{kind: kindAccessKey, customerID: s.customer, permission: PermCustomerAdmin, name: "access key"}, nil
	}
	return identity{}, &authError{reasonRequired, "no credential (cookie token, ?token=, Bearer, accesskey)"}
}

// checkJWT verifies a token and turns its claims into an identity. The
// expire claim is compared as a string with the current time in the same
// layout, as VoIPBin does: a claim that is not a date can compare as
// "later" and never expire.
func (s *Server) checkJWT(tok string) (identity, *authError) {
	c, err := verifyJWT(s.cfg.SigningKey, tok)
	if err != nil {
		return identity{}, invalid("%v", err)
	}
	if c.Expire <= ExpireAt(s.now()) {
		return identity{}, invalid("expired (expire %q)", c.Expire)
	}
	switch c.Type {
	case "", tokenAgent:
		var a agentClaim
		if len(c.Agent) == 0 || json.Unmarshal(c.Agent, &a) != nil {
			return identity{}, invalid("agent claim missing or malformed")
		}
		return identity{kind: kindAgent, agentID: a.ID, customerID: a.CustomerID, permission: a.Permission, name: a.Username}, nil
	case tokenDirect:
		if c.Direct == nil {
			return identity{}, invalid("direct claim missing")
		}
		cust, err := parseUUID(c.Direct.CustomerID)
		if err != nil {
			return identity{}, invalid("direct claim customer_id %q", c.Direct.CustomerID)
		}
		return identity{kind: kindDirect, customerID: cust, allowed: c.Direct.AllowedResourceTypes, name: "direct token"}, nil
	case tokenDelegate:
		if !audIs(c.Aud, delegateAudience) {
			return identity{}, invalid("delegate token without aud %q", delegateAudience)
		}
		return identity{kind: kindDelegate, name: "delegate token"}, nil
	default:
		return identity{}, invalid("unknown token type %q", c.Type)
	}
}

// apiError is VoIPBin's error envelope (lib/apierror).
type apiError struct {
	Error struct {
		Status    string `json:"status"`
		Reason    string `json:"reason"`
		Message   string `json:"message"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

// writeUnauthenticated answers 401 with the envelope; no upgrade follows.
func (s *Server) writeUnauthenticated(w http.ResponseWriter, e *authError) {
	var body apiError
	body.Error.Status = "UNAUTHENTICATED"
	body.Error.Reason = e.reason
	body.Error.Message = "Authentication required."
	if e.reason == reasonInvalid {
		body.Error.Message = "The provided credentials are invalid or expired."
	}
	s.mu.Lock()
	body.Error.RequestID = newUUID(s.ids).String()
	s.mu.Unlock()
	writeJSON(w, http.StatusUnauthorized, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// loginLimit bounds a login body; VoIPBin's is a few dozen bytes.
const loginLimit = 64 << 10

// handleLogin is POST /auth/login: 200 {username, token} and the token
// cookie, or a bare 400 with an empty body for any failure.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	fail := func(why string) {
		s.mu.Lock()
		s.counters.LoginsFailed++
		s.mu.Unlock()
		s.logf("login refused: %s", why)
		w.WriteHeader(http.StatusBadRequest)
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, loginLimit)).Decode(&in); err != nil {
		fail("body is not JSON")
		return
	}
	if in.Username == "" || in.Password == "" {
		fail("username or password missing")
		return
	}
	s.mu.Lock()
	refuse := s.refuseLogin
	s.refuseLogin = false
	s.mu.Unlock()
	if refuse {
		fail("refused by the control API (refuse-next-login)")
		return
	}
	a, ok := s.agents[in.Username]
	if !ok || in.Password != s.cfg.Password {
		fail(fmt.Sprintf("wrong username or password for %q", in.Username))
		return
	}
	tok := s.agentToken(a.claim, s.now().Add(s.cfg.TokenTTL))
	http.SetCookie(w, &http.Cookie{Name: "token", Value: tok, MaxAge: int(s.cfg.TokenTTL / time.Second), Path: "/",
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	s.mu.Lock()
	s.counters.Logins++
	s.mu.Unlock()
	s.logf("login: %s", in.Username)
	writeJSON(w, http.StatusOK, map[string]string{"username": in.Username, "token": tok})
}

// agentToken mints the token login returns for agent a.
func (s *Server) agentToken(a agentClaim, expire time.Time) string {
	b, _ := json.Marshal(a)
	return SignJWT(s.cfg.SigningKey, Claims{Type: tokenAgent, Agent: b, Expire: ExpireAt(expire)})
}

// TokenRequest asks the control API for a token: an agent token for
// AgentID (one of the demo agents, or any id with Permission), a direct
// token for AllowedResourceTypes, or a delegate token. Expire, when set,
// is the expire claim verbatim (a past date makes an expired token).
type TokenRequest struct {
	Type                 string   `json:"type"` // agent (default), direct, delegate
	AgentID              string   `json:"agent_id,omitempty"`
	CustomerID           string   `json:"customer_id,omitempty"`
	Permission           *uint64  `json:"permission,omitempty"`
	AllowedResourceTypes []string `json:"allowed_resource_types,omitempty"`
	Expire               string   `json:"expire,omitempty"`
}

// MintToken signs a token as TokenRequest describes, with the emulator's
// signing key.
func (s *Server) MintToken(req TokenRequest) (string, error) {
	expire := req.Expire
	if expire == "" {
		expire = ExpireAt(s.now().Add(s.cfg.TokenTTL))
	}
	cust := s.customer
	if req.CustomerID != "" {
		u, err := parseUUID(req.CustomerID)
		if err != nil {
			return "", fmt.Errorf("customer_id %q is not a UUID", req.CustomerID)
		}
		cust = u
	}
	switch req.Type {
	case "", tokenAgent:
		a := agentClaim{agent: agent{resource: resource{CustomerID: cust}, Username: "minted@evtap.example", Name: "Minted agent",
			RingMethod: "ringall", Status: "available", TagIDs: []uuid{}, Addresses: []address{}}}
		if req.AgentID != "" {
			u, err := parseUUID(req.AgentID)
			if err != nil {
				return "", fmt.Errorf("agent_id %q is not a UUID", req.AgentID)
			}
			a.ID = u
			for _, d := range s.agents {
				if d.claim.ID == u {
					a = d.claim
				}
			}
		}
		if req.Permission != nil {
			a.Permission = *req.Permission
		}
		b, _ := json.Marshal(a)
		return SignJWT(s.cfg.SigningKey, Claims{Type: tokenAgent, Agent: b, Expire: expire}), nil
	case tokenDirect:
		return SignJWT(s.cfg.SigningKey, Claims{Type: tokenDirect, Expire: expire, Direct: &DirectClaim{
			CustomerID: cust.String(), ResourceType: "call", ResourceID: nilUUID.String(),
			AllowedResourceTypes: req.AllowedResourceTypes}}), nil
	case tokenDelegate:
		return SignJWT(s.cfg.SigningKey, Claims{Type: tokenDelegate, Expire: expire, Aud: delegateAudience}), nil
	}
	return "", errors.New("type must be agent, direct or delegate")
}
