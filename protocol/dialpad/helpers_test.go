package dialpad

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// signHS256 makes a compact JWS of payload keyed with secret, as a
// Dialpad websocket with a secret sends each event.
func signHS256(payload, secret string) string {
	e := base64.RawURLEncoding
	in := e.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + e.EncodeToString([]byte(payload))
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(in))
	return in + "." + e.EncodeToString(m.Sum(nil))
}

// feed runs Updates through one Decoder the way the session does and
// keeps what it derived.
type feed struct {
	t    *testing.T
	d    *Decoder
	now  time.Time
	out  []protocol.Update
	msgs []any
	http int
}

func newFeed(t *testing.T, cfg Config) *feed {
	return &feed{t: t, d: NewDecoder(cfg), now: time.Date(2026, 3, 4, 5, 6, 0, 0, time.UTC)}
}

// push decodes one Update and returns what it derived.
func (f *feed) push(u protocol.Update, raw []byte) []protocol.Update {
	f.now = f.now.Add(time.Second)
	u.Time = f.now
	got, msg := f.d.Decode(nil, &u, raw)
	f.out = append(f.out, got...)
	if msg != nil {
		f.msgs = append(f.msgs, msg)
	}
	return got
}

func (f *feed) state(conn int, p protocol.Phase) []protocol.Update {
	return f.push(protocol.Update{Kind: protocol.KindState, Conn: conn, State: &protocol.State{Phase: p}}, nil)
}

func (f *feed) text(conn int, data string) []protocol.Update {
	return f.push(protocol.Update{Kind: protocol.KindRecv, Conn: conn, Frame: &protocol.Frame{Op: protocol.OpText, Data: data, Size: len(data)}}, []byte(data))
}

// rest publishes one exchange as the session's REST helper does: the
// request as a sent http frame, the answer as a received one.
func (f *feed) rest(method, url, reqBody string, status int, header map[string]string, body string) []protocol.Update {
	f.http++
	req, _ := json.Marshal(protocol.HTTPRequest{ID: f.http, Method: method, URL: url, Body: reqBody})
	f.push(protocol.Update{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(req)}}, req)
	resp, _ := json.Marshal(protocol.HTTPResponse{ID: f.http, Method: method, URL: url, Status: status, Header: header, Body: body})
	return f.push(protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(resp)}}, resp)
}

// events are the event Updates among us.
func events(us []protocol.Update) []*protocol.Event {
	var out []*protocol.Event
	for _, u := range us {
		if u.Kind == protocol.KindEvent {
			out = append(out, u.Event)
		}
	}
	return out
}

func one[T any](t *testing.T, what string, list []T) T {
	t.Helper()
	if len(list) != 1 {
		t.Fatalf("%s: got %d, want 1: %+v", what, len(list), list)
	}
	return list[0]
}

func subs(us []protocol.Update) []*protocol.Subscription {
	var out []*protocol.Subscription
	for _, u := range us {
		if u.Kind == protocol.KindSubscription {
			out = append(out, u.Subscription)
		}
	}
	return out
}

func gaps(us []protocol.Update) []*protocol.Gap {
	var out []*protocol.Gap
	for _, u := range us {
		if u.Kind == protocol.KindGap {
			out = append(out, u.Gap)
		}
	}
	return out
}

func decodeErrors(us []protocol.Update) []string {
	var out []string
	for _, u := range us {
		if u.Kind == protocol.KindError {
			out = append(out, u.Error.Message)
		}
	}
	return out
}

// Payloads in the shapes of the B6 notes (call legs from the third-party
// fixture of the "current Dialpad shape", SMS and agent status from the
// event pages).
const (
	callInboundRinging = `{"call_id":5635304278851584,"state":"ringing","direction":"inbound","date_started":1700000000000,"external_number":"+14155550100","internal_number":"+16505550199","target":{"id":77,"type":"user","name":"Alice Smith","email":"a@example.com"},"contact":{"id":9,"type":"local","name":"Bob"},"entry_point_call_id":5635304278851000,"master_call_id":null,"operator_call_id":null,"is_internal":false,"is_transferred":false,"event_timestamp":1700000001000}`
	callOutboundLeg    = `{"call_id":5635304278851599,"state":"connected","direction":"outbound","external_number":"+14155550111","target":{"id":78,"type":"user","name":"Carol"},"master_call_id":5635304278851584,"is_transferred":true,"event_timestamp":1700000002000}`
	smsInbound         = `{"id":4444,"created_date":1700000003000,"direction":"inbound","target":{"id":77,"type":"user","name":"Alice Smith"},"from_number":"+14155550100","to_number":["+16505550199"],"mms":false,"is_internal":false,"text":"running late","message_status":"pending","event_timestamp":1700000003000}`
	smsDelivered       = `{"id":4445,"direction":"outbound","from_number":"+16505550199","to_number":["+14155550100","+14155550101"],"message_status":"delivered","message_delivery_result":"success","event_timestamp":1700000004000}`
	agentAvailable     = `{"availability_status":"open","call_center_ids":["111","222"],"date":1700000005000,"event_timestamp":1700000005000,"on_duty_status":"available","on_duty_status_reason":"","target":{"id":77,"name":"Alice Smith","type":"user"}}`
)
