package voipbin

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/evtap/evtap/protocol"
)

// Subscription statuses. VoIPBin never acknowledges a subscription (A3),
// so these say what the client knows, not what the server said.
const (
	// StatusSent: the topic went out in a subscribe frame.
	StatusSent = "Sent"
	// StatusActive: the connection went live after the topic was sent
	// (it survived the quiet delay; the server drops it at once on a
	// topic it refuses).
	StatusActive = "Active"
	// StatusLost: the connection dropped, without a close frame, before
	// it went live after this topic was sent: the server may have
	// refused it.
	StatusLost = "Lost"
	// StatusRemoved: unsubscribed, or not subscribed again after a drop.
	StatusRemoved = "Removed"
)

// Decoder is VoIPBin's protocol.Decoder: one per session, replay or
// import, fed every Update in order. From sent frames it knows the
// topics subscribed on the current connection (the server keeps nothing
// across connections); from received frames it makes one event per
// payload, with the event type inferred from the payload's shape, the
// subscribed prefix it matched and a duplicate mark; from states it
// derives the outage window after a drop (protocol.Outages), since
// VoIPBin has no resume token. It never returns a typed message: nothing the server sends
// needs an answer.
type Decoder struct {
	conn        int
	open        bool           // this connection was upgraded
	phase       protocol.Phase // as last reported
	topics      []string       // subscribed on this connection, in the order sent
	unconfirmed []string       // sent on this connection since it last went live
	lost        []string       // in force when the last connection dropped, until one goes live
	// outages opens a window when the delivering connection ends and
	// closes it when a new one subscribes: a connection delivers from
	// its subscribing state, since the server applies a subscribe at
	// once and acknowledges nothing.
	outages protocol.Outages

	seen    copies
	agents  memory // agent id → last status
	streams memory // streaming ids seen, for speech started/ended
	routes  []route
	hits    []hit
	p       Payload
}

// hit is a topic string a payload was published under that a subscribed
// prefix matches.
type hit struct {
	route  int
	prefix string
}

// NewDecoder returns a decoder for one session.
func NewDecoder() *Decoder { return &Decoder{} }

var _ protocol.Decoder = (*Decoder)(nil)

// Decode implements protocol.Decoder.
func (d *Decoder) Decode(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
	if u.Conn != 0 && u.Conn != d.conn {
		d.newConn(u.Conn)
	}
	d.outages.Up = protocol.PhaseSubscribing
	if g := d.outages.Observe(u); g != nil {
		g.Reason = "VoIPBin has no resume token and the server keeps no topics: " + g.Reason
		dst = append(dst, protocol.Update{Kind: protocol.KindGap, Gap: g})
	}
	switch u.Kind {
	case protocol.KindState:
		if u.State != nil {
			dst = d.state(dst, u)
		}
	case protocol.KindSent, protocol.KindRecv:
		f := u.Frame
		if f == nil || f.Op == protocol.OpHTTP {
			return dst, nil // REST exchanges are not socket traffic
		}
		d.open = true
		if raw == nil && f.Enc == "" {
			raw = []byte(f.Data)
		}
		if u.Kind == protocol.KindSent {
			if f.Op == protocol.OpText {
				dst = d.sent(dst, u, raw)
			}
			return dst, nil
		}
		switch f.Op {
		case protocol.OpText:
			dst = d.received(dst, u, raw)
		case protocol.OpBinary:
			dst = decodeError(dst, "a binary frame: VoIPBin sends only JSON text frames")
		}
	}
	return dst, nil
}

func (d *Decoder) newConn(n int) {
	d.conn, d.open = n, false
	d.topics, d.unconfirmed = nil, nil
	d.seen.reset()
}

func (d *Decoder) state(dst []protocol.Update, u *protocol.Update) []protocol.Update {
	prev := d.phase
	d.phase = u.State.Phase
	switch u.State.Phase {
	case protocol.PhaseUpgraded:
		d.open = true
	case protocol.PhaseDropped:
		if d.open {
			dst = d.dropped(dst, u)
		}
	case protocol.PhaseLive:
		if prev != protocol.PhaseLive {
			dst = d.wentLive(dst, u)
		}
	case protocol.PhaseClosed:
		d.open = false
	}
	return dst
}

// dropped ends the connection: the server forgets its topics. Topics
// sent since it last went live are marked: with no close frame, that is
// how VoIPBin refuses a topic (A3).
func (d *Decoder) dropped(dst []protocol.Update, u *protocol.Update) []protocol.Update {
	if NoCloseFrame(u.State.CloseCode) {
		for _, t := range d.unconfirmed {
			dst = append(dst, subscriptionUpdate(&protocol.Subscription{ID: t, Status: StatusLost, Filters: []string{t},
				Note: TopicNote(t), Error: &protocol.APIError{Message: "the server dropped the connection without a close frame after this topic was sent and before it went live; VoIPBin refuses a topic that way, with no message"}}))
		}
	}
	if len(d.topics) > 0 {
		d.lost = d.topics
	}
	d.open, d.topics, d.unconfirmed = false, nil, nil
	return dst
}

