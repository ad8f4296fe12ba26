package ringcentral

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/sim/emu"
	"github.com/evtap/evtap/sim/pubnub"
)

// The operator's controls of the PubNub transport: faults, control API
// actions (under ControlPrefix+"pubnub/") and scenario steps.

// DefaultBurst is how many notifications a burst publishes when asked
// for no number: above the queue's 100, so the oldest are lost.
const DefaultBurst = 150

// ExpirePush expires PubNub subscription id ("" = every live one) now:
// nothing more is published to it and a renew gets 404 CMN-102. It
// returns how many it expired.
func (s *Server) ExpirePush(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	subs := s.pushSubs(id)
	for _, sub := range subs {
		s.removePush(sub)
		s.push.stats.expired++
	}
	s.logf("control: expired %d pubnub subscription(s)", len(subs))
	return len(subs)
}

// FailNextRenew makes the next renew (PUT or POST .../renew) answer with
// the documented error of code (RenewErrorCodes; "" = CMN-102). A 404
// also removes the subscription, as the answer says.
func (s *Server) FailNextRenew(code string) error {
	if code == "" {
		code = "CMN-102"
	}
	if _, ok := renewErrors[code]; !ok {
		return fmt.Errorf("renew error code must be one of %v, not %q", RenewErrorCodes(), code)
	}
	s.mu.Lock()
	s.push.failNext = code
	s.mu.Unlock()
	s.logf("control: the next renew answers %s", code)
	return nil
}

// RotateKeyOnRenew gives the next encrypted subscription renewed a new
// encryption key; notifications already queued keep the old one.
func (s *Server) RotateKeyOnRenew() {
	s.mu.Lock()
	s.push.rotate = true
	s.mu.Unlock()
	s.logf("control: the next renew rotates the encryption key")
}

// SetPushEncryption switches encryption of PubNub subscription id ("" =
// every live one) at once: off sends its notifications plain from now on
// (and its renewals say encryption false); on gives it a new key if it
// has none. It returns how many subscriptions it changed.
func (s *Server) SetPushEncryption(id string, on bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, sub := range s.pushSubs(id) {
		switch {
		case on && sub.key == "":
			sub.key, sub.plain = newPushKey(), false
		case !on && sub.key != "":
			sub.key, sub.plain = "", true
		default:
			continue
		}
		n++
	}
	s.logf("control: encryption %v for %d pubnub subscription(s)", on, n)
	return n
}

// Burst cuts the long-polls of PubNub subscription id ("" = every live
// one) with a TCP reset, keeps PubNub down while it publishes count
// notifications to each, then lets the clients back: above the queue's
// 100 the oldest are lost, as they are on the real service. It returns
// how many notifications it published.
func (s *Server) Burst(id string, count int) (int, error) {
	if count < 1 || count > maxSendCount {
		return 0, fmt.Errorf("count must be from 1 to %d", maxSendCount)
	}
	s.mu.Lock()
	subs, err := s.pushTargets(id)
	if err != nil || len(subs) == 0 {
		s.mu.Unlock()
		if err == nil {
			err = fmt.Errorf("burst: no live PubNub subscription")
		}
		return 0, err
	}
	s.push.pn.ResetPolls("", time.Hour) // the outage lasts until the burst is out
	n := 0
	for _, sub := range subs {
		for i := 0; i < count; i++ {
			event, body, ok := pickBody(sub.gen, sub.filters, "", s)
			if !ok {
				break
			}
			if err := s.publishPush(sub, pushEvent(event), body); err == nil {
				n++
			}
		}
	}
	s.push.pn.SetOutage(0)
	s.mu.Unlock()
	s.logf("control: burst of %d notification(s) during an outage", n)
	return n, nil
}

// PubNub is the PubNub service the emulator delivers through (its
// faults, counters and ledger).
func (s *Server) PubNub() *pubnub.Service { return s.push.pn }

// PushFaultKinds are the faults of the PubNub transport the emulator
// offers beside the WebSocket ones: a demo of the WebSocket transport
// leaves them out of its menu, one of the PubNub transport offers them.
var PushFaultKinds = append([]protocol.CommandKind{
	protocol.CmdExpireSubscription, protocol.CmdFailRenew, protocol.CmdRotateKey,
	protocol.CmdSetEncryption, protocol.CmdBurst,
}, pubnub.FaultKinds...)

