package ringcentral

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/evtap/evtap/protocol"
	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/session"
)

// Classify names a frame by its meta type, for Frame.Type. It reads
// tokens only as far as the type, since Receive decodes the frame fully
// right after and a display hint must not cost a second parse.
func (p *Provider) Classify(data []byte) string {
	d := json.NewDecoder(bytes.NewReader(data))
	if t, err := d.Token(); err != nil || t != json.Delim('[') {
		return ""
	}
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	for d.More() {
		key, err := d.Token()
		if err != nil {
			return ""
		}
		if key == "type" {
			var typ string
			if d.Decode(&typ) != nil {
				return ""
			}
			return session.Sanitize(typ, 40)
		}
		var skip json.RawMessage
		if d.Decode(&skip) != nil {
			return ""
		}
	}
	return ""
}

// received is the message the transitional decoder hands to Receive: the
// frame itself, still decoded by Receive.
type received struct {
	op   protocol.Opcode
	data []byte
}

// Decoder implements session.Provider. For now it only names frames;
// Receive still decodes them.
func (p *Provider) Decoder() protocol.Decoder {
	return protocol.DecoderFunc(func(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
		if u.Frame == nil || (u.Frame.Op != protocol.OpText && u.Frame.Op != protocol.OpBinary) {
			return dst, nil
		}
		if u.Frame.Op == protocol.OpText {
			u.Frame.Type = p.Classify(raw)
		}
		if u.Kind != protocol.KindRecv {
			return dst, nil
		}
		return dst, received{u.Frame.Op, raw}
	})
}

// Receive handles one frame from the server.
func (p *Provider) Receive(l session.Link, msg any) {
	r := msg.(received)
	p.receive(l, r.op, r.data)
}

func (p *Provider) receive(l session.Link, op protocol.Opcode, data []byte) {
	if op != protocol.OpText {
		emitError(l, "decode", "binary frame ignored: the WebSocket API sends only JSON text frames")
		return
	}
	f, err := rc.Decode(data)
	if err != nil {
		emitError(l, "decode", "bad frame: "+err.Error())
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if l.Conn() != p.conn {
		return // a frame read while the connection was being replaced
	}
	switch f.Meta.Type {
	case rc.TypeConnectionDetails:
		p.onDetails(l, f)
		return
	case rc.TypeServerNotification:
		p.track(f.Meta, "")
		p.onNotification(l, f)
	case rc.TypeClientRequest:
		p.track(f.Meta, "")
		p.account(l, f.Meta)
		p.onAnswer(l, f)
	case rc.TypeHeartbeat:
		p.track(f.Meta, "")
		p.account(l, f.Meta)
		if sent, ok := p.beats[f.Meta.MessageID]; ok {
			delete(p.beats, f.Meta.MessageID)
			l.Emit(protocol.Update{Kind: protocol.KindHeartbeat, Heartbeat: &protocol.Heartbeat{Via: "message", RTT: protocol.Millis(time.Since(sent))}})
		}
	case rc.TypeError:
		p.track(f.Meta, "")
		p.account(l, f.Meta)
		p.onError(l, f)
	default:
		p.track(f.Meta, "")
		p.account(l, f.Meta)
		emitError(l, "decode", fmt.Sprintf("unknown message type %q ignored", session.Sanitize(string(f.Meta.Type), 40)))
	}
}

// account feeds the sequence number of a frame other than a
// notification or ConnectionDetails to the gap detector: a server that
// numbers every frame must not look as if it lost notifications. The
// documents leave open which frames carry wsc. Caller holds mu.
func (p *Provider) account(l session.Link, m rc.Meta) {
	if m.WSC == nil {
		return
	}
	emitGaps(l, p.seq.observe(m.WSC.Sequence).gaps)
	p.watchReorder(l)
}

// track applies the SDKs' wsc rule to one frame. Caller holds mu.
func (p *Provider) track(m rc.Meta, recoveryState string) {
	if KeepWSC(p.wsc, m, recoveryState) {
		w := *m.WSC
		p.wsc = &w
	}
}

func emitError(l session.Link, where, msg string) {
	l.Emit(protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: where, Message: msg}})
}

