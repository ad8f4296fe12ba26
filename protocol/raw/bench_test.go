package raw

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// benchFrames is a mix a raw stream might carry: small and larger JSON,
// plain text, binary.
func benchFrames() []protocol.Update {
	small := `{"type":"tick","symbol":"EVT","bid":1.25,"ask":1.26,"ts":1764417600123}`
	large := `{"type":"snapshot","rows":[` + strings.Repeat(`{"id":12345,"name":"a row of a snapshot","tags":["x","y"]},`, 60) + `{}]}`
	bin := make([]byte, 1024)
	for i := range bin {
		bin[i] = byte(i)
	}
	text := func(s string) protocol.Update {
		return protocol.Update{Kind: protocol.KindRecv, Conn: 1, Frame: &protocol.Frame{Op: protocol.OpText, Data: s, Size: len(s)}}
	}
	return []protocol.Update{
		text(small), text(small), text(small), text(large), text("plain text line\nand another"),
		{Kind: protocol.KindRecv, Conn: 1, Frame: &protocol.Frame{Op: protocol.OpBinary, Enc: "base64", Data: base64.StdEncoding.EncodeToString(bin), Size: len(bin)}},
	}
}

// BenchmarkDecoderRatio prices the decoder against the least any
// decoder that keeps a frame's JSON must do (check it is JSON, copy it),
// interleaved in one run so the ratio holds on a busy machine.
func BenchmarkDecoderRatio(b *testing.B) {
	frames := benchFrames()
	raws := make([][]byte, len(frames))
	for i, f := range frames {
		raws[i] = []byte(f.Frame.Data)
		if f.Frame.Enc == "base64" {
			raws[i], _ = base64.StdEncoding.DecodeString(f.Frame.Data)
		}
	}
	d := NewDecoder()
	var dst []protocol.Update
	var dec, base time.Duration
	var sink int
	const batch = 240
	for b.Loop() {
		t0 := time.Now()
		for k := range batch {
			u := frames[k%len(frames)]
			dst, _ = d.Decode(dst[:0], &u, raws[k%len(frames)])
		}
		t1 := time.Now()
		for k := range batch {
			r := raws[k%len(frames)]
			if json.Valid(r) {
				sink += len(append(json.RawMessage(nil), r...))
			}
		}
		dec, base = dec+t1.Sub(t0), base+time.Since(t1)
	}
	n := float64(b.N) * batch
	b.ReportMetric(float64(dec)/float64(base), "x-baseline")
	b.ReportMetric(float64(dec.Nanoseconds())/n, "ns/frame")
	_ = sink
}