func (s *Server) offerPushFaults() {
	s.AddFault(emu.Fault{Kind: protocol.CmdExpireSubscription, Name: "expire subscription",
		Description: "the emulator expires the PubNub subscription now: nothing more is published to it and its renew gets 404"},
		func(protocol.Command) error {
			if s.ExpirePush("") == 0 {
				return fmt.Errorf("expire: no live PubNub subscription")
			}
			return nil
		})
	s.AddFault(emu.Fault{Kind: protocol.CmdFailRenew, Name: "fail next renew",
		Description: "the emulator answers the next renew with this RingCentral error (404 CMN-102 by default, or SUB-505, SUB-507, ...): the official SDKs stop for good",
		Variants: []emu.Variant{
			{Name: "next renew 404 CMN-102", Cmd: protocol.Command{Text: "CMN-102"},
				Description: "the next renew gets 404 CMN-102 (no such subscription): the SDKs go silent; evtap re-creates it"},
			{Name: "next renew 403 SUB-505", Cmd: protocol.Command{Text: "SUB-505"},
				Description: "the next renew gets 403 SUB-505 (the app lacks the permission)"},
		}},
		func(cmd protocol.Command) error { return s.FailNextRenew(cmd.Text) })
	s.AddFault(emu.Fault{Kind: protocol.CmdRotateKey, Name: "rotate key at next renew",
		Description: "the emulator gives the subscription a new encryption key at its next renew; messages still queued keep the old one"},
		func(protocol.Command) error { s.RotateKeyOnRenew(); return nil })
	s.AddFault(emu.Fault{Kind: protocol.CmdSetEncryption, Name: "encryption",
		Description: "the emulator switches the subscription's encryption on or off at once (off: notifications go out plain)",
		Variants: []emu.Variant{
			{Name: "encryption off", Cmd: protocol.Command{On: false},
				Description: "notifications go out plain at once; a client still holding the key sees them as plain where it expects ciphertext"},
			{Name: "encryption on", Cmd: protocol.Command{On: true},
				Description: "notifications are encrypted at once with a new key the client learns only at its next renewal: until then they cannot be decrypted"},
		}},
		func(cmd protocol.Command) error {
			if s.SetPushEncryption("", cmd.On) == 0 {
				return fmt.Errorf("encryption: no PubNub subscription to change")
			}
			return nil
		})
	s.AddFault(emu.Fault{Kind: protocol.CmdBurst, Name: "burst during an outage",
		Variants:    []emu.Variant{{Name: fmt.Sprintf("burst of %d during an outage", DefaultBurst), Cmd: protocol.Command{Value: DefaultBurst}}},
		Description: fmt.Sprintf("the emulator cuts the long-poll and publishes a burst (default %d) while it is down: above 100 the oldest are lost", DefaultBurst)},
		func(cmd protocol.Command) error {
			n := int(cmd.Value)
			if n == 0 {
				n = DefaultBurst
			}
			_, err := s.Burst("", n)
			return err
		})
}

// pushControlRoutes adds the PubNub transport's control actions.
func (s *Server) pushControlRoutes() {
	s.Control("pubnub/send", func(r *http.Request) (int, error) {
		q := r.URL.Query()
		count, err := emu.IntParam(q.Get("count"), 1, 1, maxSendCount, "count")
		if err != nil {
			return 0, err
		}
		return s.SendPush(q.Get("subscription"), q.Get("kind"), count)
	})
	s.Control("pubnub/inject", func(r *http.Request) (int, error) {
		var in Injection
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			return 0, fmt.Errorf("body must be {\"event\":PATH,\"body\":{...}}: %v", err)
		}
		return s.InjectPush(r.URL.Query().Get("subscription"), in)
	})
	s.Control("pubnub/expire", func(r *http.Request) (int, error) { return s.ExpirePush(r.URL.Query().Get("subscription")), nil })
	s.Control("pubnub/fail-renew", func(r *http.Request) (int, error) { return 1, s.FailNextRenew(r.URL.Query().Get("code")) })
	s.Control("pubnub/rotate-key", func(*http.Request) (int, error) { s.RotateKeyOnRenew(); return 1, nil })
	s.Control("pubnub/encryption", func(r *http.Request) (int, error) {
		q := r.URL.Query()
		on, err := emu.OnParam(r)
		if err != nil {
			return 0, err
		}
		return s.SetPushEncryption(q.Get("subscription"), on), nil
	})
	s.Control("pubnub/burst", func(r *http.Request) (int, error) {
		q := r.URL.Query()
		count, err := emu.IntParam(q.Get("count"), DefaultBurst, 1, maxSendCount, "count")
		if err != nil {
			return 0, err
		}
		return s.Burst(q.Get("subscription"), count)
	})
}

// PushCounters is what the PubNub transport has done: the REST
// subscriptions, and the PubNub service's own counters.
type PushCounters struct {
	SubscriberKey string                     `json:"subscriberKey"`
	Created       uint64                     `json:"created"`
	Renewed       uint64                     `json:"renewed"`      // by PUT or POST .../renew
	RenewedByPut  uint64                     `json:"renewedByPut"` // the SDKs' way
	Deleted       uint64                     `json:"deleted"`
	Expired       uint64                     `json:"expired"`
	Refused       uint64                     `json:"refused"`   // REST calls answered with an error (bad request, unknown id, injected failure)
	Published     uint64                     `json:"published"` // notifications published to PubNub
	FailNextRenew string                     `json:"failNextRenew,omitempty"`
	RotateKeyNext bool                       `json:"rotateKeyNext"`
	Subscriptions []PushSubscriptionCounters `json:"subscriptions"`
	Service       pubnub.Counters            `json:"service"`
}

