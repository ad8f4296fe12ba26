package pubnub

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
	rc "github.com/evtap/evtap/protocol/ringcentral"
)

// TransportName is Subscription.Transport for these subscriptions.
const TransportName = "PubNub"

// restAnswer reads the answer to a create, renew or delete.
func (d *Decoder) restAnswer(dst []protocol.Update, now time.Time, p pendingRequest, r protocol.HTTPResponse) ([]protocol.Update, any) {
	a := &SubscriptionAnswer{Method: p.method, Create: p.kind == reqCreate, Delete: p.kind == reqDelete, ID: p.subID, Status: r.Status}
	if r.Error != "" || r.Status == 0 {
		a.Status, a.NoAnswer = 0, r.Error
		return dst, a
	}
	if r.Status/100 != 2 {
		return d.refused(dst, now, p, r, a), a
	}
	if p.kind == reqDelete {
		if a.ID == d.sub.id {
			d.sub = subscription{}
		}
		return append(dst, protocol.Update{Kind: protocol.KindSubscription, Subscription: &protocol.Subscription{ID: a.ID, Status: "Removed", Transport: TransportName}}), a
	}
	var info rc.SubscriptionInfo
	if err := json.Unmarshal([]byte(r.Body), &info); err != nil {
		a.Invalid = "the answer is not a subscription: " + err.Error()
		return decodeError(dst, p.kind.String()+": "+a.Invalid), a
	}
	exp, expOK := ParseTime(info.ExpirationTime)
	dm := info.DeliveryMode
	var missing []string
	for _, f := range []struct{ name, v string }{{"id", info.ID}, {"deliveryMode.address", dm.Address}, {"deliveryMode.subscriberKey", dm.SubscriberKey}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if !expOK {
		missing = append(missing, "a readable expirationTime")
	}
	if len(missing) > 0 {
		a.Invalid = "the answer lacks " + strings.Join(missing, ", ") + " (the SDKs need them to subscribe)"
		return decodeError(dst, p.kind.String()+": "+a.Invalid), a
	}
	a.ID, a.Info, a.Expires = info.ID, &info, exp

	next := subscription{id: info.ID, channel: dm.Address, subKey: dm.SubscriberKey, expires: exp, alive: now}
	if dm.EncryptionKey != "" {
		next.key, next.keyErr = ParseKey(dm.EncryptionKey)
		if next.keyErr != nil {
			a.KeyErr = next.keyErr.Error()
		}
	}
	a.Key = next.key.Fingerprint()
	var notes []string
	prev := d.sub
	if p.kind == reqRenew && prev.id == info.ID {
		if a.Moved = prev.channel != next.channel; a.Moved {
			notes = append(notes, "the renewal moved the channel from "+prev.channel+" to "+next.channel)
		}
	}
	if p.kind == reqRenew && prev.id == info.ID && prev.key.Valid() && !prev.key.Equal(next.key) {
		a.Rotated = true
		d.prevKey = prev.key
		if next.key.Valid() {
			notes = append(notes, "key rotated ("+prev.key.Fingerprint()+" → "+next.key.Fingerprint()+"): messages still queued under the old one decrypt to null in the SDKs")
		} else {
			notes = append(notes, "encryption switched off")
		}
	}
	if p.kind == reqCreate && prev.id != "" && prev.id != info.ID {
		dst = d.recreated(dst, now, prev, next)
	}
	d.sub = next
	d.gone = false
	if exp.Sub(now) <= RenewLead {
		notes = append(notes, "expires within "+secs(RenewLead)+" of being granted: the SDKs refuse such a subscription")
	}
	if next.key.Valid() {
		notes = append(notes, Cipher+": "+RandomIVsNote)
	} else if a.KeyErr != "" {
		notes = append(notes, "encryptionKey unusable: "+a.KeyErr)
	}
	sub := &protocol.Subscription{ID: info.ID, Status: info.Status, Filters: info.EventFilters, Requested: p.filters,
		Transport: TransportName, ExpiresAt: exp, ExpiresIn: info.ExpiresIn, Note: strings.Join(notes, "; ")}
	return append(dst, protocol.Update{Kind: protocol.KindSubscription, Subscription: sub}), a
}

// refused reads a subscription call RingCentral refused.
func (d *Decoder) refused(dst []protocol.Update, now time.Time, p pendingRequest, r protocol.HTTPResponse, a *SubscriptionAnswer) []protocol.Update {
	var eb rc.ErrorBody
	_ = json.Unmarshal([]byte(r.Body), &eb) // a body that is not RingCentral's leaves the status alone
	a.Err = eb.APIError(r.Status)
	if a.Err.Code == "" && len(eb.Errors) > 0 {
		a.Err.Code = eb.Errors[0].ErrorCode // the newer shape has errors[] only
	}
	if a.Err.Message == "" {
		a.Err.Message = http.StatusText(r.Status)
	}
	if r.Status == http.StatusNotFound && p.kind != reqCreate {
		// The subscription does not exist any more: nothing will be
		// published for it, whatever its channel still holds.
		a.Gone = true
		if a.ID == d.sub.id && d.sub.id != "" {
			d.gone = true
		}
		return append(dst, protocol.Update{Kind: protocol.KindSubscription, Subscription: &protocol.Subscription{
			ID: a.ID, Status: "Removed", Transport: TransportName,
			Note: p.method + " answered 404 (" + a.Err.Error() + "): the subscription is gone"}})
	}
	return append(dst, protocol.Update{Kind: protocol.KindSubscription, Subscription: &protocol.Subscription{
		ID: a.ID, Requested: p.filters, Transport: TransportName, Error: a.Err}})
}

// recreated reports the window between a subscription that was lost
// (gone at a renew, or lapsed unrenewed) and its replacement: RingCentral
// published nothing for either meanwhile, and nobody can count what. A
// subscription found gone may have ended any time after it was last known
// to work (its last renewal or notification); one that lapsed, at its
// expiry.
func (d *Decoder) recreated(dst []protocol.Update, now time.Time, prev, next subscription) []protocol.Update {
	lapsed := !prev.expires.IsZero() && prev.expires.Before(now)
	if !d.gone && !lapsed {
		return dst // replaced while it was alive: the old one delivered until now
	}
	start := prev.alive
	if lapsed && prev.expires.After(start) {
		start = prev.expires
	}
	reason := "subscription " + prev.id + " was lost"
	if d.gone {
		reason += " (a renewal found it gone; it worked until " + start.Local().Format("15:04:05") + ")"
	} else {
		reason += " (it expired unrenewed)"
	}
	reason += " and " + next.id + " replaces it"
	if prev.channel != next.channel {
		reason += " on a new channel"
	}
	reason += ": RingCentral published nothing for this app in between, and how much that was cannot be known"
	return append(dst, protocol.Update{Kind: protocol.KindGap, Gap: &protocol.Gap{Start: start, End: now, Reason: reason}})
}
