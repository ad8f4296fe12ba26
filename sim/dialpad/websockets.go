package dialpad

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// websocketEnt is a websocket entity: an endpoint event subscriptions
// deliver to, with an optional secret that signs its frames.
type websocketEnt struct {
	id     int64
	seq    uint64
	secret string // "" = frames are plain JSON
}

func (w *websocketEnt) sequence() uint64 { return w.seq }

// websocketJSON is the spec's WebsocketProto. Ids are JSON strings, as
// in every example of the spec (the protobuf convention for int64).
type websocketJSON struct {
	ID           string         `json:"id"`
	Signature    *signatureJSON `json:"signature,omitempty"`
	WebsocketURL string         `json:"websocket_url,omitempty"`
}

// signatureJSON is the spec's SignatureProto.
type signatureJSON struct {
	Algo   string `json:"algo"`
	Secret string `json:"secret"`
	Type   string `json:"type"`
}

// render makes the websocket's JSON with a freshly minted URL for sc
// (the websocket itself, or one of its subscriptions); r nil leaves the
// URL out (a deleted websocket has none that works). Caller holds mu.
func (s *Server) renderWebsocket(w *websocketEnt, sc scope, r *http.Request) *websocketJSON {
	out := &websocketJSON{ID: strconv.FormatInt(w.id, 10)}
	if w.secret != "" {
		out.Signature = &signatureJSON{Algo: "HS256", Secret: w.secret, Type: "jwt"}
	}
	if r != nil {
		out.WebsocketURL = socketBase(r) + "/events/" + s.mintToken(sc, issuer(r))
		s.stats.URLsMinted++
	}
	return out
}

// readSecret reads the optional secret of a create or update body.
func readSecret(b body) (string, bool, *apiError) {
	secret, ok, e := b.str("secret")
	if e == nil && strings.ContainsAny(secret, "\r\n") {
		e = fieldError("secret", "must be a single line")
	}
	return secret, ok, e
}

func (s *Server) createWebsocket(r *http.Request, _ int64) (any, *apiError) {
	b, e := readBody(r)
	if e != nil {
		return nil, e
	}
	secret, _, e := readSecret(b)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	w := &websocketEnt{id: s.newID(), seq: s.seq, secret: secret}
	s.websockets[w.id] = w
	s.logf("rest: websocket %d created (signed: %v)", w.id, secret != "")
	return s.renderWebsocket(w, scope{ws: w.id}, r), nil
}

func (s *Server) listWebsockets(r *http.Request, _ int64) (any, *apiError) {
	after, limit, e := s.page(r, "websockets")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	all := make([]*websocketEnt, 0, len(s.websockets))
	for _, w := range s.websockets {
		all = append(all, w)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	return paginate("websockets", all, (*websocketEnt).sequence, after, limit, func(w *websocketEnt) any {
		return s.renderWebsocket(w, scope{ws: w.id}, r)
	}), nil
}

// websocket finds websocket id. Caller holds mu.
func (s *Server) websocket(id int64) (*websocketEnt, *apiError) {
	w := s.websockets[id]
	if w == nil {
		return nil, notFound("websocket %d not found", id)
	}
	return w, nil
}

// getWebsocket answers the websocket with a fresh URL: the documented way
// to get a new one before (or after) the old one expires.
func (s *Server) getWebsocket(r *http.Request, id int64) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, e := s.websocket(id)
	if e != nil {
		return nil, e
	}
	return s.renderWebsocket(w, scope{ws: w.id}, r), nil
}

// updateWebsocket changes the secret. The next event routed to the
// websocket is signed with the new one (or, with "", sent unsigned).
func (s *Server) updateWebsocket(r *http.Request, id int64) (any, *apiError) {
	b, e := readBody(r)
	if e != nil {
		return nil, e
	}
	secret, given, e := readSecret(b)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w, e := s.websocket(id)
	if e != nil {
		return nil, e
	}
	if given {
		w.secret = secret
		s.logf("rest: websocket %d secret changed (signed: %v)", w.id, secret != "")
	}
	return s.renderWebsocket(w, scope{ws: w.id}, r), nil
}

// deleteWebsocket answers the deleted websocket (without a URL: none
// would work). Its connections are cut as at expiry, and its
// subscriptions stay but route nowhere until PATCHed to another
// endpoint.
func (s *Server) deleteWebsocket(r *http.Request, id int64) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, e := s.websocket(id)
	if e != nil {
		return nil, e
	}
	delete(s.websockets, id)
	for _, sub := range s.subs {
		if sub.endpoint == id {
			sub.endpoint = 0
		}
	}
	n := s.endConns(func(c *conn) bool { return c.scope.ws == id }, "websocket deleted")
	s.logf("rest: websocket %d deleted, %d connection(s) ended", id, n)
	return s.renderWebsocket(w, scope{ws: w.id}, nil), nil
}
