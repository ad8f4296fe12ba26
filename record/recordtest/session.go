// Package recordtest builds realistic RingCentral sessions as Updates,
// for the tests of record, replay and har. It holds known secrets so that
// tests can check none of them reaches a file.
package recordtest

import (
	"fmt"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// Rules are the redaction rules a provider like the one Session plays
// would supply (the registry passes the real ones): the fields, query
// parameters and nested tokens its protocol marks secret.
func Rules() record.Rules {
	return record.Rules{Fields: map[string]string{
		"ws_access_token": "ws_access_token",
		"wsc":             "wsc",
		"wsc.token":       "wsc",
		"recovery.token":  "wsc",
		"encryptionKey":   "encryptionKey",
		"secretKey":       "secretKey",
	}}
}

// Secrets used by Session, each of which must be redacted.
const (
	AccessToken   = "U0pDMTFQMDFQQVMwMHxBQUJ" + "accessTOKENvalue"
	WSAccessToken = "V1NBQ0NFU1NUT0tFTnZhbHVlSGVyZQ" + "wsTOKEN"
	WSCToken      = "eyJ3c2NUb2tlbiI6ImFiY2RlZiJ9" + "wscTOKEN"
	ClientSecret  = "cl13ntS3cr3tValue"
	JWT           = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig" + "JWTvalue"
	EncryptionKey = "fNP0fszFJdc/thDO90/B3A=="
)

// AllSecrets lists every secret Session puts on the wire.
func AllSecrets() []string {
	return []string{AccessToken, WSAccessToken, WSCToken, ClientSecret, JWT, EncryptionKey}
}

// Start is the wall time of the first Update of Session.
var Start = time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)

// SubscriptionID is the id of the subscription in Session.
const SubscriptionID = "2db5fcc4-0d5e-4b35-9d4d-d4d0f9f9b0a1"

// builder appends Updates on a recorded clock.
type builder struct {
	out  []protocol.Update
	off  time.Duration
	conn int
	seq  uint64
}

func (b *builder) add(step time.Duration, u protocol.Update) {
	b.off += step
	u.Offset = protocol.Offset(b.off)
	u.Time = Start.Add(b.off)
	u.Conn = b.conn
	b.out = append(b.out, u)
}

func (b *builder) state(step time.Duration, s protocol.State) {
	b.add(step, protocol.Update{Kind: protocol.KindState, State: &s})
}

func (b *builder) frame(step time.Duration, kind protocol.Kind, typ, data string) {
	b.add(step, protocol.Update{Kind: kind, Frame: &protocol.Frame{Op: protocol.OpText, Data: data, Size: len(data), Type: typ}})
}

func (b *builder) connect(recovering bool, outcome string) {
	b.conn++
	url := "wss://ws-api.example.test/ws?access_token=" + WSAccessToken
	if recovering {
		url += "&wsc=" + WSCToken
	}
	b.state(time.Millisecond, protocol.State{Phase: protocol.PhaseToken})
	b.frame(2*time.Millisecond, protocol.KindSent, "", "POST /restapi/oauth/token HTTP/1.1\r\nAuthorization: Basic Y2xpZW50OnNlY3JldA==\r\n\r\ngrant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="+JWT+"&client_secret="+ClientSecret)
	b.frame(5*time.Millisecond, protocol.KindRecv, "", `{"access_token":"`+AccessToken+`","token_type":"bearer","expires_in":3600,"refresh_token":"RT`+AccessToken+`"}`)
	b.frame(time.Millisecond, protocol.KindRecv, "", `{"uri":"wss://ws-api.example.test/ws","ws_access_token":"`+WSAccessToken+`","expires_in":30}`)
	b.state(time.Millisecond, protocol.State{Phase: protocol.PhaseDialing, URL: url})
	b.state(3*time.Millisecond, protocol.State{Phase: protocol.PhaseUpgraded, URL: url})
	b.seq++
	state := ""
	if recovering {
		state = `,"recoveryState":"` + outcome + `"`
	}
	b.frame(2*time.Millisecond, protocol.KindRecv, "ConnectionDetails",
		fmt.Sprintf(`[{"type":"ConnectionDetails","messageId":"m%d","status":200,"headers":{},"wsc":{"token":"%s","sequence":%d}},{"creationTime":"2026-11-22T20:00:00.000+0000","maxConnectionsPerSession":5,"recoveryBufferSize":100,"recoveryTimeout":180,"idleTimeout":1800,"absoluteTimeout":86400,"maxActiveRequests":10%s}]`, b.seq, WSCToken, b.seq, state))
	phase := protocol.PhaseConnected
	if recovering {
		phase = protocol.PhaseRecovered
	}
	b.state(time.Millisecond, protocol.State{Phase: phase, Recovery: &protocol.Recovery{Token: WSCToken, Sequence: b.seq, Outcome: outcome, TimeoutSec: 180, BufferSize: 100}})
	if recovering && outcome == "Successful" {
		b.state(time.Millisecond, protocol.State{Phase: protocol.PhaseLive})
		return
	}
	b.frame(time.Millisecond, protocol.KindSent, "ClientRequest", `[{"type":"ClientRequest","messageId":"req-1","method":"POST","path":"/restapi/v1.0/subscription/"},{"eventFilters":["/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS"],"deliveryMode":{"transportType":"WebSocket"}}]`)
	b.state(0, protocol.State{Phase: protocol.PhaseSubscribing})
	b.seq++
	b.frame(4*time.Millisecond, protocol.KindRecv, "ClientRequest", fmt.Sprintf(`[{"type":"ClientRequest","messageId":"req-1","status":200,"headers":{},"wsc":{"token":"%s","sequence":%d}},{"uri":"/restapi/v1.0/subscription/%s","id":"%s","creationTime":"2026-11-22T20:00:00.000Z","status":"Active","eventFilters":["/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS"],"expirationTime":"2026-11-22T20:15:00.000Z","expiresIn":899,"deliveryMode":{"transportType":"WebSocket","encryption":false,"encryptionKey":"%s"}}]`, WSCToken, b.seq, SubscriptionID, SubscriptionID, EncryptionKey))
	b.add(0, protocol.Update{Kind: protocol.KindSubscription, Subscription: &protocol.Subscription{ID: SubscriptionID, Status: "Active", Filters: []string{"/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS"}, Transport: "WebSocket", ExpiresIn: 899}})
	b.state(0, protocol.State{Phase: protocol.PhaseLive})
}

