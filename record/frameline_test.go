package record

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

func stdLine(t testing.TB, u protocol.Update) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(u); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// parseFrameLine reads back exactly what encoding/json reads, for every
// frame the writer writes and for hand-written lines with every kind of
// escape; it declines what it does not know.
func TestFrameLinesReadBackAsEncodingJSONReadsThem(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	var lines [][]byte
	for i := 0; i < 300; i++ {
		b := make([]byte, rng.Intn(60))
		rng.Read(b)
		u := protocol.Update{Time: time.Date(2026, 11, 22, 12, 0, 0, rng.Intn(1e9), time.UTC), Offset: protocol.Offset(rng.Int63n(1e12)),
			Kind: []protocol.Kind{protocol.KindRecv, protocol.KindSent}[i%2], Conn: rng.Intn(3),
			Frame: &protocol.Frame{Op: protocol.OpText, Data: string(b), Size: len(b), Type: []string{"", "T\"x"}[i%2]}}
		line, err := protocol.AppendUpdate(nil, u)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, bytes.TrimSuffix(line, []byte("\n")))
	}
	for _, l := range []string{
		`{"t":"2026-11-22T20:00:00Z","off":0.5,"kind":"recv","frame":{"op":"text","data":"\/ \u00e9 \ud83d\ude00 \ud800 x \ud800\u0041 \b\f\n\r\t","size":1}}`,
		`{"t":"2026-11-22T20:00:00+02:00","off":1e2,"kind":"sent","conn":-1,"frame":{"op":"ping","size":0}}`,
		"{\"t\":\"2026-11-22T20:00:00Z\",\"off\":0,\"kind\":\"recv\",\"frame\":{\"op\":\"text\",\"data\":\"raw \xff\xfe bytes\",\"size\":1}}",
		`{"t":"2026-11-22T20:00:00Z","off":0,"kind":"recv","frame":{"op":"text","size":01}}`,
		`{"t":"2026-11-22T20:00:00Z","off":0,"kind":"recv","frame":{"op":"text","size":1,"extra":1}}`,
		`{"t":"2026-11-22T20:00:00Z","off":0,"kind":"recv","frame":{"op":"text","data":"tab	raw","size":1}}`,
	} {
		lines = append(lines, []byte(l))
	}
	for _, l := range lines {
		got, ok := parseFrameLine(l, protocol.KindRecv)
		if !ok {
			got, ok = parseFrameLine(l, protocol.KindSent)
		}
		var want protocol.Update
		werr := json.Unmarshal(l, &want)
		if !ok {
			continue // declined: the reader falls back to encoding/json
		}
		if werr != nil {
			t.Fatalf("accepted a line encoding/json refuses (%v): %s", werr, l)
		}
		if g, w := stdLine(t, got), stdLine(t, want); !bytes.Equal(g, w) {
			t.Fatalf("%s\n got %s\nwant %s", l, g, w)
		}
	}
}
