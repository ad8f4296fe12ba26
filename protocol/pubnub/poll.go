package pubnub

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
	rc "github.com/evtap/evtap/protocol/ringcentral"
)

// pollAnswer reads the answer to a subscribe: the failure the clients
// would report, or the messages and the next cursor.
func (d *Decoder) pollAnswer(dst []protocol.Update, now time.Time, p pendingRequest, r protocol.HTTPResponse) ([]protocol.Update, any) {
	a := &PollAnswer{Handshake: p.poll.Handshake, Channels: p.poll.Channels, Resumed: p.resume, HTTPStatus: r.Status}
	if r.Error != "" || r.Status == 0 {
		d.broken = true
		e := strings.ToLower(r.Error)
		a.Failure = NoAnswer(r.Error, strings.Contains(e, "deadline") || strings.Contains(e, "timeout"))
		return dst, a
	}
	if f := Classify(r.Status, header(r.Header, "Content-Type"), []byte(r.Body)); f != nil {
		d.broken = true
		a.Failure = f
		return dst, a
	}
	resp, err := ParseResponse([]byte(r.Body))
	if err != nil {
		d.broken = true
		a.Malformed = "not a PubNub v2 subscribe answer: " + err.Error()
		a.Failure = &Failure{Category: CategoryMalformedResponse, Status: r.Status, Message: a.Malformed}
		return decodeError(dst, "subscribe: "+a.Malformed+"; the cursor stays at "+d.cursorText()), a
	}
	if p.resume {
		// Before the catch-up it explains: what is missing is older.
		dst = d.caughtUp(dst, now, p, len(resp.Messages))
	}
	var older, foreign int
	for i := range resp.Messages {
		m := &resp.Messages[i]
		switch {
		case m.IsPresence():
			continue // a presence event, not a notification; RingCentral's channels carry none
		case !p.poll.subscribed(m):
			foreign++
			continue
		case m.Type != TypeMessage:
			dst = decodeError(dst, "a PubNub "+TypeName(m.Type)+" on "+m.Channel+" is not a RingCentral notification: ignored")
			continue
		}
		if !p.poll.Handshake && m.Publish.T <= p.poll.Cursor.T {
			older++
		}
		catchUp := p.resume && m.Publish.T.Time().Before(p.at)
		if catchUp {
			a.CatchUp++
		}
		if m.For(d.sub.channel) {
			d.sub.alive = now
		}
		dst = d.message(dst, m, catchUp)
		a.Events++
	}
	if foreign > 0 {
		dst = decodeError(dst, strconv.Itoa(foreign)+" message(s) for a channel this poll did not subscribe (b/c): dropped, as PubNub 8 and later drop them")
	}
	if older > 0 {
		dst = decodeError(dst, strconv.Itoa(older)+" message(s) not newer than the tt sent ("+p.poll.Cursor.T.String()+"): the server should send only newer ones")
	}
	if d.hasCursor && !p.poll.Handshake && resp.Cursor.T < p.poll.Cursor.T {
		dst = decodeError(dst, "the answer's t ("+resp.Cursor.T.String()+") is older than the tt sent ("+p.poll.Cursor.T.String()+"): followed, though messages may come again")
	}
	d.cursor, d.hasCursor, d.lastOK, d.broken = resp.Cursor, true, now, false
	a.Cursor, a.OK = resp.Cursor, true
	return dst, a
}

// subscribed reports whether a poll of r's channels should be handed m.
func (r Request) subscribed(m *Message) bool {
	for _, c := range r.Channels {
		if m.For(c) {
			return true
		}
	}
	return len(r.Channels) == 0
}