// onDetails handles ConnectionDetails: the connection is accepted, and
// what follows depends on the recovery outcome. Caller holds mu.
func (p *Provider) onDetails(l session.Link, f rc.Frame) {
	var cd rc.ConnectionDetails
	if f.Body != nil {
		if err := json.Unmarshal(f.Body, &cd); err != nil {
			emitError(l, "decode", "ConnectionDetails body: "+err.Error())
		}
	}
	p.track(f.Meta, cd.RecoveryState)
	if cd.RecoveryTimeout > 0 {
		p.recovery = time.Duration(cd.RecoveryTimeout) * time.Second
	}
	if p.greeting != nil {
		p.greeting.Stop()
		p.greeting = nil
	}
	p.connected, p.lostAt = true, time.Time{}
	l.Healthy()

	rec := &protocol.Recovery{Outcome: cd.RecoveryState, ErrorCode: session.Sanitize(cd.RecoveryErrorCode, 40),
		TimeoutSec: int(p.recovery / time.Second), BufferSize: cd.RecoveryBufferSize}
	if p.wsc != nil {
		rec.Token, rec.Sequence = p.wsc.Token, p.wsc.Sequence
	}
	l.State(protocol.State{Phase: protocol.PhaseConnected, Recovery: rec, Info: detailsInfo(cd)})

	var cdSeq uint64
	if f.Meta.WSC != nil {
		cdSeq = f.Meta.WSC.Sequence
	}
	had := p.hadSess
	p.hadSess = true
	switch {
	case p.presented == nil:
		p.newSession(l, cdSeq, had, "reconnected without recovery: the recovery window had passed or there was no wsc token")
	case cd.RecoveryState == rc.RecoverySuccessful:
		p.recoveredAt = l.Now()
		l.Working() // recovered: the backoff restarts from its first step
		l.State(protocol.State{Phase: protocol.PhaseRecovered, Recovery: rec})
		// The buffered notifications continue our numbering. A server
		// that restarted its numbering instead must not make every one
		// of them look late: follow its count from here.
		if cdSeq != 0 && cdSeq < p.seq.last {
			emitGaps(l, p.seq.reset(cdSeq))
			p.watchReorder(l)
		}
		if p.sub == nil || !slices.Equal(p.filters, p.subRequested) {
			p.subscribe(l)
			return
		}
		l.State(protocol.State{Phase: protocol.PhaseLive})
	default:
		cause := "recovery failed"
		if cd.RecoveryState == "" {
			cause = "a wsc token was presented but ConnectionDetails reported no recoveryState; resubscribing"
		} else if rec.ErrorCode != "" {
			cause += ": " + rec.ErrorCode
		}
		l.State(protocol.State{Phase: protocol.PhaseRecoveryFailed, Recovery: rec, Cause: cause})
		p.newSession(l, cdSeq, true, cause)
	}
}

// newSession starts over on a server session with nothing of ours: a
// gap of unknown size if one existed before, and a new subscription.
// Caller holds mu.
func (p *Provider) newSession(l session.Link, cdSeq uint64, reportGap bool, reason string) {
	emitGaps(l, p.seq.reset(cdSeq))
	p.watchReorder(l)
	p.recoveredAt = time.Time{}
	p.sub, p.subRequested = nil, nil
	if reportGap {
		l.Emit(protocol.Update{Kind: protocol.KindGap, Gap: &protocol.Gap{Reason: reason}})
	}
	p.subscribe(l)
}

// detailsInfo lists ConnectionDetails' limits for the connection pane.
func detailsInfo(cd rc.ConnectionDetails) map[string]string {
	info := map[string]string{}
	put := func(k string, v int, unit string) {
		if v != 0 {
			info[k] = strconv.Itoa(v) + unit
		}
	}
	put("idle_timeout", cd.IdleTimeout, "s")
	put("absolute_timeout", cd.AbsoluteTimeout, "s")
	put("recovery_timeout", cd.RecoveryTimeout, "s")
	put("recovery_buffer", cd.RecoveryBufferSize, "")
	put("max_connections", cd.MaxConnectionsPerSession, "")
	put("max_active_requests", cd.MaxActiveRequests, "")
	if cd.CreationTime != "" {
		info["creation_time"] = session.Sanitize(cd.CreationTime, 40)
	}
	return info
}

// onNotification turns a ServerNotification into an event, after any gap
// its sequence number reveals. Caller holds mu.
func (p *Provider) onNotification(l session.Link, f rc.Frame) {
	var seq uint64
	if f.Meta.WSC != nil {
		seq = f.Meta.WSC.Sequence
	}
	obs := p.seq.observe(seq)
	emitGaps(l, obs.gaps)
	p.watchReorder(l)
	ev, err := rc.EventOf(f)
	if err != nil {
		emitError(l, "decode", err.Error())
		return
	}
	ev.ID, ev.Name = session.Sanitize(ev.ID, 80), session.Sanitize(ev.Name, 300)
	ev.Subscription = session.Sanitize(ev.Subscription, 80)
	ev.Duplicate = obs.duplicate
	// Timestamps have millisecond precision: compare at that precision,
	// or an event made just after recovery reads as older.
	ev.Replayed = !p.recoveredAt.IsZero() && !ev.Timestamp.IsZero() && ev.Timestamp.Before(p.recoveredAt.Truncate(time.Millisecond))
	l.Emit(protocol.Update{Kind: protocol.KindEvent, Event: ev})
	if obs.late {
		emitError(l, "sequence", fmt.Sprintf("notification %d arrived late, after its gap was reported: it was not lost", seq))
	}
}

