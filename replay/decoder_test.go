package replay

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// seqDecoder is a small provider's decoder for the tests: a received
// text frame {"id":…,"seq":n,"label":…} is an event, a jump in seq is a
// gap, a pong answering a ping (whose payload is its send time in
// nanoseconds) is a heartbeat, and anything else received is a decode
// error. Like every Decoder it is pure: all it says follows from the
// Updates it is fed.
type seqDecoder struct {
	label string // prefixed to every event's label: a "fixed" decoder says it differently
	seq   uint64
	ping  map[string]time.Time
}

func newSeqDecoder(label string) *seqDecoder {
	return &seqDecoder{label: label, ping: map[string]time.Time{}}
}

func (d *seqDecoder) Decode(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
	derived := func(k protocol.Kind) protocol.Update {
		return protocol.Update{Time: u.Time, Offset: u.Offset, Conn: u.Conn, Kind: k}
	}
	if u.Frame == nil {
		return dst, nil
	}
	switch {
	case u.Kind == protocol.KindSent && u.Frame.Op == protocol.OpPing:
		d.ping[string(raw)] = u.Time
	case u.Kind == protocol.KindRecv && u.Frame.Op == protocol.OpPong:
		if at, ok := d.ping[string(raw)]; ok {
			hb := derived(protocol.KindHeartbeat)
			hb.Heartbeat = &protocol.Heartbeat{Via: "ping", RTT: protocol.Millis(u.Time.Sub(at))}
			dst = append(dst, hb)
		}
	case u.Kind == protocol.KindRecv && u.Frame.Op == protocol.OpText:
		var m struct {
			ID    string `json:"id"`
			Seq   uint64 `json:"seq"`
			Label string `json:"label"`
		}
		if err := json.Unmarshal(raw, &m); err != nil || m.Seq == 0 {
			e := derived(protocol.KindError)
			e.Error = &protocol.Error{Where: protocol.WhereDecode, Message: "not a notification"}
			return append(dst, e), nil
		}
		u.Frame.Type = "notification"
		if d.seq != 0 && m.Seq > d.seq+1 {
			g := derived(protocol.KindGap)
			g.Gap = &protocol.Gap{From: d.seq + 1, To: m.Seq - 1, Missed: int(m.Seq - d.seq - 1), Reason: "sequence jumped"}
			dst = append(dst, g)
		}
		d.seq = m.Seq
		ev := derived(protocol.KindEvent)
		ev.Event = &protocol.Event{Provider: "seq", ID: m.ID, Label: d.label + m.Label, Seq: m.Seq, Body: json.RawMessage(raw)}
		dst = append(dst, ev)
	}
	return dst, nil
}

// liveSession is what a live session of the seq provider publishes:
// frames and states, each followed by what the decoder derives, exactly
// as the session publishes them.
type liveSession struct {
	facts []protocol.Update // what the session observed
	all   []protocol.Update // what it published: facts and derived, in order
}

