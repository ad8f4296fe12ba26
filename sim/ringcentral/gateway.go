package ringcentral

import (
	"net/http"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/sim/emu"
)

// handleWS is the gateway: authenticate the ws_access_token (query or
// bearer header), upgrade, then ConnectionDetails first.
func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("access_token")
	if token == "" {
		token = bearer(r)
	}
	wscParam, recovering := r.URL.Query()["wsc"]
	s.mu.Lock()
	oauthSession, why := s.takeWSToken(token)
	s.mu.Unlock()
	if why != "" {
		s.AddRefused()
		s.logf("refused upgrade from %s: %s", r.RemoteAddr, why)
		apiError(w, http.StatusUnauthorized, "OAU-213", why)
		return
	}
	ec, err := s.Upgrade(w, r, emu.ConnOptions{ReadLimit: readLimit, PingInterval: s.cfg.PingInterval})
	if err != nil {
		return // answered
	}
	c := &conn{Conn: ec}
	s.mu.Lock()
	s.conns[c] = true
	s.logf("%s: connected from %s (recovering: %v)", c.ID(), r.RemoteAddr, recovering)
	if recovering {
		id, pos, err := s.wsc.decode(wscParam[0])
		if err != nil {
			s.counters.Recoveries.Malformed++
			s.logf("%s: malformed wsc, Error %s and close", c.ID(), wsgBadContext)
			c.Close(websocket.ClosePolicyViolation, wsgBadContext,
				errorFrame(http.StatusBadRequest, wsgBadContext, "Malformed WebSocket session context token"))
		} else {
			s.attach(c, oauthSession, true, id, pos)
		}
	} else {
		s.attach(c, oauthSession, false, "", 0)
	}
	s.mu.Unlock()

	c.Serve(func(typ int, data []byte) {
		if typ != websocket.TextMessage {
			c.Send(errorFrame(http.StatusBadRequest, errMalformedMessage, "Malformed message: binary frames are not supported"))
			return
		}
		s.handleFrame(c, data)
	})
	s.finish(c)
}

// finish forgets an ended connection: its session, if any, becomes
// recoverable for RecoveryTimeout from now.
func (s *Server) finish(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	if sess := c.sess; sess != nil && sess.conn == c {
		sess.conn = nil
		sess.lostAt = s.now()
	}
	c.sess = nil
}

// takeWSToken checks a ws_access_token and returns its OAuth session, or
// why it is refused. Caller holds mu.
func (s *Server) takeWSToken(token string) (string, string) {
	if token == "" {
		return "", "WebSocket access token is missing (access_token query or Authorization: Bearer)"
	}
	t := s.wsTokens[token]
	switch {
	case t == nil:
		return "", "WebSocket access token not found"
	case !s.now().Before(t.expires):
		return "", "WebSocket access token is expired"
	case t.used:
		return "", "WebSocket access token was already used (strict tokens)"
	}
	if s.cfg.StrictTokens {
		t.used = true
	}
	return t.oauthSession, ""
}