// onAnswer matches a ClientRequest answer to its request by messageId.
// Caller holds mu.
func (p *Provider) onAnswer(l session.Link, f rc.Frame) {
	req, ok := p.pending[f.Meta.MessageID]
	if !ok {
		emitError(l, "subscribe", fmt.Sprintf("answer to an unknown request %q ignored", session.Sanitize(f.Meta.MessageID, 80)))
		return
	}
	delete(p.pending, f.Meta.MessageID)
	if f.Meta.Status >= 200 && f.Meta.Status < 300 {
		p.subscribed(l, f, req)
		return
	}
	p.refused(l, f, req)
}

func (p *Provider) subscribed(l session.Link, f rc.Frame, req request) {
	s := &protocol.Subscription{Requested: req.filters}
	var info rc.SubscriptionInfo
	if f.Body != nil {
		if err := json.Unmarshal(f.Body, &info); err != nil {
			emitError(l, "subscribe", "subscription answer: "+err.Error())
		}
	}
	s.ID, s.Status = session.Sanitize(info.ID, 80), session.Sanitize(info.Status, 40)
	for _, ef := range info.EventFilters {
		s.Filters = append(s.Filters, session.Sanitize(ef, 300))
	}
	s.Transport, s.ExpiresIn = session.Sanitize(info.DeliveryMode.TransportType, 40), info.ExpiresIn
	for _, layout := range []string{time.RFC3339Nano, rc.TimeLayout} {
		if t, err := time.Parse(layout, info.ExpirationTime); err == nil {
			s.ExpiresAt = t
			break
		}
	}
	p.sub, p.subRequested = s, req.filters
	l.Working() // subscribed: the backoff restarts from its first step
	l.Emit(protocol.Update{Kind: protocol.KindSubscription, Subscription: s})
	if len(p.pending) == 0 {
		l.State(protocol.State{Phase: protocol.PhaseLive})
	}
}

// refused reports a refused subscription; the previous one, if any, stays
// in force and becomes what is wanted again, so a later resubscribe does
// not repeat the refused filters.
func (p *Provider) refused(l session.Link, f rc.Frame, req request) {
	apiErr := &protocol.APIError{Status: f.Meta.Status}
	var eb rc.ErrorBody
	if f.Body != nil && json.Unmarshal(f.Body, &eb) == nil {
		apiErr.Code, apiErr.Message = session.Sanitize(eb.ErrorCode, 40), session.Sanitize(eb.Message, 300)
		for _, d := range eb.Errors {
			if d.Message != "" && d.Message != eb.Message {
				apiErr.Message += "; " + session.Sanitize(d.Message, 300)
			}
		}
	}
	p.notSubscribed(l, req, apiErr)
}

// notSubscribed reports a subscription request that did not succeed.
// Caller holds mu.
func (p *Provider) notSubscribed(l session.Link, req request, apiErr *protocol.APIError) {
	l.Emit(protocol.Update{Kind: protocol.KindSubscription, Subscription: &protocol.Subscription{Requested: req.filters, Error: apiErr}})
	if len(p.pending) > 0 {
		return
	}
	if p.sub != nil {
		p.filters = slices.Clone(p.subRequested)
		l.State(protocol.State{Phase: protocol.PhaseLive, Cause: "new filters refused (" + apiErr.Error() + "); the previous subscription stays"})
		return
	}
	l.State(protocol.State{Phase: protocol.PhaseConnected, Cause: "subscription refused: " + apiErr.Error()})
}

// onError reports an Error frame. A WSG-400 means our wsc token is bad:
// forget it so the next connection starts a new session. Caller holds mu.
func (p *Provider) onError(l session.Link, f rc.Frame) {
	var eb rc.ErrorBody
	if f.Body != nil {
		_ = json.Unmarshal(f.Body, &eb)
	}
	msg := fmt.Sprintf("server error %s (status %d): %s", session.Sanitize(eb.ErrorCode, 40), f.Meta.Status, session.Sanitize(eb.Message, 300))
	if eb.ErrorCode == rc.WSGBadContext {
		p.wsc = nil
		msg += "; the wsc token is dropped and the next connection starts a new session"
	}
	emitError(l, "server", msg)
}

func emitGaps(l session.Link, gaps []*protocol.Gap) {
	for _, g := range gaps {
		l.Emit(protocol.Update{Kind: protocol.KindGap, Gap: g})
	}
}

// reorderWait is how long numbers skipped by a small jump may stay
// missing on a quiet stream before they are reported lost.
const reorderWait = 500 * time.Millisecond

// watchReorder keeps a timer running while the sequencer holds missing
// numbers, so a small jump on a quiet stream is still reported. Caller
// holds mu.
func (p *Provider) watchReorder(l session.Link) {
	switch {
	case p.seq.pending() && p.reorder == nil:
		p.reorder = time.AfterFunc(reorderWait, func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.reorder = nil
			emitGaps(l, p.seq.flush())
		})
	case !p.seq.pending() && p.reorder != nil:
		p.reorder.Stop()
		p.reorder = nil
	}
}
