package dialpad

import (
	"fmt"
	"strconv"
)

// SMS delivery states. The notes name message_status and
// message_delivery_result but not their values; these are evtap's.
const (
	smsPending   = "pending"  // an outbound message, just sent
	smsReceived  = "received" // an inbound message
	smsSuccess   = "success"  // delivery status: delivered
	smsFailed    = "failed"   // delivery status: not delivered
	smsDelivered = "delivered"
	smsRejected  = "undelivered"
)

var smsTexts = []string{
	"Running 10 minutes late, sorry!",
	"Can we move our call to 3pm?",
	"Thanks, got the invoice.",
	"Is the order still on track for Friday?",
	"Please call me when you have a minute.",
	"Confirmed for tomorrow at 9.",
}

// sms: a contact texts a user, a user texts a contact, or two users text
// each other (internal: an outbound event for the sender and an inbound
// one for the recipient). A sent message later gets a delivery-status
// event, which only subscriptions with status=true receive.
func (g *generator) sms() []step {
	id := g.id()
	text := smsTexts[g.rng.Intn(len(smsTexts))]
	var mmsURL *string
	if g.rng.Intn(7) == 0 {
		mmsURL, text = ptr(fmt.Sprintf("https://dialpad.example/mms/%d.jpg", id)), ""
	}
	msg := func(direction string, target, contact ref, from string, to []string) smsEvent {
		e := smsEvent{ID: id, Direction: direction, Target: target, Contact: contact, FromNumber: from,
			ToNumber: to, MMS: mmsURL != nil, MMSURL: mmsURL, Text: text}
		if direction == "outbound" {
			e.SenderID = ptr(target.ID)
			e.MessageStatus = smsPending
		} else {
			e.MessageStatus = smsReceived
		}
		return e
	}
	var created int64 // when the message was made: its first event
	emit := func(e smsEvent) step {
		return func(ts int64) genEvent {
			if created == 0 {
				created = ts
			}
			e.CreatedDate, e.EventTimestamp = created, ts
			return genEvent{kind: KindSMS, key: smsKey(e.ID, e.Direction, e.MessageStatus), body: mustJSON(e)}
		}
	}
	var sent *smsEvent
	var steps []step
	switch g.rng.Intn(5) {
	case 0, 1: // inbound
		u, x := g.user(), g.contact()
		steps = append(steps, emit(msg("inbound", u, x, x.Phone, []string{u.Phone})))
	case 2, 3: // outbound
		u, x := g.user(), g.contact()
		e := msg("outbound", u, x, u.Phone, []string{x.Phone})
		sent = &e
		steps = append(steps, emit(e))
	default: // internal
		p := g.rng.Perm(len(g.co.users))
		a, b := g.co.users[p[0]], g.co.users[p[1]]
		out := msg("outbound", a, b, a.Phone, []string{b.Phone})
		in := msg("inbound", b, a, a.Phone, []string{b.Phone})
		out.IsInternal, in.IsInternal = true, true
		sent = &out
		steps = append(steps, emit(out), emit(in))
	}
	if sent != nil {
		status, result := smsSuccess, smsDelivered
		if g.rng.Intn(10) == 0 {
			status, result = smsFailed, smsRejected
		}
		e := *sent
		e.MessageStatus, e.MessageDeliveryResult = status, ptr(result)
		steps = append(steps, emit(e))
	}
	return steps
}

func smsKey(id int64, direction, status string) string {
	return "sms:" + strconv.FormatInt(id, 10) + ":" + direction + ":" + status
}
