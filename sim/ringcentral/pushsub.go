package ringcentral

import (
	"encoding/json"
	"fmt"
	mrand "math/rand"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/evtap/evtap/sim/emu"
	"github.com/evtap/evtap/sim/pubnub"
)

// RingCentral's REST subscriptions with deliveryMode.transportType
// "PubNub" (ringcentral-pubnub.md §3, seed 003): created, read, renewed
// and deleted over plain HTTP, their notifications published to a PubNub
// channel of the pubnub service mounted on the same listener. All of it
// is guarded by Server.mu.

// transportPubNub is the delivery mode these subscriptions take.
const transportPubNub = "PubNub"

// maxPushSubscriptions bounds the subscriptions alive at once; one more
// gets 403 SUB-505 "Subscriptions limit exceeded" (evtap's choice of
// number; the code is the documented one).
const maxPushSubscriptions = 100

// pushState is the PubNub transport's part of the emulator.
type pushState struct {
	cfg       PubNubConfig
	pn        *pubnub.Service
	subKey    string
	secretKey string
	subs      map[string]*pushSub
	count     int    // subscriptions created ever; seeds their generators
	failNext  string // error code the next renew answers with
	rotate    bool   // the next renew gets a new key
	ids       *mrand.Rand
	stats     pushStats
}

type pushStats struct {
	created, renewed, renewedByPut, deleted, expired, refused, published uint64
}

// pushSub is one REST subscription delivered over PubNub.
type pushSub struct {
	id        string
	seq       int // creation order
	filters   []filter
	created   time.Time
	expires   time.Time
	lifetime  time.Duration
	address   string // the PubNub channel
	key       string // base64 encryption key; "" when notifications go plain
	asked     bool   // the request asked for encryption
	plain     bool   // encryption switched off by the operator
	gen       *generator
	generated uint64
	renewals  int
}

// newPushState makes the transport's state and the PubNub service. Its
// keys, ids and channels come from a source of their own seeded from the
// emulator's seed, so that the WebSocket sessions' ids stay what they
// were for a given seed.
func (s *Server) newPushState(cfg PubNubConfig) *pushState {
	p := &pushState{
		cfg: cfg,
		pn: pubnub.New(pubnub.Config{Hold: cfg.Hold, QueueSize: cfg.QueueSize, QueueTTL: cfg.QueueTTL,
			Now: s.cfg.Now}),
		subs: map[string]*pushSub{},
		ids:  mrand.New(mrand.NewSource(s.seed ^ 0x5075624e7562)), // "PubNub"
	}
	p.subKey = "sub-c-" + p.newID()
	p.secretKey = "sec-c-" + strings.ReplaceAll(p.newID(), "-", "")
	return p
}

// newID draws an id shaped like a UUID. Caller holds Server.mu (or is
// building the state).
func (p *pushState) newID() string { return drawUUID(p.ids) }

// pushRoutes serves the REST subscription API and mounts PubNub.
func (s *Server) pushRoutes() {
	s.push.pn.Mount(s.Server)
	s.push.pn.AddKey(s.push.subKey)
	s.Handle("POST "+pathSubscription, s.pushREST(s.pushCreate))
	s.Handle("POST "+pathSubscription+"/", s.pushREST(s.pushCreate))
	s.Handle("GET "+pathSubscription, s.pushREST(s.pushList))
	s.Handle("GET "+pathSubscription+"/{id}", s.pushREST(s.pushRead))
	s.Handle("PUT "+pathSubscription+"/{id}", s.pushREST(s.pushRenew))
	s.Handle("POST "+pathSubscription+"/{id}/renew", s.pushREST(s.pushRenew))
	s.Handle("DELETE "+pathSubscription+"/{id}", s.pushREST(s.pushDelete))
}

// pushHandler answers one REST call with a status and a body (nil: no
// body). It runs with mu held.
type pushHandler func(r *http.Request, body []byte) (int, any)

// pushREST checks the bearer token, reads the body and runs h with mu
// held.
func (s *Server) pushREST(h pushHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := emu.ReadBody(r)
		if err != nil {
			apiError(w, http.StatusRequestEntityTooLarge, "CMN-101", err.Error())
			return
		}
		s.mu.Lock()
		t := s.tokens[bearer(r)]
		var status int
		var answer any
		switch {
		case t == nil:
			status, answer = http.StatusUnauthorized, rcError("OAU-213", "Token not found", "")
		case !s.now().Before(t.expires):
			status, answer = http.StatusUnauthorized, rcError("OAU-128", "Access token expired", "")
		default:
			status, answer = h(r, body)
		}
		s.mu.Unlock()
		if answer == nil {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, answer)
	}
}

