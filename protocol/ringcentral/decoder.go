package ringcentral

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/evtap/evtap/protocol"
)

// Decoder is RingCentral's protocol.Decoder: one per session, replay or
// import. It reads each text frame once, meta and body together, into
// typed fields (see scanner), and derives from the frames and states it
// is fed, and nothing else:
//
//   - an event per ServerNotification, with its row summary, wsc
//     sequence, replayed (R) and duplicate (D) marks;
//   - gaps from the wsc sequence (sequencer), including the unknown gap
//     of a new server session after one existed;
//   - subscription answers, matched by messageId to the requests it saw
//     the client send;
//   - Heartbeat round trips, from the sent frame's time to the echo's;
//   - decode errors (Where "decode") for frames it cannot read and
//     numberings it cannot follow.
//
// It sets Frame.Type and, for a received frame the session must act on,
// returns a *Greeting, *Answer, *ServerError or *WSC (see received.go).
// docs/ringcentral-notes.md states the rules it applies.
type Decoder struct {
	sc   scanner
	sub  scanner // for a body read apart from its frame (see envelope)
	line line
	seq  sequencer

	conn       int  // the connection the per-connection state is for
	greeted    bool // its ConnectionDetails arrived
	presented  bool // it presented a wsc token
	position   uint64
	posKnown   bool // position is the one it presented
	hadSession bool // a ConnectionDetails arrived before, on any connection
	replay     Replay

	pending map[string]Request // ClientRequests sent and not answered
	order   []string           // their ids, oldest first, to bound pending
	beats   map[string]time.Time
	ids     recentIDs // notifications that carry no sequence
}

// Bounds on what a decoder remembers of requests and heartbeats that
// were never answered.
const (
	maxPending = 64
	maxBeats   = 16
)

// NewDecoder returns a decoder in its initial state.
func NewDecoder() *Decoder {
	return &Decoder{pending: map[string]Request{}, beats: map[string]time.Time{}}
}

var _ protocol.Decoder = (*Decoder)(nil)

// Decode implements protocol.Decoder.
func (d *Decoder) Decode(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
	if u.Conn != d.conn {
		dst = d.newConn(dst, u.Conn)
	}
	// Times are compared as wall clock readings only: a replay reads
	// them back from a file without the monotonic part, and must derive
	// what the live session did.
	now := u.Time.Round(0)
	dst = d.seq.expire(dst, now)
	switch u.Kind {
	case protocol.KindState:
		if u.State != nil {
			dst = d.state(dst, u.State)
		}
		return dst, nil
	case protocol.KindRecv, protocol.KindSent:
	default:
		return dst, nil
	}
	f := u.Frame
	if f == nil {
		return dst, nil
	}
	sent := u.Kind == protocol.KindSent
	switch {
	case f.Op == protocol.OpText:
		// Data is the payload as text (the engine makes it from raw);
		// read it, so the strings the decoder hands out share it. A
		// caller that gave only raw, or a Data of another length, is
		// read from raw.
		data := f.Data
		if raw != nil && len(raw) != len(data) {
			data = string(raw)
		}
		return d.text(dst, u, now, data, sent)
	case f.Op == protocol.OpBinary && !sent:
		return decodeError(dst, "binary frame ignored: the WebSocket API sends only JSON text frames"), nil
	}
	return dst, nil
}

// newConn forgets what belonged to the previous connection.
func (d *Decoder) newConn(dst []protocol.Update, n int) []protocol.Update {
	dst = d.seq.flush(dst)
	d.conn, d.greeted, d.presented, d.posKnown = n, false, false, false
	d.replay = Replay{}
	clear(d.pending)
	d.order = d.order[:0]
	clear(d.beats)
	return dst
}

// state takes what the session said of the connection: whether it
// presented a recovery token (and at which position), and when it ended.
func (d *Decoder) state(dst []protocol.Update, st *protocol.State) []protocol.Update {
	switch st.Phase {
	case protocol.PhaseDialing:
		d.presented, d.posKnown = false, false
	case protocol.PhaseRecovering:
		d.presented = true
		if st.Recovery != nil {
			d.position, d.posKnown = st.Recovery.Sequence, true
		}
	case protocol.PhaseDropped, protocol.PhaseClosed:
		// A number held for reordering cannot come any more: recovery
		// resumes after the newest one.
		dst = d.seq.flush(dst)
		d.replay = Replay{}
		clear(d.pending)
		d.order = d.order[:0]
		clear(d.beats)
	}
	return dst
}

