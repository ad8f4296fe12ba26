package dialpad

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
)

// facts are what subscriptions filter an event on, read from its JSON:
// the same code path for generated and injected events, so routing
// follows what is on the wire.
type facts struct {
	State                 string          `json:"state"`
	CallID                flexID          `json:"call_id"`
	ID                    flexID          `json:"id"`
	Direction             string          `json:"direction"`
	Target                *factRef        `json:"target"`
	EntryPointTarget      *factRef        `json:"entry_point_target"`
	ProxyTarget           *factRef        `json:"proxy_target"`
	GroupID               json.RawMessage `json:"group_id"`
	IsInternal            bool            `json:"is_internal"`
	MessageStatus         string          `json:"message_status"`
	MessageDeliveryResult json.RawMessage `json:"message_delivery_result"`
	Contact               *factRef        `json:"contact"`
}

type factRef struct {
	ID       flexID `json:"id"`
	Type     string `json:"type"`
	OfficeID flexID `json:"office_id"`
}

// flexID is an id that may come as a JSON number or a string of digits.
type flexID int64

func (f *flexID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%s is not an integer id", clip(b))
	}
	*f = flexID(v)
	return nil
}

func given(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

// readFacts parses an event of type kind.
func readFacts(raw []byte) (facts, error) {
	var f facts
	if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		return f, errors.New("an event must be a JSON object")
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return f, fmt.Errorf("the event's fields have the wrong types: %v", err)
	}
	return f, nil
}

// key names an injected event in the ledger the way generated ones are
// named, when it has the fields to ("" otherwise: the ledger then names
// it by its seq).
func (f *facts) key(kind string) string {
	switch {
	case kind == KindCall && f.CallID != 0 && f.State != "":
		return callKey(int64(f.CallID), f.State)
	case kind == KindSMS && f.ID != 0:
		return smsKey(int64(f.ID), f.Direction, f.MessageStatus)
	}
	return ""
}

// matches reports whether sub wants an event of its type with these
// facts.
func (sub *subscription) matches(f *facts) bool {
	if !sub.enabled {
		return false
	}
	switch sub.kind.name {
	case KindCall:
		if len(sub.callStates) > 0 && !oneOf("all", sub.callStates) && !oneOf(f.State, sub.callStates) {
			return false
		}
		// A group call is one to a department, call centre or other
		// group: it carries the group's id.
		if sub.groupCallsOnly && !given(f.GroupID) {
			return false
		}
		return sub.targets(f.Target, f.EntryPointTarget, f.ProxyTarget)
	case KindSMS:
		if sub.direction != "all" && f.Direction != sub.direction {
			return false
		}
		if f.IsInternal && !sub.includeInternal {
			return false
		}
		// A delivery-status update is an event that carries a delivery
		// result; only status=true subscriptions get those.
		if given(f.MessageDeliveryResult) && !sub.status {
			return false
		}
		return sub.targets(f.Target)
	case KindContact:
		return f.Contact != nil && f.Contact.Type == sub.contactType
	}
	return true
}

// targets reports whether an event involving refs concerns the
// subscription's target: one of them is the target, or, for an office,
// belongs to it. No target: the whole company.
func (sub *subscription) targets(refs ...*factRef) bool {
	if sub.targetType == "" {
		return true
	}
	for _, r := range refs {
		if r == nil {
			continue
		}
		if r.Type == sub.targetType && int64(r.ID) == sub.targetID {
			return true
		}
		if sub.targetType == "office" && int64(r.OfficeID) == sub.targetID {
			return true
		}
	}
	return false
}

// stamp hands out event_timestamps: the clock in Unix ms, bumped so that
// no two events share one (a ledger key and a client's de-duplication
// may lean on it). Caller holds mu.
func (s *Server) stamp() int64 {
	ms := s.now().UnixMilli()
	if ms <= s.lastStamp {
		ms = s.lastStamp + 1
	}
	s.lastStamp = ms
	return ms
}

// route records an event in the ledger and queues it on every open
// connection in the scope of each enabled subscription it matches: once
// per matching subscription, as Dialpad delivers to an endpoint once per
// subscription. A websocket with a secret gets a JWS signed with the
// secret it has now. Caller holds mu.
func (s *Server) route(kind, key, source string, raw []byte) (*LedgerEntry, error) {
	f, err := readFacts(raw)
	if err != nil {
		return nil, err
	}
	e := &LedgerEntry{Time: s.now(), Type: kind, Key: key, Source: source, Event: append(json.RawMessage(nil), raw...), Routes: []Route{}}
	if e.Key == "" {
		e.Key = f.key(kind)
	}
	var subs []*subscription
	for _, sub := range s.subs {
		if sub.kind.name == kind && s.websockets[sub.endpoint] != nil && sub.matches(&f) {
			subs = append(subs, sub)
		}
	}
	sort.Slice(subs, func(i, j int) bool { return subs[i].seq < subs[j].seq })
	type send struct {
		c     *conn
		sub   int64
		frame []byte
	}
	var sends []send
	conns := s.sortedConns()
	frames := map[int64][]byte{} // by websocket
	for _, sub := range subs {
		w := s.websockets[sub.endpoint]
		frame, ok := frames[w.id]
		if !ok {
			frame = raw
			if w.secret != "" {
				frame = []byte(signHS256("JWT", raw, []byte(w.secret)))
			}
			frames[w.id] = frame
		}
		r := Route{Subscription: strconv.FormatInt(sub.id, 10), Websocket: strconv.FormatInt(w.id, 10),
			Signed: w.secret != "", Queued: []string{}, Written: []string{}}
		for _, c := range conns {
			if !c.ending && c.inScope(sub) {
				r.Queued = append(r.Queued, c.ID())
				sends = append(sends, send{c, sub.id, frame})
			}
		}
		e.Routes = append(e.Routes, r)
	}
	// The ledger holds the entry before any frame can be written, so a
	// write is always recorded.
	s.ledger.Add(e)
	s.AddGenerated(1)
	for _, d := range sends {
		if d.c.SendEvent(d.frame, &delivery{s: s, c: d.c, entry: e, sub: d.sub}) {
			s.stats.Routed++
		} else {
			unqueued(s.ledger, e, d.sub, d.c.ID()) // the connection ended or was cut meanwhile
		}
	}
	return e, nil
}