// pushRequest is the body of POST and PUT .../subscription for PubNub.
type pushRequest struct {
	EventFilters []string `json:"eventFilters"`
	DeliveryMode struct {
		TransportType string `json:"transportType"`
		Encryption    bool   `json:"encryption"`
	} `json:"deliveryMode"`
	ExpiresIn *int `json:"expiresIn"`
}

// pushDeliveryMode is deliveryMode of a PubNub subscription (seed 003):
// the algorithm and key only when encrypted.
type pushDeliveryMode struct {
	TransportType       string `json:"transportType"`
	Encryption          bool   `json:"encryption"`
	Address             string `json:"address"`
	SubscriberKey       string `json:"subscriberKey"`
	SecretKey           string `json:"secretKey,omitempty"`
	EncryptionAlgorithm string `json:"encryptionAlgorithm,omitempty"`
	EncryptionKey       string `json:"encryptionKey,omitempty"`
}

// pushInfo is a PubNub subscription as the REST API describes it, in the
// seed's field order.
type pushInfo struct {
	ID             string           `json:"id"`
	URI            string           `json:"uri"`
	CreationTime   string           `json:"creationTime"`
	ExpirationTime string           `json:"expirationTime"`
	ExpiresIn      int              `json:"expiresIn"`
	Status         string           `json:"status"`
	EventFilters   []string         `json:"eventFilters"`
	DeliveryMode   pushDeliveryMode `json:"deliveryMode"`
}

func (s *Server) pushInfo(sub *pushSub) pushInfo {
	events := make([]string, len(sub.filters))
	for i, f := range sub.filters {
		events[i] = f.event
	}
	dm := pushDeliveryMode{TransportType: transportPubNub, Address: sub.address,
		SubscriberKey: s.push.subKey, SecretKey: s.push.secretKey}
	if sub.key != "" {
		dm.Encryption, dm.EncryptionAlgorithm, dm.EncryptionKey = true, "AES", sub.key
	}
	return pushInfo{ID: sub.id, URI: pathSubscription + "/" + sub.id, CreationTime: rcTime(sub.created),
		ExpirationTime: rcTime(sub.expires), ExpiresIn: seconds(sub.expires.Sub(s.now())), Status: "Active",
		EventFilters: events, DeliveryMode: dm}
}

// readPushRequest parses a request body; empty is allowed when
// emptyOK (a PUT with no body renews).
func readPushRequest(body []byte, emptyOK bool) (pushRequest, int, any) {
	var req pushRequest
	if len(strings.TrimSpace(string(body))) == 0 {
		if emptyOK {
			return req, 0, nil
		}
		return req, http.StatusBadRequest, rcError("CMN-101", "Request body is missing", "")
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return req, http.StatusBadRequest, rcError("CMN-101", "Request body is not valid JSON: "+clip(err.Error()), "")
	}
	if req.ExpiresIn != nil && *req.ExpiresIn <= 0 {
		return req, http.StatusBadRequest, rcError("CMN-101", fmt.Sprintf("Parameter [expiresIn] value is invalid: %d", *req.ExpiresIn), "expiresIn")
	}
	return req, 0, nil
}

// pushFilters checks a request's filters; a refusal is 400 SUB-508
// "Invalid event filters" with one errors[] entry per bad filter (at
// most maxFilterErrors) or SUB-405/SUB-406 as the WebSocket emulator
// answers for none or too many.
func pushFilters(raw []string) ([]filter, int, any) {
	fs, status, refusal := checkFilters(raw)
	if fs != nil {
		return fs, 0, nil
	}
	if b, ok := refusal.(errBody); ok && b.ErrorCode == errFilterInvalid && len(raw) <= maxFilters {
		b.ErrorCode = errPushFilterInvalid
		b.Message = "Invalid event filters: " + clip(strings.Join(raw, ", "))
		for i := range b.Errors {
			b.Errors[i].ErrorCode = errPushFilterInvalid
		}
		return nil, status, b
	}
	return nil, status, refusal
}

// errPushFilterInvalid is the documented code of a bad filter in the
// REST subscription API (RCD docs/basics/errors.md).
const errPushFilterInvalid = "SUB-508"