func decodeError(dst []protocol.Update, msg string) []protocol.Update {
	return append(dst, protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: protocol.WhereDecode, Message: msg}})
}

// meta is element 0 of a frame, as far as the decoder needs it.
type meta struct {
	typ, id, method, path string
	status                int
	wsc                   WSC
	hasWSC, hasSeq        bool
	badSeq                string // a sequence that is not a uint64, as sent
}

// frame is one text frame read: its meta and what its body held.
type frame struct {
	meta
	hasBody  bool
	env      envelope
	details  ConnectionDetails
	info     subscriptionInfo
	errBody  ErrorBody
	filters  []string
	request  Request
	answered bool // a pending request matched the answer's messageId
}

func (d *Decoder) text(dst []protocol.Update, u *protocol.Update, now time.Time, data string, sent bool) ([]protocol.Update, any) {
	var fr frame
	if msg := d.read(&fr, data, sent); msg != "" {
		if fr.typ != "" {
			u.Frame.Type = fr.typ
		}
		if sent {
			return decodeError(dst, "sent frame: "+msg), nil
		}
		return decodeError(dst, "bad frame: "+msg), nil
	}
	u.Frame.Type = fr.typ
	if sent {
		d.sent(&fr, now)
		return dst, nil
	}
	if fr.badSeq != "" {
		dst = decodeError(dst, "wsc.sequence "+clip(fr.badSeq, 40)+" is not a whole number from 0 to 2^64-1: ignored")
	}
	switch MessageType(fr.typ) {
	case TypeConnectionDetails:
		return d.greeting(dst, &fr)
	case TypeServerNotification:
		return d.notification(dst, now, &fr)
	case TypeClientRequest:
		dst, keep := d.account(dst, &fr, now)
		return d.answer(dst, &fr, keep)
	case TypeHeartbeat:
		dst, keep := d.account(dst, &fr, now)
		if t, ok := d.beats[fr.id]; ok {
			delete(d.beats, fr.id)
			rtt := max(now.Sub(t), 0)
			dst = append(dst, protocol.Update{Kind: protocol.KindHeartbeat, Heartbeat: &protocol.Heartbeat{Via: "message", RTT: protocol.Millis(rtt)}})
		}
		return dst, keepMsg(keep)
	case TypeError:
		dst, keep := d.account(dst, &fr, now)
		return dst, &ServerError{Status: fr.status, Body: fr.errBody, Keep: keep}
	}
	dst, keep := d.account(dst, &fr, now)
	dst = decodeError(dst, "unknown message type "+strconv.Quote(clip(fr.typ, 40))+" ignored")
	return dst, keepMsg(keep)
}

// keepMsg returns a *WSC as the message, or a nil interface for none.
func keepMsg(w *WSC) any {
	if w == nil {
		return nil
	}
	return w
}

// read parses one frame: a JSON array of the meta object and an
// optional body (null counts as none), the body read into the shape the
// meta's type gives it. It returns what is wrong, or "".
func (d *Decoder) read(fr *frame, data string, sent bool) string {
	sc := &d.sc
	sc.reset(data)
	more, isArray := sc.arrayFirst()
	switch {
	case sc.err != nil:
		return sc.err.Error()
	case !isArray:
		return ErrNotArray.Error()
	case !more:
		return "frame has 0 elements, want 1 or 2"
	case sc.next() != kindObject:
		if sc.err != nil {
			return sc.err.Error()
		}
		return "frame meta (element 0) must be an object"
	}
	d.readMeta(&fr.meta)
	if sc.err != nil {
		return sc.err.Error()
	}
	if fr.typ == "" {
		return "frame meta has no type"
	}
	if sc.arrayNext() {
		if sc.next() == kindNull {
			sc.literal()
		} else {
			fr.hasBody = true
			if msg := d.readBody(fr, sent); msg != "" {
				return msg
			}
		}
		if sc.arrayNext() {
			return "frame has more than 2 elements, want 1 or 2"
		}
	}
	sc.end()
	if sc.err != nil {
		return sc.err.Error()
	}
	return ""
}

