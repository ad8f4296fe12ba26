package ringcentral

import (
	"encoding/json"
	"sync/atomic"
	"time"

	rc "github.com/evtap/evtap/protocol/ringcentral"
)

// session is one WebSocket session: what a wsc token recovers. It
// outlives its connection by RecoveryTimeout. All fields are guarded by
// Server.mu except delivered.
type session struct {
	id           string
	index        int // creation order; seeds the generator
	oauthSession string
	created      time.Time
	seq          uint64 // last wsc sequence used; ConnectionDetails of a new session is 1
	sub          *subscription
	buf          []buffered // newest BufferSize notifications, oldest first
	conn         *conn      // nil while lost
	lostAt       time.Time
	gen          *generator
	credit       float64 // fractional notifications owed by the rate
	generated    uint64
	delivered    atomic.Uint64
}

// subscription is the one subscription of a session.
type subscription struct {
	id      string
	filters []filter
	created time.Time
	expires time.Time
}

// buffered is a notification frame kept for replay, with its sequence.
type buffered struct {
	seq   uint64
	frame []byte
}

// subscriptionTTL is what the subscription body reports; WebSocket
// subscriptions renew themselves while the session lives (DOCS).
const subscriptionTTL = 86399 * time.Second

// newSession starts a session for an OAuth session. Caller holds mu.
func (s *Server) newSession(oauthSession string) *session {
	s.sessionCount++
	sess := &session{
		index: s.sessionCount, id: s.newID(), oauthSession: oauthSession, created: s.now(), seq: 1,
		gen: newGenerator(s.seed*1000003 + int64(s.sessionCount)),
	}
	s.sessions[sess.id] = sess
	return sess
}

// info is the subscription as the REST API describes it.
func (sub *subscription) info() rc.SubscriptionInfo {
	f := false
	events := make([]string, len(sub.filters))
	for i, x := range sub.filters {
		events[i] = x.event
	}
	return rc.SubscriptionInfo{
		URI: rc.PathSubscription + "/" + sub.id, ID: sub.id, CreationTime: rcTime(sub.created),
		Status: "Active", EventFilters: events, ExpirationTime: rcTime(sub.expires),
		ExpiresIn:    int(subscriptionTTL / time.Second),
		DeliveryMode: rc.DeliveryMode{TransportType: rc.TransportWebSocket, Encryption: &f},
	}
}

// emit makes the session's next notification: it takes the next wsc
// sequence, keeps the frame for recovery and sends it if the session has
// a connection. Caller holds mu; sess.sub is not nil.
func (s *Server) emit(sess *session, event string, body json.RawMessage) {
	sess.seq++
	uuid := sess.gen.uuid()
	meta := rc.Meta{
		Type: rc.TypeServerNotification, MessageID: uuid, Status: 200,
		WSC:     &rc.WSC{Token: s.wsc.encode(sess.id, sess.seq), Sequence: sess.seq},
		Headers: map[string]string{"RCRequestId": sess.gen.uuid()},
	}
	frame := notificationFrame(meta, rc.Notification{
		UUID: uuid, Event: event, Timestamp: rcTime(s.now()),
		SubscriptionID: sess.sub.id, OwnerID: DemoExtensionID, Body: body,
	})
	sess.generated++
	s.counters.Generated++
	if s.cfg.BufferSize > 0 {
		if len(sess.buf) >= s.cfg.BufferSize {
			copy(sess.buf, sess.buf[1:])
			sess.buf = sess.buf[:len(sess.buf)-1]
		}
		sess.buf = append(sess.buf, buffered{seq: sess.seq, frame: frame})
	}
	if sess.conn != nil {
		sess.conn.enqueue(outFrame{data: frame, notif: sess})
	}
}

// generate makes one notification from the session's filters, of kind k
// if k is not empty. It reports false when no filter matches k.
func (s *Server) generate(sess *session, k Kind) bool {
	var fs []filter
	for _, f := range sess.sub.filters {
		if k == "" || k == KindHostile || f.kind == k {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		return false
	}
	f := fs[sess.gen.rng.Intn(len(fs))]
	var b any = sess.gen.body(f, s.now())
	if k == KindHostile {
		b = sess.gen.spoil(b)
	}
	body, _ := json.Marshal(b)
	s.emit(sess, f.event, body)
	return true
}

// notificationFrame encodes [meta, n] as rc.Encode would, but splices
// n.Body in as it is instead of re-validating it: bodies come from the
// generator or from an Inject that has checked them, and this is the
// emulator's hottest path (see BenchmarkGenerate).
func notificationFrame(meta rc.Meta, n rc.Notification) []byte {
	m, _ := json.Marshal(meta)
	out := make([]byte, 0, len(m)+len(n.Body)+256)
	out = append(out, '[')
	out = append(out, m...)
	field := func(sep, name, v string) {
		out = append(out, sep...)
		out = append(out, name...)
		q, _ := json.Marshal(v)
		out = append(out, q...)
	}
	field(",{", `"uuid":`, n.UUID)
	field(",", `"event":`, n.Event)
	field(",", `"timestamp":`, n.Timestamp)
	field(",", `"subscriptionId":`, n.SubscriptionID)
	field(",", `"ownerId":`, n.OwnerID)
	out = append(out, `,"body":`...)
	out = append(out, n.Body...)
	return append(out, "}]"...)
}
