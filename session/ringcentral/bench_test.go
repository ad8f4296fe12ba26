package ringcentral

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/session"
)

// nopLink is a Link that drops everything, so a benchmark measures the
// provider alone. Link methods it does not define (REST, Working) are the
// embedded nil interface's: the benchmark never calls them.
type nopLink struct{ session.Link }

func (nopLink) Conn() int            { return 1 }
func (nopLink) Now() time.Time       { return time.Time{} }
func (nopLink) Emit(protocol.Update) {}
func (nopLink) State(protocol.State) {}
func (nopLink) Send([]byte) bool     { return true }
func (nopLink) Healthy()             {}
func (nopLink) Fail(string)          {}

func notificationFrames(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = []byte(fmt.Sprintf(`[{"type":"ServerNotification","messageId":"m%d","status":200,"headers":{"RCRequestId":"r"},"wsc":{"token":"tok","sequence":%d}},{"uuid":"u%d","event":"/restapi/v1.0/account/1/extension/2/message-store/instant?type=SMS","timestamp":"2024-01-01T00:00:00.000Z","subscriptionId":"s","ownerId":"2","body":{"id":"1","type":"SMS","direction":"Inbound","from":{"phoneNumber":"+15550001"},"to":[{"phoneNumber":"+15550002"}],"subject":"hello there","messageStatus":"Received"}}]`, i, i+2, i))
	}
	return out
}

// BenchmarkDecodeBaseline is the least any client must do per
// notification: decode the frame and its notification body.
func BenchmarkDecodeBaseline(b *testing.B) {
	frames := notificationFrames(1024)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		f, err := rc.Decode(frames[i%len(frames)])
		if err != nil {
			b.Fatal(err)
		}
		var n rc.Notification
		if err := json.Unmarshal(f.Body, &n); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReceiveNotification is the session's whole per-notification
// work: the decoder's one pass (type, wsc, sequence, summary, event) and
// the provider keeping the wsc it hands over.
func BenchmarkReceiveNotification(b *testing.B) {
	frames := notificationFrames(1 << 16)
	p := NewProvider(Config{})
	p.conn, p.connected = 1, true
	var dec protocol.Decoder
	var dst []protocol.Update
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		f := frames[i%len(frames)]
		if i%len(frames) == 0 {
			dec = p.Decoder()
		}
		u := protocol.Update{Kind: protocol.KindRecv, Conn: 1, Frame: &protocol.Frame{Op: protocol.OpText, Data: string(f), Size: len(f)}}
		var msg any
		dst, msg = dec.Decode(dst[:0], &u, f)
		if msg != nil {
			p.Receive(nopLink{}, msg)
		}
	}
}
