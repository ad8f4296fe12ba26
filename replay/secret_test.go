package replay

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// keylessDecoder is the seq decoder of a replay that lacks the secret
// the live session decrypted with: every event says so
// (Seal.SecretMissing) and cannot say what it holds.
type keylessDecoder struct{ *seqDecoder }

func (d keylessDecoder) Decode(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
	n := len(dst)
	dst, r := d.seqDecoder.Decode(dst, u, raw)
	for i := n; i < len(dst); i++ {
		if e := dst[i].Event; e != nil {
			dst[i].Event = &protocol.Event{Provider: e.Provider, Label: "undecryptable", Body: e.Body,
				Seal: &protocol.Seal{Via: "test cipher", Problem: "no key", SecretMissing: true}}
		}
	}
	return dst, r
}

// Rule: when the recording lacks the secret its events were decrypted
// with live, a replay shows the events as the live session derived and
// recorded them — byte for byte what the live run printed — also when a
// frame is longer than the reader's buffer (a PubNub catch-up of 100
// messages is ~150 KB).
func TestAReplayWithoutTheSecretShowsTheLiveDerivation(t *testing.T) {
	s := &liveSession{}
	dec := newSeqDecoder("")
	t0 := time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)
	pad := strings.Repeat("x", 150<<10)
	for i := 1; i <= 12; i++ {
		data := fmt.Sprintf(`{"id":"e%d","seq":%d,"label":"SMS %d","pad":"%s"}`, i, i, i, pad[:i%3*(70<<10)])
		u := protocol.Update{Time: t0.Add(time.Duration(i) * time.Millisecond), Offset: protocol.Offset(time.Duration(i) * time.Millisecond), Conn: 1,
			Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpText, Data: data, Size: len(data)}}
		s.facts = append(s.facts, u)
		derived, _ := dec.Decode(nil, &u, []byte(data))
		s.all = append(append(s.all, u), derived...)
	}
	path, printed := recordLive(t, s)
	keyless := func(record.Header) protocol.Decoder { return keylessDecoder{newSeqDecoder("")} }
	got := replayHeadless(t, path, Options{Decoder: keyless})
	if !bytes.Equal(got, printed) {
		a, b := strings.Split(string(got), "\n"), strings.Split(string(printed), "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("line %d differs:\nreplay %.200s\nlive   %.200s", i+1, a[i], b[i])
			}
		}
		t.Fatalf("replay printed %d lines, live %d", len(a), len(b))
	}
	if bytes.Contains(got, []byte("undecryptable")) {
		t.Fatal("the replay shows events it could not decrypt, though the live derivation was recorded")
	}
}
