package session

import (
	"bytes"
	"context"
	"encoding/binary"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

// benchPayload is a notification-sized text frame (~420 B, as the
// benchmark's RingCentral-shaped source sends).
var benchPayload = []byte(`[{"type":"ServerNotification","messageId":"5c0d3e7a-0001-4d2e-9c1b-2f3a4b5c6d7e","status":200,` +
	`"wsc":{"token":"AQAAAGUxYjJjM2Q0ZTVmNi1hYmNkLTRlZmEtODkwMS0yMzQ1Njc4OWFiY2Q","sequence":1}},` +
	`{"uuid":"5c0d3e7a-0001-4d2e-9c1b-2f3a4b5c6d7e","event":"/restapi/v1.0/account/37439510/extension/101/message-store/instant?type=SMS",` +
	`"timestamp":"2024-05-01T10:00:00.123Z","subscriptionId":"e1b2c3d4-e5f6-abcd","ownerId":"101",` +
	`"body":{"id":"10828001004","type":"SMS","direction":"Inbound","subject":"Are we still on for 3pm?"}}]`)

// batchServer serves WebSockets that send nothing until told: each value
// on more writes that many copies of payload, as whole unmasked server
// frames in one write, so the server costs little and the same for every
// client measured against it.
func batchServer(b *testing.B, payload []byte, batch int) (url string, more chan struct{}) {
	b.Helper()
	var frame []byte
	switch n := len(payload); {
	case n < 126:
		frame = append(frame, 0x81, byte(n))
	case n < 1<<16:
		frame = binary.BigEndian.AppendUint16(append(frame, 0x81, 126), uint16(n))
	default:
		b.Fatal("payload too large for the bench")
	}
	frame = append(frame, payload...)
	blob := bytes.Repeat(frame, batch)
	more = make(chan struct{})
	url = wsServer(b, nil, func(ws *websocket.Conn, r *http.Request) {
		go drain(ws) // answers the client's close; ends with the connection
		for range more {
			if _, err := ws.NetConn().Write(blob); err != nil {
				return
			}
		}
	})
	return url, more
}

// BenchmarkReadLoop measures the engine's read path alone — the read
// loop, publish and emit, with a decoder that does nothing — against
// a bare gorilla ReadMessage loop reading the same frames from the same
// kind of server. Batches of the two are interleaved, so that load on a
// shared machine falls on both alike. It reports the engine's time per
// frame as a multiple of the bare loop's ("x-bare", 1.0 is as fast), both
// times per frame, and the engine's allocations per frame.
func BenchmarkReadLoop(b *testing.B) {
	const batch = 512

	// The bare loop.
	bareURL, bareMore := batchServer(b, benchPayload, batch)
	ws, _, err := websocket.DefaultDialer.Dial(bareURL, nil)
	if err != nil {
		b.Fatal(err)
	}
	bareDone := make(chan struct{})
	go func() {
		for n := 1; ; n++ {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
			if n%batch == 0 {
				bareDone <- struct{}{}
			}
		}
	}()

	// The engine, with a decoder that does nothing, its Updates counted.
	engURL, engMore := batchServer(b, benchPayload, batch)
	var frames atomic.Int64
	engDone := make(chan struct{}, 1)
	p := &fake{url: engURL, opened: live}
	opt := fast()
	opt.PingInterval = 0 // the defaults: a read deadline, as a real session has
	s := New(p, opt)
	s.dec = protocol.DecoderFunc(func(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
		return dst, nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() {
		ran <- s.Run(ctx, func(u protocol.Update) {
			if u.Kind == protocol.KindRecv && u.Frame.Op == protocol.OpText && frames.Add(1)%batch == 0 {
				engDone <- struct{}{}
			}
		})
	}()
	defer func() {
		cancel()
		<-ran
		ws.Close()
		close(bareMore)
		close(engMore)
	}()

	wait := func(done chan struct{}) {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			b.Fatal("a batch did not arrive within 10 s")
		}
	}
	var eng, bare time.Duration
	var ms0, ms1 runtime.MemStats
	var allocs uint64
	for b.Loop() {
		t0 := time.Now()
		bareMore <- struct{}{}
		wait(bareDone)
		bare += time.Since(t0)

		runtime.ReadMemStats(&ms0)
		t0 = time.Now()
		engMore <- struct{}{}
		wait(engDone)
		eng += time.Since(t0)
		runtime.ReadMemStats(&ms1)
		allocs += ms1.Mallocs - ms0.Mallocs
	}
	n := float64(b.N) * batch
	b.ReportMetric(float64(eng)/float64(bare), "x-bare")
	b.ReportMetric(float64(eng.Nanoseconds())/n, "ns/frame")
	b.ReportMetric(float64(bare.Nanoseconds())/n, "ns/bare-frame")
	b.ReportMetric(float64(allocs)/n, "allocs/frame")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkPublish is what publishing one received frame costs the
// reader beyond reading it: the emit lock, the clock, the decoder call
// (a decoder that derives one Update, as a notification's event) and
// the hand-over to emit.
func BenchmarkPublish(b *testing.B) {
	s := New(&fake{}, Options{})
	ev := protocol.Update{Kind: protocol.KindEvent, Event: &protocol.Event{Label: "SMS"}}
	s.dec = protocol.DecoderFunc(func(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
		return append(dst, ev), nil
	})
	n := 0
	s.emit, s.start = func(u protocol.Update) { n++ }, time.Now()
	data := string(benchPayload)
	b.ReportAllocs()
	for b.Loop() {
		s.publishRaw(1, protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpText, Data: data, Size: len(data)}}, benchPayload)
	}
	if n != 2*b.N {
		b.Fatalf("%d Updates emitted for %d frames", n, b.N)
	}
}
