package dialpad

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/evtap/evtap/sim/emu"
)

// subscription is an event subscription of any type; the fields a type
// does not take stay zero.
type subscription struct {
	id       int64
	seq      uint64
	kind     *subKind
	endpoint int64 // the websocket it delivers to; 0 once that is deleted
	enabled  bool

	callStates     []string // call; nil: every state
	groupCallsOnly bool     // call
	targetType     string   // call, sms; "" = the whole company
	targetID       int64    // with targetType

	direction       string // sms
	includeInternal bool   // sms
	status          bool   // sms: delivery-status events too

	agentType   string // agent_status
	contactType string // contact
}

func (sub *subscription) sequence() uint64 { return sub.seq }

// subscriptionJSON is the union of the spec's *EventSubscriptionProto
// schemas; render fills the fields of the subscription's type. Keys are
// in the spec examples' (alphabetical) order.
type subscriptionJSON struct {
	AgentType       string         `json:"agent_type,omitempty"`
	CallStates      []string       `json:"call_states,omitempty"`
	ContactType     string         `json:"contact_type,omitempty"`
	Direction       string         `json:"direction,omitempty"`
	Enabled         bool           `json:"enabled"`
	GroupCallsOnly  *bool          `json:"group_calls_only,omitempty"`
	ID              string         `json:"id"`
	IncludeInternal *bool          `json:"include_internal,omitempty"`
	Status          *bool          `json:"status,omitempty"`
	TargetID        string         `json:"target_id,omitempty"`
	TargetType      string         `json:"target_type,omitempty"`
	Websocket       *websocketJSON `json:"websocket,omitempty"`
}

// renderSub makes a subscription's JSON; its websocket object carries a
// freshly minted URL scoped to this subscription (none when r is nil).
// Caller holds mu.
func (s *Server) renderSub(sub *subscription, r *http.Request) subscriptionJSON {
	out := subscriptionJSON{ID: strconv.FormatInt(sub.id, 10), Enabled: sub.enabled}
	switch sub.kind.name {
	case KindCall:
		out.CallStates = sub.callStates
		out.GroupCallsOnly = &sub.groupCallsOnly
	case KindSMS:
		out.Direction = sub.direction
		out.IncludeInternal = &sub.includeInternal
		out.Status = &sub.status
	case KindAgentStatus:
		out.AgentType = sub.agentType
	case KindContact:
		out.ContactType = sub.contactType
	}
	if sub.targetType != "" {
		out.TargetType = sub.targetType
		out.TargetID = strconv.FormatInt(sub.targetID, 10)
	}
	if w := s.websockets[sub.endpoint]; w != nil {
		out.Websocket = s.renderWebsocket(w, scope{ws: w.id, kind: sub.kind.name, sub: sub.id}, r)
	}
	return out
}

// applyBody reads a create (or update) body onto a copy of sub and
// returns the copy: a failed request changes nothing. Caller holds mu.
func (s *Server) applyBody(sub subscription, b body, create bool) (subscription, *apiError) {
	k := sub.kind
	required := k.requiredUpdate
	if create {
		// endpoint_id is not in the spec's required lists, but every
		// create description says it is needed "so that we know to which
		// url the events shall be sent"; without it nothing would arrive.
		required = append([]string{"endpoint_id"}, k.required...)
	}
	for _, f := range required {
		if !b.given(f) {
			return sub, requiredError(f)
		}
	}
	var e *apiError
	set := func(f func() *apiError) {
		if e == nil {
			e = f()
		}
	}
	set(func() *apiError { return readBool(b, "enabled", &sub.enabled) })
	switch k.name {
	case KindCall:
		set(func() *apiError {
			v, ok, e := b.enumList("call_states", CallStates)
			if ok {
				sub.callStates = v
			}
			return e
		})
		set(func() *apiError { return readBool(b, "group_calls_only", &sub.groupCallsOnly) })
	case KindSMS:
		set(func() *apiError { return readEnum(b, "direction", SMSDirections, &sub.direction) })
		set(func() *apiError { return readBool(b, "include_internal", &sub.includeInternal) })
		set(func() *apiError { return readBool(b, "status", &sub.status) })
	case KindAgentStatus:
		set(func() *apiError { return readEnum(b, "agent_type", AgentTypes, &sub.agentType) })
	case KindContact:
		set(func() *apiError { return readEnum(b, "contact_type", ContactTypes, &sub.contactType) })
	}
	if k.targeted {
		set(func() *apiError { return readEnum(b, "target_type", TargetTypes, &sub.targetType) })
		set(func() *apiError {
			v, ok, e := b.id("target_id")
			if ok {
				sub.targetID = v
			}
			return e
		})
		// The target is a pair; half of one would silently widen or
		// narrow what arrives.
		set(func() *apiError {
			switch {
			case sub.targetType != "" && sub.targetID == 0:
				return requiredError("target_id")
			case sub.targetType == "" && sub.targetID != 0:
				return requiredError("target_type")
			}
			return nil
		})
	}
	set(func() *apiError {
		id, ok, e := b.id("endpoint_id")
		if e != nil || !ok {
			return e
		}
		if s.websockets[id] == nil {
			return &apiError{status: http.StatusNotFound, reason: "notFound", location: "endpoint_id", where: "body",
				message: "endpoint_id: no websocket " + strconv.FormatInt(id, 10) + " (create one with POST " + apiPrefix + "websockets)"}
		}
		sub.endpoint = id
		return nil
	})
	return sub, e
}

