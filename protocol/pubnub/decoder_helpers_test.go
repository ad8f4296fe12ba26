package pubnub

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// wire feeds a Decoder the http frames a session would publish, on a
// clock the test moves.
type wire struct {
	t    testing.TB
	d    *Decoder
	now  time.Time
	id   int
	conn int
}

func newWire(t testing.TB) *wire {
	return &wire{t: t, d: NewDecoder(), now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), conn: 1}
}

func (w *wire) tick(d time.Duration) { w.now = w.now.Add(d) }

func (w *wire) feed(u protocol.Update, raw []byte) ([]protocol.Update, any) {
	u.Time, u.Conn = w.now, w.conn
	return w.d.Decode(nil, &u, raw)
}

// send publishes a request and returns its id.
func (w *wire) send(method, url, body string) int {
	w.id++
	data, _ := json.Marshal(protocol.HTTPRequest{ID: w.id, Method: method, URL: url, Body: body})
	if out, _ := w.feed(protocol.Update{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(data)}}, data); len(out) != 0 {
		w.t.Fatalf("a request derived %v", out)
	}
	return w.id
}

// answer publishes the answer to request id.
func (w *wire) answer(id, status int, body string) ([]protocol.Update, any) {
	data, _ := json.Marshal(protocol.HTTPResponse{ID: id, Status: status, Body: body,
		Header: map[string]string{"Content-Type": `text/javascript; charset="UTF-8"`}})
	return w.feed(protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(data)}}, data)
}

// fail publishes a request that got no answer.
func (w *wire) fail(id int, cause string) ([]protocol.Update, any) {
	data, _ := json.Marshal(protocol.HTTPResponse{ID: id, Error: cause})
	return w.feed(protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(data)}}, data)
}

const (
	server = "http://127.0.0.1:7000"
	origin = "http://127.0.0.1:7001"
	subKey = "sub-c-test"
)

// subscriptionBody is a create or renew answer.
func subscriptionBody(id, channel, key string, exp time.Time) string {
	dm := map[string]any{"transportType": "PubNub", "address": channel, "subscriberKey": subKey}
	if key != "" {
		dm["encryption"], dm["encryptionAlgorithm"], dm["encryptionKey"] = true, "AES", key
	}
	b, _ := json.Marshal(map[string]any{"id": id, "uri": "/restapi/v1.0/subscription/" + id, "status": "Active",
		"creationTime": exp.Add(-15 * time.Minute).Format(time.RFC3339Nano), "expirationTime": exp.Format("2006-01-02T15:04:05.000Z"),
		"expiresIn": 900, "eventFilters": []string{presenceFilter}, "deliveryMode": dm})
	return string(b)
}

const presenceFilter = "/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true"

// create runs a POST /restapi/v1.0/subscription through the decoder.
func (w *wire) create(id, channel, key string) ([]protocol.Update, *SubscriptionAnswer) {
	rid := w.send("POST", server+"/restapi/v1.0/subscription", `{"eventFilters":["`+presenceFilter+`"],"deliveryMode":{"transportType":"PubNub"}}`)
	out, msg := w.answer(rid, 200, subscriptionBody(id, channel, key, w.now.Add(15*time.Minute)))
	return out, msg.(*SubscriptionAnswer)
}

func pollURL(channel string, c *Cursor) string {
	u, _ := Subscribe{Origin: origin, SubKey: "***", Channels: []string{channel}, Cursor: c, Heartbeat: 300, UUID: "u", PNSDK: PNSDK}.URL()
	return u
}

// notification is a RingCentral presence notification's JSON.
func notification(uuid string) string {
	return `{"uuid":"` + uuid + `","event":"/restapi/v1.0/account/~/extension/402853446008/presence","timestamp":"2026-03-01T12:00:00.000Z","subscriptionId":"sub-1","ownerId":"402853446008","body":{"extensionId":402853446008,"telephonyStatus":"OnHold"}}`
}

// envelope is one message of a poll answer: d encrypted with key when
// it is valid, plain otherwise.
func envelope(channel string, p Timetoken, plain string, key Key) string {
	d := plain
	if key.Valid() {
		d = string(quoted(key.Encrypt([]byte(plain))))
	}
	return fmt.Sprintf(`{"a":"3","f":0,"i":"rc","p":{"t":"%s","r":12},"k":"%s","c":"%s","b":"%s","d":%s}`, p, subKey, channel, channel, d)
}

func pollBody(t Timetoken, msgs ...string) string {
	return fmt.Sprintf(`{"t":{"t":"%s","r":12},"m":[%s]}`, t, strings.Join(msgs, ","))
}

func kinds(ups []protocol.Update, k protocol.Kind) []protocol.Update {
	var out []protocol.Update
	for _, u := range ups {
		if u.Kind == k {
			out = append(out, u)
		}
	}
	return out
}

func evs(ups []protocol.Update) []*protocol.Event {
	var out []*protocol.Event
	for _, u := range kinds(ups, protocol.KindEvent) {
		out = append(out, u.Event)
	}
	return out
}

// poll sends a poll and has it answered with body at once.
func (w *wire) poll(channel string, c *Cursor, status int, body string) ([]protocol.Update, *PollAnswer) {
	id := w.send("GET", pollURL(channel, c), "")
	out, msg := w.answer(id, status, body)
	return out, msg.(*PollAnswer)
}

func testEpoch() time.Time { return time.Date(2026, 3, 1, 12, 15, 0, 0, time.UTC) }
