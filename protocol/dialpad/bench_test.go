package dialpad

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// benchFrames are distinct call, SMS and agent-status events (so none is
// a duplicate), plain or signed with secret.
func benchFrames(n int, secret string) []string {
	base := []string{callInboundRinging, callOutboundLeg, smsInbound, smsDelivered, agentAvailable}
	out := make([]string, n)
	for i := range out {
		p := strings.Replace(base[i%len(base)], `"event_timestamp":17`, `"event_timestamp":`+strconv.Itoa(i)+`17`, 1)
		if secret != "" {
			p = signHS256(p, secret)
		}
		out[i] = p
	}
	return out
}

// BenchmarkDecoderRatio times the Decoder against what any client of the
// socket does at least, reading each payload into a map (and, signed,
// verifying it first), interleaved in one run so that the ratio holds on
// a busy machine. x-baseline is the Decoder's time over the baseline's.
func BenchmarkDecoderRatio(b *testing.B) {
	for _, c := range []struct{ name, secret string }{{"plain", ""}, {"signed", "k"}} {
		b.Run(c.name, func(b *testing.B) {
			frames := benchFrames(4096, c.secret)
			var dec, base time.Duration
			var dst []protocol.Update
			const batch = 256
			d, i := NewDecoder(Config{Secret: c.secret}), 0
			for b.Loop() {
				if i+batch > len(frames) {
					d, i = NewDecoder(Config{Secret: c.secret}), 0 // fresh: no duplicates
				}
				t0 := time.Now()
				for _, f := range frames[i : i+batch] {
					u := protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpText, Data: f}}
					dst, _ = d.Decode(dst[:0], &u, []byte(f))
				}
				t1 := time.Now()
				for _, f := range frames[i : i+batch] {
					payload := []byte(f)
					if c.secret != "" {
						j, _ := ParseJWS(f)
						_ = j.Verify(c.secret)
						payload = j.Payload
					}
					var m map[string]any
					_ = json.Unmarshal(payload, &m)
				}
				dec, base = dec+t1.Sub(t0), base+time.Since(t1)
				i += batch
			}
			b.ReportMetric(float64(dec)/float64(base), "x-baseline")
			b.ReportMetric(float64(dec.Nanoseconds())/float64(b.N*batch), "ns/frame")
		})
	}
}
