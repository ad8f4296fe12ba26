package pubnub

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
	rc "github.com/evtap/evtap/protocol/ringcentral"
)

// ProviderName is Event.Provider for notifications that came over
// PubNub, and the name of their recordings.
const ProviderName = "ringcentral-pubnub"

// Decoder is the protocol.Decoder of a RingCentral session over PubNub:
// one per session, replay or import. Everything such a session does is
// an http exchange the engine publishes as a sent and a received frame;
// the decoder pairs them by id and derives, from them alone:
//
//   - a subscription Update for every create, renew and delete answer
//     (id, status, filters, expiry; a renew answered 404 removes it);
//   - an event per message of a poll answer, decrypted (Event.Seal says
//     how that went), summarised by protocol/ringcentral, marked
//     duplicate (D) by the notification's uuid and replayed (R) when it
//     came in the catch-up after a dropped poll and was published before
//     the poll that resumed;
//   - a gap when the cursor was away longer than PubNub keeps a message
//     (20 min), when a catch-up returned a full queue (100), and when a
//     subscription had to be re-created;
//   - decode errors for answers and messages it cannot read.
//
// For a received frame it returns a *SubscriptionAnswer or a *PollAnswer
// for the session to act on. Times come from the Updates only.
type Decoder struct {
	pending map[int]pendingRequest
	order   []int // pending ids, oldest first, to bound the map

	sub     subscription // in force; id "" when none
	prevKey Key          // the key the last rotation replaced
	gone    bool         // the subscription in force was found gone (a renew or delete answered 404)

	cursor    Cursor
	hasCursor bool
	lastOK    time.Time // the last poll answered 2xx: the cursor was fresh then
	broken    bool      // the last poll got no 2xx answer: the next one with a tt resumes
	ids       recentIDs
}

// subscription is what the decoder knows of the subscription in force.
type subscription struct {
	id, channel, subKey string
	key                 Key
	keyErr              error
	expires             time.Time
	// alive is the last moment it was known to work: its create or
	// renew answer, or the newest notification it brought.
	alive time.Time
}

// maxPending bounds the requests remembered while their answers are
// awaited.
const maxPending = 64

// NewDecoder returns a decoder in its initial state.
func NewDecoder() *Decoder { return &Decoder{pending: map[int]pendingRequest{}} }

var _ protocol.Decoder = (*Decoder)(nil)

// Decode implements protocol.Decoder.
func (d *Decoder) Decode(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
	if (u.Kind != protocol.KindSent && u.Kind != protocol.KindRecv) || u.Frame == nil || u.Frame.Op != protocol.OpHTTP {
		return dst, nil
	}
	data := raw
	if data == nil {
		data = []byte(u.Frame.Data)
	}
	now := u.Time.Round(0) // wall clock only: a replay reads times back without the monotonic part
	if u.Kind == protocol.KindSent {
		var r protocol.HTTPRequest
		if err := json.Unmarshal(data, &r); err != nil {
			return decodeError(dst, "sent http frame is not an HTTP request: "+err.Error()), nil
		}
		u.Frame.Type = d.request(now, r)
		return dst, nil
	}
	var r protocol.HTTPResponse
	if err := json.Unmarshal(data, &r); err != nil {
		return decodeError(dst, "received http frame is not an HTTP answer: "+err.Error()), nil
	}
	p, ok := d.pending[r.ID]
	if !ok {
		return dst, nil // an answer to a request not seen (a recording cut short), or not ours
	}
	d.forget(r.ID)
	u.Frame.Type = p.kind.String()
	switch p.kind {
	case reqPoll:
		return d.pollAnswer(dst, now, p, r)
	case reqCreate, reqRenew, reqDelete:
		return d.restAnswer(dst, now, p, r)
	}
	return dst, nil
}

// reqKind is what a request was for.
type reqKind int

const (
	reqOther reqKind = iota
	reqToken
	reqCreate
	reqRenew
	reqDelete
	reqRead
	reqPoll
	reqTime
	reqLeave
	reqHeartbeat
)

func (k reqKind) String() string {
	return [...]string{"http", "token", "create subscription", "renew subscription", "delete subscription",
		"read subscription", "subscribe", "time", "leave", "heartbeat"}[k]
}

// pendingRequest is a request awaiting its answer.
type pendingRequest struct {
	kind    reqKind
	at      time.Time
	method  string
	subID   string   // the subscription a renew or delete names
	filters []string // what a create or renew asked for
	poll    Request  // a subscribe
	resume  bool     // a subscribe resuming after a poll that failed
	away    time.Time
}

// request reads a request the session sent and remembers what its
// answer will be about; it returns the frame's display type.
func (d *Decoder) request(now time.Time, r protocol.HTTPRequest) string {
	p := pendingRequest{at: now, method: r.Method}
	u, err := url.Parse(r.URL)
	if err != nil {
		return ""
	}
	path := u.EscapedPath()
	switch {
	case strings.HasSuffix(path, rc.PathToken):
		p.kind = reqToken
	case strings.Contains(path, rc.PathSubscription):
		p.kind, p.subID = restKind(r.Method, path[strings.Index(path, rc.PathSubscription)+len(rc.PathSubscription):])
		if p.kind == reqCreate || p.kind == reqRenew {
			var body struct {
				EventFilters []string `json:"eventFilters"`
			}
			if json.Unmarshal([]byte(r.Body), &body) == nil {
				p.filters = body.EventFilters
			}
		}
	default:
		pr, err := ParseRequest(r.URL)
		if err != nil {
			return ""
		}
		switch pr.Kind {
		case KindSubscribe:
			p.kind, p.poll = reqPoll, pr
			if d.broken && !pr.Handshake {
				p.resume, p.away = true, d.lastOK
			}
		case KindTime:
			p.kind = reqTime
		case KindLeave:
			p.kind = reqLeave
		case KindHeartbeat:
			p.kind = reqHeartbeat
		}
	}
	if p.kind == reqOther {
		return ""
	}
	d.remember(r.ID, p)
	if p.kind == reqPoll && p.poll.Handshake {
		return "subscribe handshake"
	}
	return p.kind.String()
}

// restKind reads a subscription call from its method and the path after
// /restapi/v1.0/subscription.
func restKind(method, rest string) (reqKind, string) {
	rest = strings.Trim(rest, "/")
	id, tail, _ := strings.Cut(rest, "/")
	id = unescape(id)
	switch {
	case rest == "" && method == "POST":
		return reqCreate, ""
	case rest == "":
		return reqRead, ""
	case tail == "renew" && method == "POST":
		return reqRenew, id
	case tail != "":
		return reqOther, ""
	case method == "PUT":
		return reqRenew, id
	case method == "DELETE":
		return reqDelete, id
	}
	return reqRead, id
}

func (d *Decoder) remember(id int, p pendingRequest) {
	if _, dup := d.pending[id]; !dup {
		d.order = append(d.order, id)
	}
	d.pending[id] = p
	for len(d.order) > maxPending {
		delete(d.pending, d.order[0])
		d.order = d.order[1:]
	}
}

func (d *Decoder) forget(id int) {
	delete(d.pending, id)
	for i, v := range d.order {
		if v == id {
			d.order = append(d.order[:i], d.order[i+1:]...)
			break
		}
	}
}

func decodeError(dst []protocol.Update, msg string) []protocol.Update {
	return append(dst, protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: protocol.WhereDecode, Message: msg}})
}

// header reads a header of a published answer, whatever its case.
func header(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}
