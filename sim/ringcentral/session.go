package ringcentral

import (
	"encoding/json"
	"strconv"
	"sync/atomic"
	"time"
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
	buf          []*note // from head on: the newest BufferSize notifications, oldest first
	head         int     // buf[:head] are evicted
	bufBytes     int     // the size of the live frames
	conn         *conn   // nil while lost
	lostAt       time.Time
	gen          *generator
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

// note is one notification: its frame and sequence, kept for replay,
// and what has become of it. The core tells it when a queued copy has
// been written or discarded; it counts itself dropped, once, when it has
// left the recovery buffer and every queue without ever being written.
type note struct {
	seq     uint64
	frame   []byte
	sess    *session
	s       *Server
	sent    atomic.Bool  // written to a socket at least once
	pending atomic.Int32 // queued copies not yet written or discarded
	evicted atomic.Bool  // out of the recovery buffer (or never in it)
	lost    atomic.Bool  // counted as dropped
	entry   *LedgerEntry // its ledger entry; nil when the ledger is off
}

// queue sends the notification on c; the core will call Delivered or
// Discarded for it.
func (n *note) queue(c *conn) {
	n.pending.Add(1)
	if n.entry == nil {
		c.SendEvent(n.frame, n)
		return
	}
	n.s.ledger.Do(func() { n.entry.Pending++ })
	c.SendEvent(n.frame, &copyTracker{n: n, conn: c.ID()})
}

// Delivered counts a write of the notification.
func (n *note) Delivered() {
	n.sent.Store(true)
	n.sess.delivered.Add(1)
	n.pending.Add(-1)
}

// Discarded is a queued copy that will never be written.
func (n *note) Discarded() {
	n.pending.Add(-1)
	n.checkLost()
}

// evict takes the notification out of the recovery buffer; why is one
// of the ledger's Evicted reasons.
func (n *note) evict(why string) {
	n.evicted.Store(true)
	if n.entry != nil {
		at := n.s.now()
		n.s.ledger.Do(func() { // the first eviction counts
			if n.entry.Evicted == "" {
				n.entry.Evicted, n.entry.EvictedAt = why, at
			}
		})
	}
	n.checkLost()
}

// checkLost counts the notification as dropped when nothing can deliver
// it any more and nothing ever did.
func (n *note) checkLost() {
	if n.evicted.Load() && n.pending.Load() == 0 && !n.sent.Load() && n.lost.CompareAndSwap(false, true) {
		n.s.AddDropped(1)
	}
}

// maxBufferBytes bounds one session's recovery buffer in bytes as well
// as in notifications (evtap's choice: hostile 1 MiB notifications must
// not hold 100 MiB per session). It is also kept under half of what one
// connection may queue, so that a replay never gets its own connection
// cut.
const maxBufferBytes = 16 << 20

// bufferBytes is the byte bound of a recovery buffer in force.
func (s *Server) bufferBytes() int {
	return int(min(maxBufferBytes, s.Limits().MaxConnQueued/2))
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
func (sub *subscription) info() subscriptionInfo {
	f := false
	events := make([]string, len(sub.filters))
	for i, x := range sub.filters {
		events[i] = x.event
	}
	return subscriptionInfo{
		URI: pathSubscription + "/" + sub.id, ID: sub.id, CreationTime: rcTime(sub.created),
		Status: "Active", EventFilters: events, ExpirationTime: rcTime(sub.expires),
		ExpiresIn:    int(subscriptionTTL / time.Second),
		DeliveryMode: deliveryMode{TransportType: transportWebSocket, Encryption: &f},
	}
}

// emit makes the session's next notification: it takes the next wsc
// sequence, keeps the frame for recovery, enters it in the ledger (from
// source) and sends it if the session has a connection. Caller holds mu;
// sess.sub is not nil.
func (s *Server) emit(sess *session, event string, body json.RawMessage, source string) {
	sess.seq++
	uuid := sess.gen.uuid()
	frame := notificationFrame(uuid, sess.gen.uuid(), wscRef{Token: s.wsc.encode(sess.id, sess.seq), Sequence: sess.seq},
		notification{UUID: uuid, Event: event, Timestamp: rcTime(s.now()),
			SubscriptionID: sess.sub.id, OwnerID: DemoExtensionID, Body: body})
	sess.generated++
	s.AddGenerated(1)
	n := &note{seq: sess.seq, frame: frame, sess: sess, s: s}
	if s.ledger != nil {
		n.entry = &LedgerEntry{Time: s.now(), Session: sess.id, Sequence: sess.seq, UUID: uuid,
			Subscription: sess.sub.id, Event: event, Source: source}
		s.ledger.Add(n.entry)
	}
	if c := sess.conn; c != nil {
		n.queue(c)
	}
	if s.cfg.BufferSize > 0 {
		s.keep(sess, n)
	} else {
		n.evict(EvictedUnbuffered) // never kept: lost unless the queued copy is written
	}
}

// keep puts a notification in the session's recovery buffer, evicting
// the oldest beyond BufferSize notifications or maxBufferBytes. Caller
// holds mu.
func (s *Server) keep(sess *session, n *note) {
	sess.buf = append(sess.buf, n)
	sess.bufBytes += len(n.frame)
	for len(sess.buf)-sess.head > s.cfg.BufferSize || (sess.bufBytes > s.bufferBytes() && len(sess.buf)-sess.head > 1) {
		old := sess.buf[sess.head]
		sess.buf[sess.head] = nil
		sess.head++
		sess.bufBytes -= len(old.frame)
		old.evict(EvictedOverflow)
	}
	// Evicting by moving the head keeps emit cheap with a large buffer;
	// the slice is compacted once the dead part is as long as the live.
	if sess.head > 0 && sess.head >= len(sess.buf)-sess.head {
		live := copy(sess.buf, sess.buf[sess.head:])
		clear(sess.buf[live:])
		sess.buf, sess.head = sess.buf[:live], 0
	}
}

// buffered is the session's recovery buffer, oldest first. Caller holds
// mu.
func (sess *session) buffered() []*note { return sess.buf[sess.head:] }

// generate makes one notification from the session's filters, of kind k
// if k is not empty, from source (for the ledger). It reports false when
// no filter matches k.
func (s *Server) generate(sess *session, k Kind, source string) bool {
	event, body, ok := pickBody(sess.gen, sess.sub.filters, k, s)
	if ok {
		s.emit(sess, event, body, source)
	}
	return ok
}

// notificationFrame writes a ServerNotification frame, byte for byte
// what encodeFrame makes of
//
//	[meta{ServerNotification, messageID, 200, wsc, {RCRequestId: requestID}}, n]
//
// but by hand, and with n.Body spliced in as it is: bodies come from the
// generator or from an Inject that has checked them, and this is the
// emulator's hottest path (see BenchmarkGenerate).
func notificationFrame(messageID, requestID string, wsc wscRef, n notification) []byte {
	out := make([]byte, 0, len(n.Body)+len(n.Event)+len(wsc.Token)+320)
	out = append(out, `[{"type":"ServerNotification","messageId":`...)
	out = appendJSONString(out, messageID)
	out = append(out, `,"status":200,"wsc":{"token":`...)
	out = appendJSONString(out, wsc.Token)
	out = append(out, `,"sequence":`...)
	out = strconv.AppendUint(out, wsc.Sequence, 10)
	out = append(out, `},"headers":{"RCRequestId":`...)
	out = appendJSONString(out, requestID)
	out = append(out, `}},{"uuid":`...)
	out = appendJSONString(out, n.UUID)
	out = append(out, `,"event":`...)
	out = appendJSONString(out, n.Event)
	out = append(out, `,"timestamp":`...)
	out = appendJSONString(out, n.Timestamp)
	out = append(out, `,"subscriptionId":`...)
	out = appendJSONString(out, n.SubscriptionID)
	if n.OwnerID != "" {
		out = append(out, `,"ownerId":`...)
		out = appendJSONString(out, n.OwnerID)
	}
	out = append(out, `,"body":`...)
	out = append(out, n.Body...)
	return append(out, "}]"...)
}

// appendJSONString appends s as a JSON string, as encoding/json writes
// it. The plain ASCII of ids, tokens and paths is copied; anything else
// goes through encoding/json.
func appendJSONString(out []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(out, q...)
		}
	}
	out = append(out, '"')
	out = append(out, s...)
	return append(out, '"')
}
