package dialpad

import (
	"crypto/subtle"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// apiPrefix is where the REST resources live.
const apiPrefix = "/api/v2/"

// handler answers one REST operation with the resource to send (200) or
// an error. id is the path id, 0 for collection operations.
type handler func(r *http.Request, id int64) (any, *apiError)

// operation is a matched route: its operationId (the rate-limit bucket,
// and the name in logs) and its handler.
type operation struct {
	name   string
	limit  int
	handle handler
	id     int64
}

// serveAPI authenticates, finds the operation, applies its rate limit
// and runs it. Authentication comes first, so a request without a key
// learns nothing about which paths exist.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	if e := s.authenticate(r); e != nil {
		s.count(func(c *stats) { c.Unauthorized++ })
		writeError(w, e)
		return
	}
	op, e := s.match(r)
	if e != nil {
		writeError(w, e)
		return
	}
	if ok, wait := s.limits.allow(op.name, op.limit, s.cfg.RateWindow, s.now()); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		if secs < 1 {
			secs = 1
		}
		s.count(func(c *stats) { c.RateLimited++ })
		s.logf("rest: %s rate limited (%d per %s), retry after %ds", op.name, op.limit, s.cfg.RateWindow, secs)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeError(w, &apiError{status: http.StatusTooManyRequests, reason: "rateLimitExceeded",
			message: "rate limit exceeded for " + op.name + ": " + strconv.Itoa(op.limit) + " requests per " + s.cfg.RateWindow.String() + "; retry after " + strconv.Itoa(secs) + " s"})
		return
	}
	s.count(func(c *stats) { c.Requests++ })
	v, e := op.handle(r, op.id)
	if e != nil {
		writeError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// authenticate accepts the key as a bearer token (any case of "Bearer")
// or as ?apikey=, as the spec's two security schemes say.
func (s *Server) authenticate(r *http.Request) *apiError {
	key := r.URL.Query().Get("apikey")
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "bearer") {
			return unauthorized("the Authorization header must be \"Bearer <api key>\"")
		}
		key = strings.TrimSpace(tok)
	}
	if key == "" {
		return unauthorized("an API key is required (Authorization: Bearer <key>, or ?apikey=<key>)")
	}
	if subtle.ConstantTimeCompare([]byte(key), []byte(s.cfg.APIKey)) != 1 {
		return unauthorized("the API key is not valid")
	}
	return nil
}

// match finds the operation for a path and method.
func (s *Server) match(r *http.Request) (operation, *apiError) {
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, apiPrefix), "/")
	var ops map[string]operation
	var idText string
	switch {
	case len(segs) == 1 && segs[0] == "websockets":
		ops = map[string]operation{
			http.MethodGet:  {name: "websockets.list", handle: s.listWebsockets},
			http.MethodPost: {name: "websockets.create", handle: s.createWebsocket, limit: s.cfg.CreateRateLimit},
		}
	case len(segs) == 2 && segs[0] == "websockets":
		idText = segs[1]
		ops = map[string]operation{
			http.MethodGet:    {name: "websockets.get", handle: s.getWebsocket},
			http.MethodPatch:  {name: "websockets.update", handle: s.updateWebsocket},
			http.MethodDelete: {name: "websockets.delete", handle: s.deleteWebsocket},
		}
	case (len(segs) == 2 || len(segs) == 3) && segs[0] == "subscriptions" && kindByName(segs[1]) != nil:
		k := kindByName(segs[1])
		if len(segs) == 2 {
			ops = map[string]operation{
				http.MethodGet:  {name: k.op + ".list", handle: s.listSubscriptions(k)},
				http.MethodPost: {name: k.op + ".create", handle: s.createSubscription(k)},
			}
		} else {
			idText = segs[2]
			ops = map[string]operation{
				http.MethodGet:    {name: k.op + ".get", handle: s.getSubscription(k)},
				http.MethodPatch:  {name: k.op + ".update", handle: s.updateSubscription(k)},
				http.MethodDelete: {name: k.op + ".delete", handle: s.deleteSubscription(k)},
			}
		}
	default:
		return operation{}, notFound("no such resource: %s%s", apiPrefix, strings.Join(segs, "/"))
	}
	op, ok := ops[r.Method]
	if !ok {
		return operation{}, &apiError{status: http.StatusMethodNotAllowed, reason: "methodNotAllowed",
			message: r.Method + " is not allowed on " + r.URL.Path}
	}
	if op.limit == 0 {
		op.limit = s.cfg.RateLimit
	}
	if idText != "" {
		id, e := parseID("id", idText)
		if e != nil {
			e.where = "path"
			return operation{}, e
		}
		op.id = id
	}
	return op, nil
}

// count updates the counters under mu.
func (s *Server) count(f func(*stats)) {
	s.mu.Lock()
	f(&s.stats)
	s.mu.Unlock()
}

// socketBase is the ws:// (or wss://) origin websocket_url points at:
// the host the REST request came to, so the URL works through whatever
// address the client used.
func socketBase(r *http.Request) string {
	if r.TLS != nil {
		return "wss://" + r.Host
	}
	return "ws://" + r.Host
}

// issuer is the "iss" of tokens minted for a request: the API's origin,
// as production tokens carry https://dialpad.com.
func issuer(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}