// wantsEncryption says whether a subscription must be encrypted under
// the policy.
func (p *pushState) wantsEncryption(fs []filter, asked bool) bool {
	switch p.cfg.Encryption {
	case EncryptAlways:
		return true
	case EncryptOnRequest:
		return asked
	}
	if asked {
		return true
	}
	for _, f := range fs {
		if f.kind == KindPresence {
			return true
		}
	}
	return false
}

// pushCreate is POST /restapi/v1.0/subscription.
func (s *Server) pushCreate(r *http.Request, body []byte) (int, any) {
	req, status, refusal := readPushRequest(body, false)
	if refusal != nil {
		return status, refusal
	}
	if t := req.DeliveryMode.TransportType; !strings.EqualFold(t, transportPubNub) {
		return http.StatusBadRequest, rcError("SUB-522", "Parameter [deliveryMode.transportType] value is invalid: "+
			clip(t)+" (over REST the emulator creates PubNub subscriptions; WebSocket ones are made over the WebSocket)", "deliveryMode.transportType")
	}
	fs, status, refusal := pushFilters(req.EventFilters)
	if fs == nil {
		s.push.stats.refused++
		return status, refusal
	}
	if len(s.push.subs) >= maxPushSubscriptions {
		s.push.stats.refused++
		return http.StatusForbidden, rcError("SUB-505", "Subscriptions limit exceeded", "")
	}
	now := s.now()
	s.push.count++
	lifetime := s.push.cfg.Lifetime
	if req.ExpiresIn != nil {
		lifetime = clampLifetime(time.Duration(*req.ExpiresIn) * time.Second)
	}
	sub := &pushSub{
		id: s.push.newID(), seq: s.push.count, filters: fs, created: now, lifetime: lifetime, expires: now.Add(lifetime),
		address: DemoExtensionID + "_" + strings.ReplaceAll(s.push.newID(), "-", "")[:8],
		asked:   req.DeliveryMode.Encryption,
		gen:     newGenerator(s.seed*1000033 + 7919*int64(s.push.count)),
	}
	if s.push.wantsEncryption(fs, sub.asked) {
		sub.key = newPushKey()
	}
	s.push.subs[sub.id] = sub
	s.push.stats.created++
	s.Mark(emu.StartFirstSubscription)
	s.logf("pubnub subscription %s created: %d filter(s), channel %s, encrypted %v, expires in %s", sub.id, len(fs), sub.address, sub.key != "", lifetime)
	return http.StatusOK, s.pushInfo(sub)
}

// pushList is GET /restapi/v1.0/subscription: every live subscription.
func (s *Server) pushList(*http.Request, []byte) (int, any) {
	records := []pushInfo{}
	for _, sub := range s.pushSubs("") {
		records = append(records, s.pushInfo(sub))
	}
	return http.StatusOK, struct {
		URI     string     `json:"uri"`
		Records []pushInfo `json:"records"`
	}{pathSubscription, records}
}