// wentLive confirms the topics sent since the last time, and removes
// those of the dropped connection that were not subscribed again.
func (d *Decoder) wentLive(dst []protocol.Update, u *protocol.Update) []protocol.Update {
	for _, t := range d.unconfirmed {
		dst = append(dst, subscriptionUpdate(&protocol.Subscription{ID: t, Status: StatusActive, Filters: []string{t}, Note: TopicNote(t)}))
	}
	d.unconfirmed = nil
	for _, t := range d.lost {
		if !slices.Contains(d.topics, t) {
			dst = append(dst, subscriptionUpdate(&protocol.Subscription{ID: t, Status: StatusRemoved}))
		}
	}
	d.lost = nil
	return dst
}

// sent tracks the topics a subscribe or unsubscribe frame changes, as
// the server applies them (A3): subscribe appends, ignoring repeats;
// unsubscribe removes the exact string.
func (d *Decoder) sent(dst []protocol.Update, u *protocol.Update, raw []byte) []protocol.Update {
	m, ok := DecodeClientMessage(raw)
	if !ok {
		return dst // the server logs and ignores it
	}
	u.Frame.Type = clean(m.Type, 24)
	switch m.Type {
	case TypeSubscribe:
		for _, t := range m.Topics {
			if slices.Contains(d.topics, t) {
				continue
			}
			d.topics = append(d.topics, t)
			d.unconfirmed = append(d.unconfirmed, t)
			dst = append(dst, subscriptionUpdate(&protocol.Subscription{ID: t, Status: StatusSent, Filters: []string{t}, Requested: []string{t}, Note: TopicNote(t)}))
		}
	case TypeUnsubscribe:
		for _, t := range m.Topics {
			i := slices.Index(d.topics, t)
			if i < 0 {
				continue
			}
			d.topics = slices.Delete(d.topics, i, i+1)
			if j := slices.Index(d.unconfirmed, t); j >= 0 {
				d.unconfirmed = slices.Delete(d.unconfirmed, j, j+1)
			}
			dst = append(dst, subscriptionUpdate(&protocol.Subscription{ID: t, Status: StatusRemoved}))
		}
	}
	return dst
}

// NoCloseFrame reports a drop with no close frame: no code at all, or
// 1006, the code WebSocket libraries (gorilla among them) report for a
// connection that ended without one; it is never sent on the wire.
func NoCloseFrame(closeCode int) bool { return closeCode == 0 || closeCode == 1006 }

func subscriptionUpdate(s *protocol.Subscription) protocol.Update {
	return protocol.Update{Kind: protocol.KindSubscription, Subscription: s}
}

func decodeError(dst []protocol.Update, msg string) []protocol.Update {
	return append(dst, protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: protocol.WhereDecode, Message: msg}})
}

// received reads a server frame: one payload, or a JSON array of them
// (voipbin-mcp accepts both, A10).
func (d *Decoder) received(dst []protocol.Update, u *protocol.Update, raw []byte) []protocol.Update {
	switch firstByte(raw) {
	case '{':
		var name string
		dst, name = d.payload(dst, raw)
		u.Frame.Type = name
	case '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return decodeError(dst, "bad JSON from the server: "+clean(err.Error(), 120))
		}
		u.Frame.Type = fmt.Sprintf("array of %d", len(elems))
		for _, e := range elems {
			dst, _ = d.payload(dst, e)
		}
	default:
		if !json.Valid(raw) {
			return decodeError(dst, "bad JSON from the server: "+clean(compactJSON(raw, 60), 60))
		}
		return decodeError(dst, "unknown frame shape: a JSON "+jsonKind(raw)+", not a resource object")
	}
	return dst
}

func jsonKind(raw []byte) string {
	switch c := firstByte(raw); {
	case c == '"':
		return "string"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	}
	return "number"
}

