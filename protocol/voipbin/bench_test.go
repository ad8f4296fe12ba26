package voipbin

import (
	"encoding/json"
	"testing"

	"github.com/evtap/evtap/protocol"
)

// The baseline, measured in the same run, is a plain json.Unmarshal of
// the same frame into generic values: the least any decoder does. Decode
// (typed read, shape, topics, duplicate mark, summary, the Event) is
// reported as a ratio to it.

func benchFrame() []byte {
	return []byte(callPayload("progressing", "", "", "2026-08-22T10:00:02.123456789Z"))
}

func BenchmarkDecodeCallFrame(b *testing.B) {
	data := benchFrame()
	d := NewDecoder()
	var out []protocol.Update
	u := protocol.Update{Kind: protocol.KindSent, Conn: 1, Frame: &protocol.Frame{Op: protocol.OpText}}
	out, _ = d.Decode(out, &u, Subscribe([]string{callPfx, hangPfx, agentPfx}))
	f := &protocol.Frame{Op: protocol.OpText}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		u = protocol.Update{Kind: protocol.KindRecv, Conn: 1, Frame: f}
		out, _ = d.Decode(out[:0], &u, data)
		if len(out) != 1 || out[0].Kind != protocol.KindEvent {
			b.Fatal(out)
		}
	}
}

func BenchmarkBaselineUnmarshalCallFrame(b *testing.B) {
	data := benchFrame()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var v map[string]any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}