// PushSubscriptionCounters describes one live PubNub subscription (its
// key stays out: the REST answer gives it to the client).
type PushSubscriptionCounters struct {
	ID             string   `json:"id"`
	Address        string   `json:"address"`
	EventFilters   []string `json:"eventFilters"`
	ExpirationTime string   `json:"expirationTime"`
	Encrypted      bool     `json:"encrypted"`
	Renewals       int      `json:"renewals"`
	Generated      uint64   `json:"generated"`
}

// pushCounters is the snapshot. Caller holds mu.
func (s *Server) pushCounters() *PushCounters {
	p := s.push
	c := &PushCounters{SubscriberKey: p.subKey, Created: p.stats.created, Renewed: p.stats.renewed, RenewedByPut: p.stats.renewedByPut,
		Deleted: p.stats.deleted, Expired: p.stats.expired, Refused: p.stats.refused, Published: p.stats.published,
		FailNextRenew: p.failNext, RotateKeyNext: p.rotate, Subscriptions: []PushSubscriptionCounters{},
		Service: p.pn.Counters()}
	for _, sub := range s.pushSubs("") {
		sc := PushSubscriptionCounters{ID: sub.id, Address: sub.address, ExpirationTime: rcTime(sub.expires),
			Encrypted: sub.key != "", Renewals: sub.renewals, Generated: sub.generated}
		for _, f := range sub.filters {
			sc.EventFilters = append(sc.EventFilters, f.event)
		}
		c.Subscriptions = append(c.Subscriptions, sc)
	}
	return c
}

// Arguments of the PubNub transport's scenario actions, as Step.Arg
// holds them (pubnub-send's is a SendStep, encryption's the bool
// emu.Switch leaves).
type (
	// FailRenewStep is the error code the next renew answers with.
	FailRenewStep string
	// BurstStep is how many notifications a burst publishes.
	BurstStep int
)

// pushActions are the PubNub transport's scenario actions; the PubNub
// service's own (pubnub-reset, refuse-subscribe, stall-time,
// omit-content-type) join them.
var pushActions = map[string]emu.ActionParser{
	"pubnub-send": func(st *emu.Step, v *yaml.Node) error {
		var p struct {
			Event        string `yaml:"event"`
			Count        *int   `yaml:"count"`
			Subscription string `yaml:"subscription"`
		}
		if err := emu.DecodeNode(v, &p); err != nil {
			return err
		}
		a, err := sendStep(v, p.Event, p.Count)
		if err != nil {
			return err
		}
		st.Target, st.Arg = emu.AllTarget(p.Subscription), a
		return nil
	},
	"expire-subscription": emu.Target("a subscription id"),
	"fail-renew": func(st *emu.Step, v *yaml.Node) error {
		if _, ok := renewErrors[v.Value]; !ok {
			return emu.NodeError(v, "fail-renew takes one of %v, not %q", RenewErrorCodes(), v.Value)
		}
		st.Arg = FailRenewStep(v.Value)
		return nil
	},
	"rotate-key": emu.Flag,
	"encryption": emu.Switch,
	"burst": func(st *emu.Step, v *yaml.Node) error {
		n, err := strconv.Atoi(v.Value)
		if err != nil || n < 1 || n > maxSendCount {
			return emu.NodeError(v, "burst takes a count from 1 to %d, not %q", maxSendCount, v.Value)
		}
		st.Arg = BurstStep(n)
		return nil
	},
}

func init() {
	for k, v := range pushActions {
		actions[k] = v
	}
	for k, v := range pubnub.Actions {
		actions[k] = v
	}
}

// doPush performs one of the PubNub transport's steps and reports
// whether it was one. Errors (nothing to act on) are not fatal.
func (s *Server) doPush(st emu.Step) bool {
	if s.push.pn.Do(st) {
		return true
	}
	switch st.Action {
	case "pubnub-send":
		a := st.Arg.(SendStep)
		_, _ = s.SendPush(st.Target, string(a.Kind), a.Count)
	case "expire-subscription":
		s.ExpirePush(st.Target)
	case "fail-renew":
		_ = s.FailNextRenew(string(st.Arg.(FailRenewStep)))
	case "rotate-key":
		s.RotateKeyOnRenew()
	case "encryption":
		s.SetPushEncryption(st.Target, st.Arg.(bool))
	case "burst":
		_, _ = s.Burst(st.Target, int(st.Arg.(BurstStep)))
	default:
		return false
	}
	return true
}
