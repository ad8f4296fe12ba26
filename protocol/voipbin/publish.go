package voipbin

// route is one topic string an event is published under (A7), with its
// event type left open: the frame does not say it. Old-format strings are
// complete in head; new-format ones are head + event type + tail.
type route struct {
	head, tail string
	typed      bool
}

func (r route) topic(eventType string) string {
	if !r.typed {
		return r.head
	}
	return r.head + eventType + r.tail
}

// matches reports whether subscription prefix p matches r for event type
// t (the raw prefix rule of A5), without building the string.
func (r route) matches(p, t string) bool {
	if !r.typed {
		return Match(p, r.head)
	}
	n := len(r.head)
	if len(p) <= n {
		return Match(p, r.head)
	}
	if r.head != p[:n] {
		return false
	}
	rest := p[n:]
	if len(rest) <= len(t) {
		return t[:len(rest)] == rest
	}
	return t == rest[:len(t)] && Match(rest[len(t):], r.tail)
}

// pins reports whether p reaches into r's event-type segment, so that
// whether it matches depends on the event type.
func (r route) pins(p string) bool { return r.typed && len(p) > len(r.head) }

// origin is what a payload says about where it is published: its ids
// and, for the special cases of A7, the id that replaces its own.
type origin struct {
	resource   string // the topic resource X
	id         string
	customerID string
	ownerID    string
	ns         string // the new format's namespace: X, or "webhook" on the legacy (wrapped) path
	// special old-format topic (aimessage, chat, webchat), "" for the default
	oldResource, oldID string
}

// routes appends the topic strings o is published under, in the order
// VoIPBin's createTopics builds them: old format (customer, then agent
// when owner_id is set), then new format (customer, then agent).
func (o origin) routes(dst []route) []route {
	oldRes, oldID := o.resource, o.id
	if o.oldResource != "" {
		oldRes, oldID = o.oldResource, o.oldID
	}
	if setID(o.customerID) {
		dst = append(dst, route{head: ScopeCustomer + ":" + o.customerID + ":" + oldRes + ":" + oldID})
	}
	if setID(o.ownerID) {
		dst = append(dst, route{head: ScopeAgent + ":" + o.ownerID + ":" + oldRes + ":" + oldID})
	}
	ns := o.ns
	if ns == "" {
		ns = o.resource
	}
	if setID(o.customerID) {
		dst = append(dst, route{head: ScopeCustomer + ":" + o.customerID + ":" + ns + ":", tail: ":" + o.id, typed: true})
	}
	if setID(o.ownerID) {
		dst = append(dst, route{head: ScopeAgent + ":" + o.ownerID + ":" + ns + ":", tail: ":" + o.id, typed: true})
	}
	return dst
}

// PublishedTopics lists the topic strings VoIPBin publishes an event of
// eventType under (A7), for a resource with the given id, customer and
// owner (owner "" or the nil UUID when it has none), in createTopics
// order. Special cases: aimessage events use their aicall's id, chat
// events their chat's, webchat events their session's (pass it as
// specialID); chat participants other than the owner are not known here.
func PublishedTopics(eventType, id, customerID, ownerID, specialID string) []string {
	o := origin{resource: ResourceOf(eventType), id: id, customerID: customerID, ownerID: ownerID}
	o.special(eventType, specialID)
	rs := o.routes(nil)
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.topic(eventType)
	}
	return out
}

// special applies A7's special cases to the old-format topic.
func (o *origin) special(eventType, specialID string) {
	switch r := ResourceOf(eventType); {
	case r == "aimessage":
		o.oldResource, o.oldID = "aicall", specialID
	case r == "chat" || r == "chatmessage" || r == "chatparticipant":
		o.oldResource, o.oldID = "chat", specialID
	case len(eventType) > len("webchat_") && eventType[:len("webchat_")] == "webchat_":
		o.oldResource, o.oldID = "webchat_session", specialID
	}
	if o.oldResource != "" && o.oldID == "" {
		o.oldID = NilUUID
	}
}