func newLive(label string, n int) *liveSession {
	s := &liveSession{}
	dec := newSeqDecoder(label)
	t0 := time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)
	off := time.Duration(0)
	add := func(step time.Duration, u protocol.Update, raw []byte) {
		off += step
		u.Time, u.Offset, u.Conn = t0.Add(off), protocol.Offset(off), 1
		s.facts = append(s.facts, u)
		derived, _ := dec.Decode(nil, &u, raw)
		s.all = append(s.all, u)
		s.all = append(s.all, derived...)
	}
	frame := func(step time.Duration, kind protocol.Kind, op protocol.Opcode, data string) {
		add(step, protocol.Update{Kind: kind, Frame: &protocol.Frame{Op: op, Data: data, Size: len(data)}}, []byte(data))
	}
	add(0, protocol.Update{Kind: protocol.KindState, State: &protocol.State{Phase: protocol.PhaseDialing, URL: "wss://h.example/ws?access_token=AT-secret-0123456789abcdef"}}, nil)
	frame(time.Millisecond, protocol.KindRecv, protocol.OpText, `{"hello":true,"ws_access_token":"WS-secret-0123456789abcdef"}`)
	add(time.Millisecond, protocol.Update{Kind: protocol.KindState, State: &protocol.State{Phase: protocol.PhaseLive}}, nil)
	seq := uint64(0)
	for i := 0; i < n; i++ {
		seq++
		if i == n/2 {
			seq += 3 // three lost: a gap
			frame(10*time.Millisecond, protocol.KindSent, protocol.OpPing, "1700000000000000000")
			frame(2*time.Millisecond, protocol.KindRecv, protocol.OpPong, "1700000000000000000")
			add(time.Millisecond, protocol.Update{Kind: protocol.KindMarker, Marker: &protocol.Marker{Label: "customer called"}}, nil)
			frame(time.Millisecond, protocol.KindRecv, protocol.OpText, `garbage <not json>`)
		}
		frame(20*time.Millisecond, protocol.KindRecv, protocol.OpText,
			fmt.Sprintf(`{"id":"e%d","seq":%d,"label":"SMS %s","echo":"WS-secret-0123456789abcdef"}`, i, seq, strconv.Itoa(i)))
		if i%10 == 9 {
			add(0, protocol.Update{Kind: protocol.KindState, State: &protocol.State{Phase: protocol.PhaseLive, Cause: "renewed"}}, nil)
		}
	}
	add(time.Second, protocol.Update{Kind: protocol.KindState, State: &protocol.State{Phase: protocol.PhaseClosed}}, nil)
	return s
}

// seqRules mark the seq provider's secrets.
var seqRules = record.Rules{Fields: map[string]string{"ws_access_token": "ws_access_token"}}

// decoders is what the registry would pass: the seq provider's decoder.
func decoders(label string) func(record.Header) protocol.Decoder {
	return func(h record.Header) protocol.Decoder {
		if h.Provider != "seq" {
			return nil
		}
		return newSeqDecoder(label)
	}
}

// Rule: a recording started halfway through a session opens with a
// snapshot of it (the subscription in force, the last state) before any
// frame. Its derived lines were not derived from anything in the file,
// so the decoder cannot say them again: they play as recorded, and the
// replay does not open on an empty subscription pane. Derived lines
// after the first fact are derived again, as always.
func TestASnapshotAtTheStartPlaysAsRecorded(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)
	sub := protocol.Update{Time: t0, Kind: protocol.KindSubscription, Conn: 1,
		Subscription: &protocol.Subscription{ID: "s-1", Status: "Active"}}
	live := protocol.Update{Time: t0, Kind: protocol.KindState, Conn: 1, State: &protocol.State{Phase: protocol.PhaseLive}}
	frame := protocol.Update{Time: t0.Add(time.Second), Offset: protocol.Offset(time.Second), Kind: protocol.KindRecv, Conn: 1,
		Frame: &protocol.Frame{Op: protocol.OpText, Data: `{"id":"a","seq":1,"label":"x"}`, Size: 31}}
	recorded := protocol.Update{Time: frame.Time, Offset: frame.Offset, Kind: protocol.KindSubscription, Conn: 1,
		Subscription: &protocol.Subscription{ID: "s-2", Status: "Recorded, not derived"}}
	path := filepath.Join(t.TempDir(), "late.jsonl")
	w, err := record.Create(path, record.Header{Provider: "seq", Start: t0}, record.Options{KeepSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []protocol.Update{sub, live, frame, recorded} {
		w.Write(u)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	p, err := Open(context.Background(), path, Options{Decoder: decoders("")})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var got []string
	if err := p.Run(context.Background(), func(u protocol.Update) {
		switch u.Kind {
		case protocol.KindSubscription:
			got = append(got, "subscription "+u.Subscription.ID)
		case protocol.KindEvent:
			got = append(got, "event "+u.Event.ID)
		default:
			got = append(got, string(u.Kind))
		}
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{"subscription s-1", "state", "recv", "event a"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("replayed %q, want %q", got, want)
	}
}
