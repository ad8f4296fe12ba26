package eventlist

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/evtap/evtap/protocol"
)

func init() { time.Local = time.UTC }

var t0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// ev is event number i: an SMS, inbound when i is even.
func ev(i int) protocol.Update {
	dir := "Outbound"
	if i%2 == 0 {
		dir = "Inbound"
	}
	body := fmt.Sprintf(`{"uuid":"u-%d","event":"/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS","timestamp":"%s","subscriptionId":"s-1","body":{"id":"%d","direction":"%s","subject":"hello %d"}}`,
		i, t0.Add(time.Duration(i)*time.Second-150*time.Millisecond).Format(time.RFC3339Nano), i, dir, i)
	return evBody(i, "SMS "+dir[:2], fmt.Sprintf("msg %d %s", i, dir), json.RawMessage(body))
}

func evBody(i int, label, summary string, body json.RawMessage) protocol.Update {
	return protocol.Update{
		Time: t0.Add(time.Duration(i) * time.Second), Kind: protocol.KindEvent, Conn: 1,
		Event: &protocol.Event{Provider: "ringcentral", ID: fmt.Sprintf("u-%d", i), Label: label, Summary: summary,
			Seq: uint64(i + 1), Timestamp: t0.Add(time.Duration(i)*time.Second - 150*time.Millisecond), Body: body},
	}
}

func state(i int, p protocol.Phase) protocol.Update {
	return protocol.Update{Time: t0.Add(time.Duration(i) * time.Second), Kind: protocol.KindState, State: &protocol.State{Phase: p}}
}

func heartbeat(i int) protocol.Update {
	return protocol.Update{Time: t0.Add(time.Duration(i) * time.Second), Kind: protocol.KindHeartbeat,
		Heartbeat: &protocol.Heartbeat{Via: "ping", RTT: protocol.Millis(12 * time.Millisecond)}}
}

// filled returns a store with events 0..n-1 and a list over it.
func filled(n, w, h int) (*Store, *List) {
	s := NewStore(0)
	for i := range n {
		s.Add(ev(i))
	}
	l := NewList(s, Styles{})
	l.SetSize(w, h)
	return s, l
}
