package ringcentral

import (
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
)

// envelope is a ServerNotification body as the decoder reads it: the
// webhook envelope's fields and the row cells of its body.
type envelope struct {
	uuid, event, timestamp, sub string
	eventSeen, summarized       bool
	label                       string
	body                        string // the body's text, when it came before event
	start, end                  int    // the envelope's extent in the frame
}

// readEnvelope reads the envelope object at d.sc. The body is summarized
// as it is read when event came first (as every server writes it);
// otherwise it is kept as text and summarized afterwards.
func (d *Decoder) readEnvelope(e *envelope) {
	sc := &d.sc
	sc.ws()
	e.start = sc.i
	more, _ := sc.objectFirst()
	for ; more; more = sc.objectNext() {
		switch sc.key() {
		case "uuid":
			e.uuid = sc.text()
		case "event":
			e.event, e.eventSeen = sc.text(), true
		case "timestamp":
			e.timestamp = sc.text()
		case "subscriptionId":
			e.sub = sc.text()
		case "body":
			if e.eventSeen {
				e.label, e.summarized = summarizeBody(sc, &d.line, e.event, false), true
			} else {
				e.body = sc.span()
			}
		default:
			sc.skip()
		}
	}
	e.end = sc.i
	if sc.err == nil && !e.summarized {
		d.sub.reset(e.body)
		e.label = summarizeBody(&d.sub, &d.line, e.event, true)
	}
}

// noteBlock puts an event and its recovery context in one allocation.
type noteBlock struct {
	ev   protocol.Event
	keep WSC
}

// notification turns a ServerNotification into an event, after the gaps
// its sequence number reveals.
func (d *Decoder) notification(dst []protocol.Update, now time.Time, fr *frame) ([]protocol.Update, any) {
	if !fr.hasBody {
		return decodeError(dst, "ServerNotification without a body: no event"), nil
	}
	e := &fr.env
	b := new(noteBlock)
	ev := &b.ev
	var v verdict
	if fr.hasSeq {
		seq := fr.wsc.Sequence
		dst, v = d.seq.observe(dst, seq, idHash(e.uuid), now)
		dst = d.seq.expire(dst, now)
		if v.restart != "" {
			dst = decodeError(dst, "wsc sequence: "+v.restart+"; the server restarted or garbled its numbering, which is followed from here")
		}
		ev.Seq, ev.Duplicate, ev.Replayed, ev.Late = seq, v.duplicate, d.replay.Has(seq), v.late
	} else if e.uuid != "" {
		ev.Duplicate = d.ids.seen(e.uuid)
	}
	// One copy of the text the event keeps, so that it does not pin the
	// frame it came in.
	summary := capRunes(d.line.b, MaxSummary)
	var sb strings.Builder
	sb.Grow(len(e.label) + len(e.uuid) + len(e.event) + len(e.sub) + len(summary) + len(fr.wsc.Token))
	sb.WriteString(e.label)
	sb.WriteString(e.uuid)
	sb.WriteString(e.event)
	sb.WriteString(e.sub)
	sb.Write(summary)
	sb.WriteString(fr.wsc.Token)
	rest := sb.String()
	ev.Provider = ProviderName
	ev.Label, rest = rest[:len(e.label)], rest[len(e.label):]
	ev.ID, rest = rest[:len(e.uuid)], rest[len(e.uuid):]
	ev.Name, rest = rest[:len(e.event)], rest[len(e.event):]
	ev.Subscription, rest = rest[:len(e.sub)], rest[len(e.sub):]
	ev.Summary, rest = rest[:len(summary)], rest[len(summary):]
	ev.Timestamp = parseTime(e.timestamp)
	ev.Body = []byte(d.sc.s[e.start:e.end])
	dst = append(dst, protocol.Update{Kind: protocol.KindEvent, Event: ev})
	if v.late {
		dst = decodeError(dst, "notification "+u64(ev.Seq)+" arrived late, after its gap was reported: it was not lost")
	}
	if !v.newest {
		return dst, nil
	}
	b.keep = WSC{Token: rest, Sequence: ev.Seq}
	return dst, &b.keep
}

// parseTime reads a notification timestamp; zero if it cannot.
func parseTime(s string) time.Time {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t
	}
	if t, err := time.Parse(TimeLayout, s); err == nil {
		return t
	}
	return time.Time{}
}

// recentIDs recognises a notification id seen among the last
// len(ring) ids, for notifications without a sequence. It keeps 64-bit
// hashes, not the ids, so it pins no frame.
type recentIDs struct {
	set  map[uint64]struct{}
	ring []uint64
	next int
}

const recentIDCount = 1024

func (r *recentIDs) seen(id string) bool {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	if _, ok := r.set[h]; ok {
		return true
	}
	if r.set == nil {
		r.set, r.ring = make(map[uint64]struct{}, recentIDCount), make([]uint64, recentIDCount)
	}
	if old := r.ring[r.next]; old != 0 {
		delete(r.set, old)
	}
	r.ring[r.next] = h
	r.next = (r.next + 1) % recentIDCount
	r.set[h] = struct{}{}
	return false
}