// pushSubs returns subscription id ("" = all) that has not expired, in
// creation order. Caller holds mu.
func (s *Server) pushSubs(id string) []*pushSub {
	now := s.now()
	var out []*pushSub
	for _, sub := range s.push.subs {
		if (id == "" || sub.id == id) && now.Before(sub.expires) {
			out = append(out, sub)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// lookup finds a live subscription or says 404 CMN-102: an unknown id and
// an expired one alike (an expired subscription is gone).
func (s *Server) lookup(id string) (*pushSub, int, any) {
	if subs := s.pushSubs(id); len(subs) == 1 {
		return subs[0], 0, nil
	}
	return nil, http.StatusNotFound, rcError("CMN-102", "Resource for parameter [subscriptionId] is not found", "subscriptionId")
}

// pushRead is GET /restapi/v1.0/subscription/{id}.
func (s *Server) pushRead(r *http.Request, _ []byte) (int, any) {
	sub, status, refusal := s.lookup(r.PathValue("id"))
	if sub == nil {
		return status, refusal
	}
	return http.StatusOK, s.pushInfo(sub)
}

// pushRenew is PUT /restapi/v1.0/subscription/{id} (with filters, or an
// empty body) and POST .../{id}/renew: a new expirationTime, and the id,
// channel, subscribe key and encryption key kept — unless the operator
// asked for a failure or a new key.
func (s *Server) pushRenew(r *http.Request, body []byte) (int, any) {
	id := r.PathValue("id")
	sub, status, refusal := s.lookup(id)
	if sub == nil {
		s.push.stats.refused++
		return status, refusal
	}
	if code := s.push.failNext; code != "" {
		s.push.failNext = ""
		s.push.stats.refused++
		e := renewErrors[code]
		if e.status == http.StatusNotFound {
			s.removePush(sub) // the answer says it is gone: so it is
		}
		s.logf("pubnub subscription %s: renew refused with %d %s (on request)", sub.id, e.status, code)
		return e.status, rcError(code, strings.ReplaceAll(e.message, "[..]", "["+sub.id+"]"), e.param)
	}
	req, status, refusal := readPushRequest(body, true)
	if refusal != nil {
		s.push.stats.refused++
		return status, refusal
	}
	if len(req.EventFilters) > 0 {
		fs, status, refusal := pushFilters(req.EventFilters)
		if fs == nil {
			s.push.stats.refused++
			return status, refusal
		}
		sub.filters = fs
	}
	if req.ExpiresIn != nil {
		sub.lifetime = clampLifetime(time.Duration(*req.ExpiresIn) * time.Second)
	}
	switch {
	case sub.plain:
	case sub.key == "" && s.push.wantsEncryption(sub.filters, sub.asked):
		sub.key = newPushKey()
	case sub.key != "" && s.push.rotate:
		sub.key = newPushKey()
		s.push.rotate = false
		s.logf("pubnub subscription %s: encryption key rotated", sub.id)
	}
	sub.expires = s.now().Add(sub.lifetime)
	sub.renewals++
	s.push.stats.renewed++
	if r.Method == http.MethodPut {
		s.push.stats.renewedByPut++
	}
	return http.StatusOK, s.pushInfo(sub)
}

// pushDelete is DELETE /restapi/v1.0/subscription/{id}: 204, no body.
func (s *Server) pushDelete(r *http.Request, _ []byte) (int, any) {
	sub, status, refusal := s.lookup(r.PathValue("id"))
	if sub == nil {
		return status, refusal
	}
	s.removePush(sub)
	s.push.stats.deleted++
	s.logf("pubnub subscription %s deleted", sub.id)
	return http.StatusNoContent, nil
}

// removePush forgets a subscription: nothing more is published to it.
// Caller holds mu.
func (s *Server) removePush(sub *pushSub) { delete(s.push.subs, sub.id) }

// expirePush forgets the subscriptions past their expirationTime: no
// delivery after it. Caller holds mu.
func (s *Server) expirePush(now time.Time) {
	for _, sub := range s.push.subs {
		if !now.Before(sub.expires) {
			s.removePush(sub)
			s.push.stats.expired++
			s.logf("pubnub subscription %s expired", sub.id)
		}
	}
}

// renewError is one of the documented error answers (RCD
// docs/basics/errors.md) the next renew can be made to give.
type renewError struct {
	status         int
	message, param string
}

// renewErrors are the codes FailNextRenew takes.
var renewErrors = map[string]renewError{
	"CMN-102": {http.StatusNotFound, "Resource for parameter [subscriptionId] is not found", "subscriptionId"},
	"SUB-507": {http.StatusNotFound, "Subscription with key [..] and assigned session [..] was expired", ""},
	"SUB-402": {http.StatusForbidden, "Presence feature is disabled for this extension type", ""},
	"SUB-403": {http.StatusForbidden, "User disallowed to monitor his presence", ""},
	"SUB-404": {http.StatusForbidden, "User disallowed this subscriber to pick up calls", ""},
	"SUB-405": {http.StatusForbidden, "Not allowed subscribe for messages to other extensions", ""},
	"SUB-406": {http.StatusForbidden, "Not allowed subscribe for events to extensions of other account", ""},
	"SUB-407": {http.StatusForbidden, "Not allowed subscribe for APNS if endpoint_id not defined", ""},
	"SUB-408": {http.StatusForbidden, "Not allowed subscribe for unknown user", ""},
	"SUB-505": {http.StatusForbidden, "Subscriptions limit exceeded", ""},
	"SUB-508": {http.StatusBadRequest, "Invalid event filters: [..]", "eventFilters"},
	"SUB-509": {http.StatusBadRequest, "findSubscription only works with PubNub transport type", ""},
	"SUB-511": {http.StatusMethodNotAllowed, "Action not allowed for APNS subscription", ""},
	"CMN-301": {http.StatusTooManyRequests, "Request rate exceeded", ""},
	"OAU-128": {http.StatusUnauthorized, "Access token expired", ""},
}

// RenewErrorCodes lists the codes FailNextRenew takes, sorted.
func RenewErrorCodes() []string {
	out := make([]string, 0, len(renewErrors))
	for c := range renewErrors {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