func (b *builder) event(step time.Duration, i int) {
	b.seq++
	body := fmt.Sprintf(`{"uuid":"uuid-%d","event":"/restapi/v1.0/account/1/extension/1/message-store/instant?type=SMS","timestamp":"2026-11-22T20:00:01.000Z","subscriptionId":"%s","ownerId":"1","body":{"id":"%d","to":[{"phoneNumber":"+16505550100"}],"from":{"phoneNumber":"+16505550199"},"type":"SMS","subject":"hello <&> number %d","direction":"Inbound"}}`, i, SubscriptionID, i, i)
	b.frame(step, protocol.KindRecv, "ServerNotification", fmt.Sprintf(`[{"type":"ServerNotification","messageId":"n%d","status":200,"headers":{},"wsc":{"token":"%s","sequence":%d}},%s]`, i, WSCToken, b.seq, body))
	b.add(0, protocol.Update{Kind: protocol.KindEvent, Event: &protocol.Event{Provider: "ringcentral", ID: fmt.Sprintf("uuid-%d", i), Name: "message-store/instant", Label: "SMS in", Summary: "+16505550199 → +16505550100", Seq: b.seq, Subscription: SubscriptionID, Timestamp: Start.Add(time.Second), Body: []byte(body)}})
}

// Session returns a RingCentral session of about n Updates: connect,
// subscribe, events, a drop and a successful recovery, a marker, a
// failed recovery with a gap and resubscription, more events, close.
// Every secret of AllSecrets appears on the wire in it.
func Session(n int) []protocol.Update {
	b := &builder{}
	b.connect(false, "")
	i := 0
	events := func(k int) {
		for j := 0; j < k; j++ {
			i++
			b.event(20*time.Millisecond, i)
		}
	}
	per := max(1, (n-60)/6)
	events(per)
	b.state(500*time.Millisecond, protocol.State{Phase: protocol.PhaseDropped, Cause: "read: connection reset by peer"})
	b.state(time.Millisecond, protocol.State{Phase: protocol.PhaseBackoff, Attempt: 1, Delay: protocol.Millis(time.Second)})
	b.state(time.Second, protocol.State{Phase: protocol.PhaseRecovering, URL: "wss://ws-api.example.test/ws?access_token=" + WSAccessToken + "&wsc=" + WSCToken})
	b.connect(true, "Successful")
	events(per)
	b.add(3*time.Second, protocol.Update{Kind: protocol.KindMarker, Marker: &protocol.Marker{Label: "customer called"}})
	events(per)
	b.state(10*time.Second, protocol.State{Phase: protocol.PhaseDropped, Cause: "heartbeat timeout"})
	b.connect(true, "Failed")
	b.add(0, protocol.Update{Kind: protocol.KindGap, Gap: &protocol.Gap{From: b.seq, To: b.seq + 5, Missed: 6, Reason: "recovery Failed"}})
	b.add(time.Millisecond, protocol.Update{Kind: protocol.KindHeartbeat, Heartbeat: &protocol.Heartbeat{Via: "message", RTT: protocol.Millis(12 * time.Millisecond)}})
	b.add(time.Millisecond, protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: "decode", Message: "frame is not a JSON array"}})
	events(n - len(b.out) - 1)
	b.state(time.Second, protocol.State{Phase: protocol.PhaseClosed})
	return b.out
}
