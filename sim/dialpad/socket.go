package dialpad

import (
	"net/http"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/sim/emu"
)

// readLimit is the largest client frame read (and ignored).
const readLimit = 64 << 10

// expiryInterval is how often connections are checked against their
// deadline: one is closed at most this long after its time is up.
const expiryInterval = 20 * time.Millisecond

// conn is one connection to /events/<token>: the core's connection (its
// writer, faults and bounds) and what the token granted.
type conn struct {
	*emu.Conn
	n        int // order of opening, from the core's id
	scope    scope
	opened   time.Time // server clock
	deadline time.Time // when its time is up (server clock)
	ending   bool      // guarded by Server.mu: no more frames are routed to it
	written  atomic.Uint64
}

// handleEvents is the socket: check the token, upgrade, then only send.
// There is no greeting and nothing the client sends is read for meaning.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	claims, sc, why := s.admit(r.PathValue("token"))
	s.mu.Unlock()
	if why != "" {
		s.AddRefused()
		s.logf("socket: refused upgrade from %s with %d: %s", r.RemoteAddr, s.cfg.RefuseStatus, why)
		reason := map[int]string{http.StatusUnauthorized: "unauthorized", http.StatusForbidden: "forbidden"}[s.cfg.RefuseStatus]
		if reason == "" {
			reason = "refused"
		}
		writeError(w, &apiError{status: s.cfg.RefuseStatus, reason: reason, message: why})
		return
	}
	ec, err := s.Upgrade(w, r, emu.ConnOptions{ReadLimit: readLimit})
	if err != nil {
		return // the core has answered
	}
	c := &conn{Conn: ec, scope: sc}
	c.n, _ = strconv.Atoi(ec.ID()[1:])
	s.mu.Lock()
	if gone := s.scopeGone(sc); gone != "" { // deleted while upgrading
		s.mu.Unlock()
		s.logf("%s: %s, cut", ec.ID(), gone)
		ec.Kill()
		ec.Serve(ignore)
		return
	}
	c.opened = s.now()
	c.deadline = time.Unix(claims.Exp, 0)
	if s.cfg.CloseAt == AfterLifetime {
		c.deadline = c.opened.Add(s.cfg.TokenLifetime)
	}
	s.conns[ec.ID()] = c
	s.logf("%s: connected from %s, scope %s, time up at %s", ec.ID(), r.RemoteAddr, sc, c.deadline.UTC().Format(time.TimeOnly))
	s.mu.Unlock()

	ec.Serve(ignore) // until the connection ends
	s.mu.Lock()
	delete(s.conns, ec.ID())
	s.mu.Unlock()
}

// ignore drops a client frame: the socket is receive-only (the core
// still answers pings and closes).
func ignore(int, []byte) {}

// admit checks a token for the handshake and returns why it is refused
// ("" if it is not). Caller holds mu.
func (s *Server) admit(tok string) (TokenClaims, scope, string) {
	if s.refuseNext > 0 {
		s.refuseNext--
		return TokenClaims{}, scope{}, "refused by the control API (refuse-next)"
	}
	claims, sc, err := s.checkToken(tok)
	if err != nil {
		return claims, sc, "bad token: " + err.Error()
	}
	return claims, sc, s.scopeGone(sc)
}

// scopeGone says why a token's scope no longer exists ("" if it does).
// Caller holds mu.
func (s *Server) scopeGone(sc scope) string {
	if s.websockets[sc.ws] == nil {
		return "websocket " + strconv.FormatInt(sc.ws, 10) + " no longer exists"
	}
	if sc.sub != 0 {
		sub := s.subs[sc.sub]
		if sub == nil || sub.kind.name != sc.kind {
			return sc.kind + " subscription " + strconv.FormatInt(sc.sub, 10) + " no longer exists"
		}
	}
	return ""
}

// inScope reports whether conn c receives events routed for sub.
func (c *conn) inScope(sub *subscription) bool {
	return c.scope.ws == sub.endpoint && (c.scope.sub == 0 || c.scope.sub == sub.id)
}

// sortedConns lists the open connections in the order they opened.
// Caller holds mu.
func (s *Server) sortedConns() []*conn {
	out := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].n < out[j].n })
	return out
}

// pick returns connection id, or every open one when id is "", skipping
// those already ending. Caller holds mu.
func (s *Server) pick(id string) []*conn {
	var out []*conn
	for _, c := range s.sortedConns() {
		if !c.ending && (id == "" || c.ID() == id) {
			out = append(out, c)
		}
	}
	return out
}

// endConns ends every connection pred picks, the way the configured
// expiry does (abrupt or clean), and routes nothing more to them. It
// returns how many. Caller holds mu.
func (s *Server) endConns(pred func(*conn) bool, why string) int {
	n := 0
	for _, c := range s.pick("") {
		if pred(c) {
			c.end(s, s.cfg.ExpiryClose, why)
			n++
		}
	}
	return n
}

// end stops routing to c and closes it: abruptly (no close frame, the
// client sees 1006; what is queued is lost) or cleanly (1000 with why,
// after what is queued). Caller holds Server.mu.
func (c *conn) end(s *Server, how, why string) {
	c.ending = true
	s.logf("%s: ending (%s, %s)", c.ID(), how, why)
	if how == CloseClean {
		c.Close(websocket.CloseNormalClosure, why)
		return
	}
	c.Kill()
}

// expire ends the connections whose time is up.
func (s *Server) expire() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.stats.Expired += s.endConns(func(c *conn) bool { return !now.Before(c.deadline) }, "token expired")
}

// delivery follows one event frame given to a connection: the ledger
// learns when it has been written.
type delivery struct {
	s     *Server
	c     *conn
	entry *LedgerEntry
	sub   int64
}

func (d *delivery) Delivered() {
	d.c.written.Add(1)
	written(d.s.ledger, d.entry, d.sub, d.c.ID())
}

func (d *delivery) Discarded() {}
