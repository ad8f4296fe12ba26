package ringcentral

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/evtap/evtap/sim/pubnub"
)

// pickBody makes the next notification of a subscription's filters,
// with the generator of the WebSocket emulator: one filter at random
// among those of kind k ("" = any; hostile = any, with a hostile body).
// It reports false when no filter matches k.
func pickBody(g *generator, fs []filter, k Kind, s *Server) (event string, body json.RawMessage, ok bool) {
	var match []filter
	for _, f := range fs {
		if k == "" || k == KindHostile || f.kind == k {
			match = append(match, f)
		}
	}
	if len(match) == 0 {
		return "", nil, false
	}
	f := match[g.rng.Intn(len(match))]
	var b any = g.body(f, s.now())
	if k == KindHostile {
		b = g.spoil(b)
	}
	body, _ = json.Marshal(b)
	return f.event, body, true
}

// pushEvent is a generated notification's event over PubNub: the
// account stays "~" and the extension is expanded, as in the seed and in
// the SDK's own test vector (§8.11), where the WebSocket gateway expands
// both.
func pushEvent(event string) string {
	return strings.Replace(event, "/account/"+DemoAccountID+"/", "/account/~/", 1)
}

// publishPush publishes one notification to the subscription's channel:
// the plaintext {uuid, event, timestamp, subscriptionId, ownerId, body}
// (§5.1), encrypted when the subscription has a key. Caller holds mu.
func (s *Server) publishPush(sub *pushSub, event string, body json.RawMessage) error {
	uuid := sub.gen.uuid()
	plain, err := json.Marshal(notification{UUID: uuid, Event: event, Timestamp: rcTime(s.now()),
		SubscriptionID: sub.id, OwnerID: DemoExtensionID, Body: body})
	if err != nil {
		return err
	}
	d := json.RawMessage(plain)
	if sub.key != "" {
		ct, err := encryptPush(sub.key, plain)
		if err != nil {
			return err
		}
		d, _ = json.Marshal(ct)
	}
	if _, err := s.push.pn.Publish(pubnub.Message{SubKey: s.push.subKey, Channel: sub.address, ID: uuid, Owner: sub.id,
		Publisher: "evtap-sim-ringcentral", Data: d}); err != nil {
		return err
	}
	sub.generated++
	s.push.stats.published++
	s.AddGenerated(1)
	return nil
}

// generatePush makes n notifications for every live PubNub
// subscription; the pump calls it through generateAll. Caller holds mu.
func (s *Server) generatePush(n int) {
	for _, sub := range s.pushSubs("") {
		for i := 0; i < n; i++ {
			event, body, ok := pickBody(sub.gen, sub.filters, "", s)
			if !ok {
				break
			}
			_ = s.publishPush(sub, pushEvent(event), body)
		}
	}
}

// pushTargets returns subscription id, or every live one when id is "".
// Caller holds mu.
func (s *Server) pushTargets(id string) ([]*pushSub, error) {
	subs := s.pushSubs(id)
	if id != "" && len(subs) == 0 {
		return nil, fmt.Errorf("no live PubNub subscription %q", id)
	}
	return subs, nil
}

// SendPush publishes count notifications of kind (sms, voicemail,
// message-store, presence, telephony, hostile; "" = any the filters
// allow) to PubNub subscription id ("" = every live one). Subscriptions
// whose filters exclude kind get none. It returns how many it published.
func (s *Server) SendPush(id, kind string, count int) (int, error) {
	k, err := sendKind(kind, count)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	subs, err := s.pushTargets(id)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sub := range subs {
		for i := 0; i < count; i++ {
			event, body, ok := pickBody(sub.gen, sub.filters, k, s)
			if !ok {
				break
			}
			if err := s.publishPush(sub, pushEvent(event), body); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// InjectPush publishes this notification to PubNub subscription id (""
// = every live one), whatever its filters. It returns how many
// subscriptions got it.
func (s *Server) InjectPush(id string, n Injection) (int, error) {
	if n.Event == "" {
		return 0, fmt.Errorf("inject: event is empty")
	}
	body := n.Body
	if len(body) == 0 {
		body = json.RawMessage("{}")
	}
	if !json.Valid(body) {
		return 0, fmt.Errorf("inject: body is not valid JSON")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	subs, err := s.pushTargets(id)
	if err != nil {
		return 0, err
	}
	for _, sub := range subs {
		if err := s.publishPush(sub, n.Event, body); err != nil {
			return 0, err
		}
	}
	return len(subs), nil
}