// payload makes the event for one payload object and returns its name.
func (d *Decoder) payload(dst []protocol.Update, data []byte) ([]protocol.Update, string) {
	p := &d.p
	*p = Payload{}
	if err := decodePayload(data, p); err != nil {
		if errors.Is(err, errNotObject) {
			return decodeError(dst, "unknown payload shape: a JSON "+jsonKind(data)+" inside the array, not a resource object"), ""
		}
		return decodeError(dst, "bad JSON from the server: "+clean(err.Error(), 120)), ""
	}
	exact, ns, inner := "", "", data
	if p.wrapped() {
		exact, inner = clean(p.Type, 60), p.Data
		*p = Payload{}
		if err := decodePayload(inner, p); err != nil {
			return decodeError(dst, "wrapped "+exact+": bad data: "+clean(err.Error(), 120)), ""
		}
		ns = "webhook"
	}
	shape := p.Shape()
	if shape == "" {
		if exact == "" {
			return decodeError(dst, "unknown frame shape: neither a VoIPBin resource (no id and customer_id) nor the wrapped {\"type\",\"data\"} shape: "+clean(compactJSON(data, 80), 80)), ""
		}
		shape = ShapeUnknown
	}
	resource := shape.Resource()
	var types []string
	if exact != "" {
		resource, types = ResourceOf(exact), []string{exact}
	} else {
		_, seen := d.streams[deref(p.StreamingID)]
		types = p.typeCandidates(shape, seen)
	}

	// Which subscribed prefixes match which topic strings it was
	// published under (A7), and so which copy this is.
	var limit int
	var prefix string
	certain := len(types) == 1
	name := ""
	if len(types) > 0 {
		name = types[0]
	}
	if resource != "" {
		o := origin{resource: resource, id: p.ID, customerID: p.CustomerID, ownerID: p.OwnerID, ns: resource}
		o.special(name, specialID(resource, p))
		d.routes = o.routes(d.routes[:0])
		if ns != "" { // the legacy path may use either namespace
			o.ns = ns
			for _, r := range o.routes(nil) {
				if r.typed {
					d.routes = append(d.routes, r)
				}
			}
		}
		d.hits = d.match(d.hits[:0], types)
		if len(d.hits) == 0 && exact == "" && len(d.topics) > 0 {
			// The server sent it, so a subscribed prefix matched: the
			// shape misled (a call_hangup still "terminating"), the
			// topic did not.
			if all := EventTypes[resource]; len(all) > 0 {
				if d.hits = d.match(d.hits[:0], all); len(d.hits) > 0 {
					types = all
				}
			}
		}
		limit = len(d.hits)
	} else {
		prefix, limit = d.byScope(p)
	}
	k := d.seen.add(inner, max(limit, 1))
	if k <= len(d.hits) && resource != "" {
		h := d.hits[k-1]
		prefix = h.prefix
		if r := d.routes[h.route]; r.pins(prefix) {
			var pinned []string
			for _, t := range types {
				if r.matches(prefix, t) {
					pinned = append(pinned, t)
				}
			}
			if len(pinned) > 0 {
				name, certain = pinned[0], len(pinned) == 1
			}
		}
	}
	if name != "" && !certain {
		name += "?"
	}

	prev := ""
	if shape == ShapeAgent && p.ID != "" {
		prev = d.agents[p.ID]
		d.agents.put(p.ID, p.Status)
	}
	if shape == ShapeSpeech && p.StreamingID != nil {
		d.streams.put(*p.StreamingID, "")
	}
	s := Summarize(p, shape, prev, inner)
	if prefix != "" {
		s.Summary = clean(s.Summary+" · via "+via(prefix), MaxSummary)
	} else if len(d.topics) > 0 {
		s.Summary = clean(s.Summary+" · matches no subscribed prefix", MaxSummary)
	}
	ev := &protocol.Event{
		Provider: ProviderName, ID: clean(p.ID, 80), Name: name, Label: s.Label, Summary: s.Summary,
		Duplicate: k > 1, Subscription: prefix, Timestamp: p.Timestamp(),
		Body: json.RawMessage(slices.Clone(data)),
	}
	return append(dst, protocol.Update{Kind: protocol.KindEvent, Event: ev}), name
}

// match finds, for each route, the longest subscribed prefix that
// matches it for one of the candidate types (the server delivers once per
// topic string however many prefixes match it, A5).
func (d *Decoder) match(dst []hit, types []string) []hit {
	for i, r := range d.routes {
		best := ""
		for _, p := range d.topics {
			if len(p) <= len(best) {
				continue
			}
			if !r.pins(p) {
				if r.matches(p, "") {
					best = p
				}
				continue
			}
			for _, t := range types {
				if r.matches(p, t) {
					best = p
					break
				}
			}
		}
		if best != "" {
			dst = append(dst, hit{route: i, prefix: best})
		}
	}
	return dst
}

// byScope credits a payload of unknown resource to the first subscribed
// prefix of its customer or owner that could match it (a 2-part prefix,
// or any when the resource is unknown), and bounds its copies by two
// topic strings per matching scope.
func (d *Decoder) byScope(p *Payload) (prefix string, limit int) {
	scopes := 0
	for _, s := range []string{ScopeCustomer + ":" + p.CustomerID, ScopeAgent + ":" + p.OwnerID} {
		found := false
		for _, t := range d.topics {
			if t == s || strings.HasPrefix(t, s+":") {
				if prefix == "" {
					prefix = t
				}
				found = true
			}
		}
		if found {
			scopes++
		}
	}
	return prefix, 2 * scopes
}

// specialID is the id A7's special cases publish under.
func specialID(resource string, p *Payload) string {
	switch resource {
	case "aimessage":
		return p.AicallID
	case "chat", "chatmessage", "chatparticipant":
		return p.ChatID
	case "webchat":
		return p.SessionID
	}
	return ""
}

// via is a prefix as a row shows it, short enough to be seen: without
// the scope id every row of a session shares, and without the scope too
// when it is the customer's ("…:call:call_hangup", "agent_id:…:call").
func via(prefix string) string {
	scope, rest, ok := strings.Cut(prefix, ":")
	if !ok {
		return prefix
	}
	_, rest, ok = strings.Cut(rest, ":")
	switch {
	case !ok:
		return scope + ":…"
	case scope == ScopeCustomer:
		return "…:" + rest
	}
	return scope + ":…:" + rest
}