func (d *Decoder) readMeta(m *meta) {
	sc := &d.sc
	more, _ := sc.objectFirst()
	for ; more; more = sc.objectNext() {
		switch sc.key() {
		case "type":
			m.typ = stringOnly(sc)
		case "messageId":
			m.id = sc.text()
		case "status":
			if s, f, isNum := sc.scalar(); isNum && plainInt(s) && f >= 0 && f < 1000 {
				m.status = int(f)
			}
		case "method":
			m.method = stringOnly(sc)
		case "path":
			m.path = stringOnly(sc)
		case "wsc":
			m.hasWSC, m.hasSeq, m.badSeq, m.wsc = false, false, "", WSC{}
			more, isObj := sc.objectFirst()
			m.hasWSC = isObj
			for ; more; more = sc.objectNext() {
				switch sc.key() {
				case "token":
					m.wsc.Token = sc.text()
				case "sequence":
					m.hasSeq, m.badSeq = false, ""
					switch sc.next() {
					case kindNumber:
						lit := sc.number()
						n, err := strconv.ParseUint(lit, 10, 64)
						if err != nil {
							m.badSeq = lit
							break
						}
						m.wsc.Sequence, m.hasSeq = n, true
					case kindNull:
						sc.literal()
					default:
						m.badSeq = sc.span()
					}
				default:
					sc.skip()
				}
			}
		default:
			sc.skip()
		}
	}
}

// stringOnly reads a string, or skips any other value and returns "".
func stringOnly(sc *scanner) string {
	if sc.next() == kindString {
		return sc.str()
	}
	sc.skip()
	return ""
}

// readBody reads element 1 as the meta's type says.
func (d *Decoder) readBody(fr *frame, sent bool) string {
	sc := &d.sc
	typ := MessageType(fr.typ)
	switch {
	case sent && typ == TypeClientRequest:
		fr.filters = readFilters(sc)
	case sent:
		sc.skip()
	case typ == TypeServerNotification:
		if sc.next() != kindObject {
			if sc.err != nil {
				return sc.err.Error()
			}
			return "ServerNotification body is not an object"
		}
		d.readEnvelope(&fr.env)
	case typ == TypeConnectionDetails:
		readDetails(sc, &fr.details)
	case typ == TypeClientRequest:
		fr.request, fr.answered = d.pending[fr.id]
		switch {
		case !fr.answered:
			sc.skip()
		case fr.status >= 200 && fr.status < 300:
			readInfo(sc, &fr.info)
		default:
			readErrorBody(sc, &fr.errBody)
		}
	case typ == TypeError:
		readErrorBody(sc, &fr.errBody)
	default:
		sc.skip()
	}
	return ""
}

// sent remembers a request or heartbeat the client sent, to pair it with
// its answer.
func (d *Decoder) sent(fr *frame, at time.Time) {
	switch MessageType(fr.typ) {
	case TypeClientRequest:
		if fr.id == "" {
			return
		}
		if _, ok := d.pending[fr.id]; !ok {
			if len(d.order) >= maxPending {
				delete(d.pending, d.order[0])
				d.order = append(d.order[:0], d.order[1:]...)
			}
			d.order = append(d.order, fr.id)
		}
		d.pending[fr.id] = Request{MessageID: fr.id, Method: fr.method, Path: fr.path, Filters: fr.filters}
	case TypeHeartbeat:
		if len(d.beats) >= maxBeats { // echoes that never came
			clear(d.beats)
		}
		d.beats[fr.id] = at
	}
}

// account follows the sequence of a frame that is not a notification
// and returns its wsc when it is the newest.
func (d *Decoder) account(dst []protocol.Update, fr *frame, at time.Time) ([]protocol.Update, *WSC) {
	if !fr.hasSeq {
		return dst, nil
	}
	dst, v := d.seq.advance(dst, fr.wsc.Sequence, at)
	if !v.newest {
		return dst, nil
	}
	w := WSC{Token: strings.Clone(fr.wsc.Token), Sequence: fr.wsc.Sequence}
	return dst, &w
}

// unanswered drops a request from pending.
func (d *Decoder) unanswered(id string) {
	delete(d.pending, id)
	for i, x := range d.order {
		if x == id {
			d.order = append(d.order[:i], d.order[i+1:]...)
			break
		}
	}
}

// clip cuts s to at most n bytes on a rune boundary, for messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
