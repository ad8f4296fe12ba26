package ringcentral

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// accessToken is an OAuth access token and the OAuth session it belongs
// to; a refresh keeps the session, so wsc tokens stay recoverable.
type accessToken struct {
	token, refresh string
	oauthSession   string
	expires        time.Time
}

// wsToken is a ws_access_token, reusable until it expires unless
// StrictTokens.
type wsToken struct {
	oauthSession string
	expires      time.Time
	used         bool
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// oauthError answers a refused grant the way the RC platform does: the
// OAuth fields plus an RC errorCode and an errors array.
func oauthError(w http.ResponseWriter, status int, kind, code, msg string) {
	writeJSON(w, status, map[string]any{
		"error": kind, "error_description": msg, "errorCode": code, "message": msg,
		"errors": []errDetail{{ErrorCode: code, Message: msg}},
	})
}

// apiError answers a refused REST call with the RC REST error body.
func apiError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, rcError(code, msg, ""))
}

func rcError(code, msg, param string) errBody {
	return errBody{ErrorCode: code, Message: msg, Errors: []errDetail{{ErrorCode: code, Message: msg, Parameter: param}}}
}

// takeRefusal consumes a pending RefuseNextToken. Caller holds mu.
func (s *Server) takeRefusal() bool {
	r := s.refuseNext
	s.refuseNext = false
	return r
}

const refusedMessage = "Service temporarily unavailable (refused by evtap sim on request)"

// handleToken is POST /restapi/oauth/token: jwt-bearer, password and
// refresh_token grants; client credentials by Basic auth or form body.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "OAU-101", "Malformed form body: "+err.Error())
		return
	}
	id, sec, basic := r.BasicAuth()
	if !basic {
		id, sec = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	// A public client sends only client_id; a confidential one must send
	// the matching secret.
	if id != s.cfg.ClientID || ((basic || sec != "") && sec != s.cfg.ClientSecret) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "OAU-153", "Invalid client: "+id)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.takeRefusal() {
		apiError(w, http.StatusServiceUnavailable, "CMN-211", refusedMessage)
		return
	}
	f := r.PostForm
	var session string
	switch f.Get("grant_type") {
	case grantJWT:
		if f.Get("assertion") != s.cfg.JWT {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "OAU-213", "Invalid JWT token")
			return
		}
	case grantPassword:
		user := f.Get("username")
		if i := strings.IndexByte(user, '*'); i >= 0 {
			user = user[:i]
		}
		if user != DemoUsername || f.Get("password") != DemoPassword {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "OAU-140", "Invalid resource owner credentials")
			return
		}
	case grantRefresh:
		old := s.refresh[f.Get("refresh_token")]
		if old == nil {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "OAU-211", "Token is revoked or not found")
			return
		}
		delete(s.refresh, old.refresh)
		delete(s.tokens, old.token)
		session = old.oauthSession
	case "":
		oauthError(w, http.StatusBadRequest, "invalid_request", "OAU-250", "Unsupported grant type: grant_type is missing")
		return
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "OAU-250", "Unsupported grant type: "+f.Get("grant_type"))
		return
	}
	if session == "" {
		session = s.newID()
	}
	// Like the platform, honour a requested access_token_ttl (the SDK
	// sends it on refresh); tests use it to force refreshes.
	ttl := s.cfg.AccessTokenTTL
	if n, err := strconv.Atoi(f.Get("access_token_ttl")); err == nil && n > 0 && time.Duration(n)*time.Second < ttl {
		ttl = time.Duration(n) * time.Second
	}
	t := &accessToken{token: secret("U0FUL"), refresh: secret("U0FSV"), oauthSession: session,
		expires: s.now().Add(ttl)}
	s.tokens[t.token] = t
	s.refresh[t.refresh] = t
	s.counters.TokensIssued++
	writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken: t.token, TokenType: "bearer", ExpiresIn: seconds(ttl),
		RefreshToken: t.refresh, RefreshTokenExpiresIn: 604800,
		Scope:   "ReadMessages ReadPresence ReadCallLog SubscriptionWebSocket WebSocketsSubscription",
		OwnerID: DemoExtensionID, EndpointID: "evtap-" + session[:8],
	})
}

// handleRevoke is POST /restapi/oauth/revoke; it always answers 200.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	s.mu.Lock()
	if t := s.tokens[r.PostForm.Get("token")]; t != nil {
		delete(s.tokens, t.token)
		delete(s.refresh, t.refresh)
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// bearer returns the access token of an Authorization header, matching
// the scheme case-insensitively (the JS SDK sends "bearer").
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// handleWSToken is POST /restapi/oauth/wstoken (any body, ignored).
func (s *Server) handleWSToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tokens[bearer(r)]
	switch {
	case t == nil:
		apiError(w, http.StatusUnauthorized, "OAU-213", "Token not found")
		return
	case !s.now().Before(t.expires):
		apiError(w, http.StatusUnauthorized, "OAU-213", "Token is expired")
		return
	case s.takeRefusal():
		apiError(w, http.StatusServiceUnavailable, "CMN-211", refusedMessage)
		return
	}
	tok := secret("V1NUS")
	s.wsTokens[tok] = &wsToken{oauthSession: t.oauthSession, expires: s.now().Add(s.cfg.WSTokenTTL)}
	s.counters.WSTokens++
	writeJSON(w, http.StatusOK, wsTokenResponse{
		URI: "ws://" + r.Host + "/ws", WSAccessToken: tok, ExpiresIn: seconds(s.cfg.WSTokenTTL),
	})
}

// seconds rounds a duration up to whole seconds, so a short demo value
// never reads as 0.
func seconds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + time.Second - 1) / time.Second)
}

// handleExtension is GET /restapi/v1.0/account/~/extension/~, which SDK
// users call to check that a login worked. It needs a valid bearer.
func (s *Server) handleExtension(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	t := s.tokens[bearer(r)]
	valid := t != nil && s.now().Before(t.expires)
	s.mu.Unlock()
	if !valid {
		apiError(w, http.StatusUnauthorized, "OAU-213", "Token not found or expired")
		return
	}
	acc, ext := r.PathValue("account"), r.PathValue("extension")
	if (acc != "~" && acc != DemoAccountID) || (ext != "~" && ext != DemoExtensionID) {
		apiError(w, http.StatusNotFound, "CMN-102", "Resource for parameter [extensionId] is not found")
		return
	}
	uri := "http://" + r.Host + apiPrefix + "/account/" + DemoAccountID + "/extension/" + DemoExtensionID
	writeJSON(w, http.StatusOK, map[string]any{
		"uri": uri, "id": demoNumber(DemoExtensionID), "extensionNumber": "101",
		"contact": map[string]any{"firstName": "Demo", "lastName": "User", "email": "demo.user@example.com"},
		"name":    me.name, "type": "User", "status": "Enabled",
		"account": map[string]any{"uri": "http://" + r.Host + apiPrefix + "/account/" + DemoAccountID, "id": DemoAccountID},
	})
}
