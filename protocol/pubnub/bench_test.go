package pubnub

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// BenchmarkDecoder measures the decoder over poll answers of 10
// encrypted presence notifications each (read the http frame, the
// envelope, decrypt, read the notification, summarise), against a
// baseline measured in the same run: reading the same answers into
// maps with encoding/json, which decrypts and summarises nothing.
// Compare the two ns/op (CPU per answer), not absolute numbers.
func BenchmarkDecoder(b *testing.B) {
	k := mustKey(b, vectorKey)
	var msgs []string
	for i := range 10 {
		msgs = append(msgs, envelope("222_abc", Timetoken(1000+i), notification("u-"+strconv.Itoa(i)), k))
	}
	body := pollBody(1009, msgs...)
	frame, _ := json.Marshal(protocol.HTTPResponse{ID: 1, Status: 200, Body: body, Header: map[string]string{"Content-Type": "text/javascript"}})

	b.Run("baseline=encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r protocol.HTTPResponse
			_ = json.Unmarshal(frame, &r)
			var v map[string]any
			if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decoder", func(b *testing.B) {
		b.ReportAllocs()
		w := newWire(b)
		w.create("sub-1", "222_abc", vectorKey)
		req, _ := json.Marshal(protocol.HTTPRequest{ID: 1, Method: "GET", URL: pollURL("222_abc", &Cursor{T: 999})})
		var dst []protocol.Update
		at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		for b.Loop() {
			clear(w.d.ids.set) // each round is new notifications, not duplicates
			clear(w.d.ids.ring)
			u := protocol.Update{Kind: protocol.KindSent, Time: at, Frame: &protocol.Frame{Op: protocol.OpHTTP}}
			w.d.Decode(dst[:0], &u, req)
			u = protocol.Update{Kind: protocol.KindRecv, Time: at, Frame: &protocol.Frame{Op: protocol.OpHTTP}}
			dst, _ = w.d.Decode(dst[:0], &u, frame)
			if len(dst) != 10 {
				b.Fatalf("%d updates", len(dst))
			}
		}
	})
}