func readBool(b body, field string, dst *bool) *apiError {
	v, ok, e := b.boolean(field)
	if ok {
		*dst = v
	}
	return e
}

func readEnum(b body, field string, allowed []string, dst *string) *apiError {
	v, ok, e := b.enum(field, allowed)
	if ok {
		*dst = v
	}
	return e
}

// checkLimits refuses a subscription that would pass the documented
// limits: MaxPerType of a type, MaxCompanyWide of a type without a
// target. was is the subscription being updated (nil on create). Caller
// holds mu.
func (s *Server) checkLimits(next *subscription, was *subscription) *apiError {
	var all, wide int
	for _, sub := range s.subs {
		if sub.kind != next.kind || sub == was {
			continue
		}
		all++
		if sub.targetType == "" {
			wide++
		}
	}
	limit := func(msg string, n int) *apiError {
		return &apiError{status: http.StatusBadRequest, reason: "limitExceeded",
			message: "a company may have at most " + strconv.Itoa(n) + " " + next.kind.title + "s" + msg}
	}
	if all >= s.cfg.MaxPerType {
		return limit("", s.cfg.MaxPerType)
	}
	if next.targetType == "" && wide >= s.cfg.MaxCompanyWide {
		return limit(" for the whole company (without a target)", s.cfg.MaxCompanyWide)
	}
	return nil
}

func (s *Server) createSubscription(k *subKind) handler {
	return func(r *http.Request, _ int64) (any, *apiError) {
		b, e := readBody(r)
		if e != nil {
			return nil, e
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		sub, e := s.applyBody(subscription{kind: k, enabled: true}, b, true)
		if e != nil {
			return nil, e
		}
		if e := s.checkLimits(&sub, nil); e != nil {
			return nil, e
		}
		s.seq++
		sub.id, sub.seq = s.newID(), s.seq
		s.subs[sub.id] = &sub
		s.logf("rest: %s %d created on websocket %d", k.title, sub.id, sub.endpoint)
		s.Mark(emu.StartFirstSubscription)
		return s.renderSub(&sub, r), nil
	}
}

func (s *Server) listSubscriptions(k *subKind) handler {
	return func(r *http.Request, _ int64) (any, *apiError) {
		after, limit, e := s.page(r, k.name)
		if e != nil {
			return nil, e
		}
		var targetType string
		var targetID int64
		if k.targeted {
			q := r.URL.Query()
			if v := q.Get("target_type"); v != "" {
				if !oneOf(v, TargetTypes) {
					return nil, paramError("target_type", "%q is not one of the target types", clip([]byte(v)))
				}
				targetType = v
			}
			if v := q.Get("target_id"); v != "" {
				if targetID, e = parseID("target_id", v); e != nil {
					return nil, e
				}
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		var items []*subscription
		for _, sub := range s.subs {
			if sub.kind == k && (targetType == "" || sub.targetType == targetType) && (targetID == 0 || sub.targetID == targetID) {
				items = append(items, sub)
			}
		}
		sort.Slice(items, func(i, j int) bool { return items[i].seq < items[j].seq })
		return paginate(k.name, items, (*subscription).sequence, after, limit, func(sub *subscription) any {
			return s.renderSub(sub, r)
		}), nil
	}
}

// subscription finds subscription id of type k. Caller holds mu.
func (s *Server) subscription(k *subKind, id int64) (*subscription, *apiError) {
	sub := s.subs[id]
	if sub == nil || sub.kind != k {
		return nil, notFound("%s %d not found", k.title, id)
	}
	return sub, nil
}

// getSubscription answers the subscription with a fresh URL scoped to it.
func (s *Server) getSubscription(k *subKind) handler {
	return func(r *http.Request, id int64) (any, *apiError) {
		s.mu.Lock()
		defer s.mu.Unlock()
		sub, e := s.subscription(k, id)
		if e != nil {
			return nil, e
		}
		return s.renderSub(sub, r), nil
	}
}

// updateSubscription changes the fields given; the next event is routed
// by the new ones.
func (s *Server) updateSubscription(k *subKind) handler {
	return func(r *http.Request, id int64) (any, *apiError) {
		b, e := readBody(r)
		if e != nil {
			return nil, e
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		sub, e := s.subscription(k, id)
		if e != nil {
			return nil, e
		}
		next, e := s.applyBody(*sub, b, false)
		if e != nil {
			return nil, e
		}
		if next.targetType == "" && sub.targetType != "" {
			if e := s.checkLimits(&next, sub); e != nil {
				return nil, e
			}
		}
		*sub = next
		s.logf("rest: %s %d updated (enabled: %v, websocket %d)", k.title, sub.id, sub.enabled, sub.endpoint)
		return s.renderSub(sub, r), nil
	}
}

// deleteSubscription answers the deleted subscription (its websocket
// without a URL) and ends the connections scoped to it.
func (s *Server) deleteSubscription(k *subKind) handler {
	return func(r *http.Request, id int64) (any, *apiError) {
		s.mu.Lock()
		defer s.mu.Unlock()
		sub, e := s.subscription(k, id)
		if e != nil {
			return nil, e
		}
		out := s.renderSub(sub, nil)
		delete(s.subs, id)
		n := s.endConns(func(c *conn) bool { return c.scope.sub == id }, "subscription deleted")
		s.logf("rest: %s %d deleted, %d connection(s) ended", k.title, id, n)
		return out, nil
	}
}
