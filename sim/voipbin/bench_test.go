package voipbin

import (
	"encoding/json"
	"testing"
	"time"
)

// Run with: go test -run '^$' -bench . -benchmem ./sim/voipbin/
// Compare the others with BenchmarkMarshalBaseline, measured in the same
// run: the ratio is what counts on a shared machine.

var benchNow = time.Date(2026, 8, 22, 10, 0, 0, 0, time.UTC)

// BenchmarkMarshalBaseline is the floor: encoding one call resource, the
// least any emulator must do per event.
func BenchmarkMarshalBaseline(b *testing.B) {
	g := newGenerator(1, cust)
	r := g.newCall("incoming", nilUUID, g.id(), g.id())
	r.c.TMCreate = tp(benchNow)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := json.Marshal(r.c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerate is one generated event published with nobody
// listening: the story step, its JSON and its topic strings.
func BenchmarkGenerate(b *testing.B) {
	s := New(Config{Seed: 1})
	b.Cleanup(func() { s.Close() })
	b.ReportAllocs()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < b.N; i++ {
		s.generateLocked()
	}
}

// BenchmarkMatchFanout is the topic work of one event for 20
// connections with a mix of prefixes: its topic strings, and every
// connection's prefixes against each.
func BenchmarkMatchFanout(b *testing.B) {
	g := newGenerator(1, cust)
	subs := [][]string{
		{custTopic + ":call"}, {custTopic + ":call:call_updated"}, {custTopic},
		{custTopic + ":queuecall", custTopic + ":agent"}, {custTopic + ":transcribe:transcribe_speech_interim"},
	}
	var conns []*conn
	for i := 0; i < 20; i++ {
		conns = append(conns, &conn{topics: subs[i%len(subs)]})
	}
	var evs []event
	for i := 0; i < 1000; i++ {
		evs = append(evs, g.next(benchNow))
	}
	b.ReportAllocs()
	b.ResetTimer()
	matched := 0
	for i := 0; i < b.N; i++ {
		e := evs[i%len(evs)]
		for _, t := range publishTopics(e.Type, e.Data, cust) {
			for _, c := range conns {
				if c.matches(t) {
					matched++
				}
			}
		}
	}
	if matched == 0 {
		b.Fatal("nothing matched")
	}
}

// BenchmarkDeliver is one generated event read by a gorilla client over
// loopback (subscribed to everything, so twice): the end-to-end cost.
func BenchmarkDeliver(b *testing.B) {
	s := New(Config{Seed: 1, BufferSize: 1 << 20})
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ws := mustDial(b, base, s.AdminToken())
	send(b, ws, "subscribe", custTopic+":")
	flush(b, s, ws, custTopic+":")
	b.ReportAllocs()
	b.ResetTimer()
	done := make(chan error, 1)
	go func() {
		for i := 0; i < 2*b.N; i++ {
			if _, _, err := ws.ReadMessage(); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for left := b.N; left > 0; left -= 1000 {
		s.Generate(min(left, 1000))
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}
