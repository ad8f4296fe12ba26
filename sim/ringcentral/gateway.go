package ringcentral

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	rc "github.com/evtap/evtap/protocol/ringcentral"
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
	if s.closed {
		s.mu.Unlock()
		http.Error(w, errClosed.Error(), http.StatusServiceUnavailable)
		return
	}
	oauthSession, why := s.takeWSToken(token)
	if why != "" {
		s.counters.Refused++
		s.logf("refused upgrade from %s: %s", r.RemoteAddr, why)
		s.mu.Unlock()
		apiError(w, http.StatusUnauthorized, "OAU-213", why)
		return
	}
	s.mu.Unlock()

	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	c := &conn{s: s, ws: ws, opened: time.Now(), wake: make(chan struct{}, 1), done: make(chan struct{})}
	c.lastRead.Store(time.Now().UnixNano())

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.connCount++
	c.id = fmt.Sprintf("c%d", s.connCount)
	s.conns[c.id] = c
	s.counters.Connections++
	s.logf("%s: connected from %s (recovering: %v)", c.id, r.RemoteAddr, recovering)
	if recovering {
		id, pos, err := s.wsc.decode(wscParam[0])
		if err != nil {
			s.counters.Recoveries.Malformed++
			s.logf("%s: malformed wsc, Error %s and close", c.id, rc.WSGBadContext)
			c.enqueue(outFrame{close: &closeReq{
				errFrame: errorFrame(http.StatusBadRequest, rc.WSGBadContext, "Malformed WebSocket session context token"),
				code:     websocket.ClosePolicyViolation, reason: rc.WSGBadContext,
			}})
		} else {
			s.attach(c, oauthSession, true, id, pos)
		}
	} else {
		s.attach(c, oauthSession, false, "", 0)
	}
	s.markStarted(startFirstConnection)
	// Added under mu while not closed, so Close's Wait never races it.
	s.bg.Add(1)
	s.mu.Unlock()

	go c.writeLoop()
	c.readLoop()
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