// caughtUp reports what a resumed poll may have missed: PubNub keeps a
// channel's messages 20 minutes and at most 100 of them, and says
// nothing of what it dropped.
func (d *Decoder) caughtUp(dst []protocol.Update, now time.Time, p pendingRequest, n int) []protocol.Update {
	if p.away.IsZero() {
		return dst // never had an answer: nothing to measure from
	}
	away := p.at.Sub(p.away).Round(time.Second)
	var why []string
	if p.at.Sub(p.away) > QueueTTL {
		why = append(why, "the cursor was away "+away.String()+", longer than PubNub keeps a message ("+QueueTTL.String()+"): what was published before "+p.at.Add(-QueueTTL).Local().Format("15:04:05")+" is gone")
	}
	if n >= QueueLimit {
		why = append(why, "the catch-up returned "+strconv.Itoa(n)+" messages, as many as PubNub queues for a channel ("+strconv.Itoa(QueueLimit)+"): older ones were dropped (the cursor was away "+away.String()+")")
	}
	if len(why) == 0 {
		return dst
	}
	return append(dst, protocol.Update{Kind: protocol.KindGap, Gap: &protocol.Gap{Start: p.away, End: now,
		Reason: strings.Join(why, "; ") + "; how many cannot be known"}})
}

// message turns one envelope into an event: decrypted, summarised and
// marked.
func (d *Decoder) message(dst []protocol.Update, m *Message, catchUp bool) []protocol.Update {
	dec := Decrypt(d.sub.key, d.sub.keyErr, m.Payload)
	if (dec.Verdict == VerdictPad || dec.Verdict == VerdictWrongKey) && d.prevKey.Valid() {
		if old := Decrypt(d.prevKey, nil, m.Payload); old.Verdict == VerdictOK {
			dec = Decryption{Verdict: VerdictOldKey, Plain: old.Plain,
				Reason: "encrypted with the key the last renewal replaced (" + d.prevKey.Fingerprint() + "): evtap decrypted it with that one; the SDKs use the new key and hand the app null"}
		}
	}
	ev := &protocol.Event{Provider: ProviderName, Replayed: catchUp, Subscription: d.sub.id, Seal: d.seal(dec)}
	if dec.Plain == nil {
		ev.Label, ev.Summary = "undecryptable", string(dec.Verdict)+": "+dec.Reason
		ev.Body = append(json.RawMessage(nil), m.Raw...)
		return append(dst, protocol.Update{Kind: protocol.KindEvent, Event: ev})
	}
	ev.Body = append(json.RawMessage(nil), dec.Plain...)
	var n rc.Notification
	if err := json.Unmarshal(dec.Plain, &n); err != nil || n.Event == "" && n.UUID == "" {
		ev.Label, ev.Summary = "message", "not a RingCentral notification: "+clip(string(dec.Plain), 120)
		return append(dst, protocol.Update{Kind: protocol.KindEvent, Event: ev})
	}
	ev.ID, ev.Name, ev.Timestamp = n.UUID, n.Event, n.Time()
	if n.SubscriptionID != "" {
		ev.Subscription = n.SubscriptionID
	}
	ev.Label, ev.Summary = rc.Summarize(n)
	if n.UUID != "" {
		ev.Duplicate = d.ids.seen(n.UUID)
	}
	return append(dst, protocol.Update{Kind: protocol.KindEvent, Event: ev})
}

// seal is the event's verdict on its encryption: nil for a plain
// notification on a subscription without a key. The key is missing,
// not wrong, when the recording redacted it or began (R) after the
// subscription's answer: a replay then shows what was decrypted live.
func (d *Decoder) seal(dec Decryption) *protocol.Seal {
	switch dec.Verdict {
	case VerdictPlain:
		return nil
	case VerdictOK:
		return &protocol.Seal{Via: Cipher, OK: true}
	}
	missing := dec.Verdict == VerdictRedacted || dec.Verdict == VerdictNoKey && d.sub.id == ""
	return &protocol.Seal{Via: Cipher, Problem: string(dec.Verdict) + ": " + dec.Reason, SecretMissing: missing}
}

func (d *Decoder) cursorText() string {
	if !d.hasCursor {
		return "the handshake"
	}
	return d.cursor.String()
}
