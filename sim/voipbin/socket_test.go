package voipbin

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const (
	call1 = "0b5a1f0e-7c3d-4e2a-9f1b-000000000001"
	call2 = "0b5a1f0e-7c3d-4e2a-9f1b-000000000002"
)

// A 3-part prefix receives each event twice (old and new topic string); a
// 4-part event-type prefix or id topic receives it once; overlapping
// prefixes on one connection still deliver once per topic string.
func TestPrefixMatchingWithDuplicates(t *testing.T) {
	cases := []struct {
		name   string
		topics []string
		frames int
	}{
		{"3-part resource prefix", []string{custTopic + ":call"}, 2},
		{"4-part event-type prefix", []string{custTopic + ":call:call_created"}, 1},
		{"4-part id topic", []string{custTopic + ":call:" + call1}, 1},
		{"overlapping prefixes: once per topic string", []string{custTopic + ":call", custTopic + ":call:call_created"}, 2},
		{"repeated subscribe is ignored", []string{custTopic + ":call:call_created", custTopic + ":call:call_created"}, 1},
		{"other event type", []string{custTopic + ":call:call_hangup"}, 0},
		{"wildcard never matches", []string{custTopic + ":call:*"}, 0},
		{"own agent topic and customer topic", []string{custTopic + ":call", "agent_id:" + DemoAdminAgentID + ":call"}, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, base := startSim(t, Config{})
			ws := mustDial(t, base, s.AdminToken())
			send(t, ws, "subscribe", tc.topics...)
			flush(t, s, ws, custTopic)
			inject(t, s, "call_created", callJSON(call1, DemoAdminAgentID))
			got := flush(t, s, ws, custTopic)
			if len(got) != tc.frames {
				t.Fatalf("%d frames, want %d: %s", len(got), tc.frames, got)
			}
			for _, f := range got {
				if !bytes.Contains(f, []byte(call1)) || bytes.Contains(f, []byte(`"topic"`)) {
					t.Fatalf("frame %s: want the bare call resource", f)
				}
			}
		})
	}
}

// Unsubscribe removes exactly the string given: another prefix that
// matches the same events keeps them coming.
func TestUnsubscribeExactString(t *testing.T) {
	s, base := startSim(t, Config{})
	ws := mustDial(t, base, s.AdminToken())
	send(t, ws, "subscribe", custTopic+":call:call_created", custTopic+":call:call_hangup")
	send(t, ws, "unsubscribe", custTopic+":call") // not subscribed: nothing happens
	send(t, ws, "unsubscribe", custTopic+":call:call_hangup")
	flush(t, s, ws, custTopic)
	inject(t, s, "call_created", callJSON(call1, ""))
	inject(t, s, "call_hangup", callJSON(call2, ""))
	got := flush(t, s, ws, custTopic)
	if len(got) != 1 || !bytes.Contains(got[0], []byte(call1)) {
		t.Fatalf("got %s; want only the call_created frame", got)
	}
}

// Frames that are not JSON, and types other than subscribe/unsubscribe,
// are ignored; the connection stays up and nothing is acknowledged.
func TestBadJSONAndOtherTypesIgnored(t *testing.T) {
	s, base := startSim(t, Config{})
	ws := mustDial(t, base, s.AdminToken())
	for _, f := range []string{"not json", `{"type":"subscribe","topics":"customer_id:x"}`, `[1,2]`,
		`{"type":"ping","topics":["bad topic"]}`, `{"type":"SUBSCRIBE","topics":["` + custTopic + `:call"]}`} {
		if err := ws.WriteMessage(websocket.TextMessage, []byte(f)); err != nil {
			t.Fatal(err)
		}
	}
	send(t, ws, "subscribe", custTopic+":call:call_created")
	flush(t, s, ws, custTopic)
	inject(t, s, "call_created", callJSON(call1, ""))
	if got := flush(t, s, ws, custTopic); len(got) != 1 {
		t.Fatalf("got %d frames, want 1 (the ignored frames must change nothing): %s", len(got), got)
	}
	if c := s.Counters(); c.Open != 1 {
		t.Fatalf("open connections %d, want 1", c.Open)
	}
}

// One bad topic, even among good ones, drops the TCP connection with no
// close frame.
func TestBadTopicDropsWithoutCloseFrame(t *testing.T) {
	cases := []struct {
		name, token string
		topics      []string
	}{
		{"grammar", "admin", []string{custTopic + ":call", "customer_id:nope:call"}},
		{"another customer", "admin", []string{"customer_id:" + otherCustomer + ":call"}},
		{"plain agent on a customer topic", "agent", []string{agentTopic + ":call", custTopic + ":call:call_created"}},
		{"unsubscribe validates too", "admin", []string{"agent_id:" + DemoAgentID}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, base := startSim(t, Config{})
			tok := s.AdminToken()
			if tc.token == "agent" {
				tok = s.AgentToken()
			}
			ws := mustDial(t, base, tok)
			typ := "subscribe"
			if strings.HasPrefix(tc.name, "unsubscribe") {
				typ = "unsubscribe"
			}
			send(t, ws, typ, tc.topics...)
			wantDroppedNoCloseFrame(t, readErr(t, ws))
			waitUntil(t, "the drop to be counted", func() bool { return s.Counters().BadTopicDrops == 1 })
			if c := s.Counters(); c.Open != 0 {
				t.Fatalf("%d connections still open", c.Open)
			}
		})
	}
}

// A binary frame ends the connection.
func TestBinaryFrameCloses(t *testing.T) {
	s, base := startSim(t, Config{})
	ws := mustDial(t, base, s.AdminToken())
	if err := ws.WriteMessage(websocket.BinaryMessage, []byte(`{"type":"subscribe","topics":[]}`)); err != nil {
		t.Fatal(err)
	}
	wantDroppedNoCloseFrame(t, readErr(t, ws))
	waitUntil(t, "the close to be counted", func() bool { c := s.Counters(); return c.BinaryCloses == 1 && c.Open == 0 })
}

// A plain agent subscribes to its own agent topics and receives the
// events it owns, and only those; events without an owner never reach an
// agent_id topic.
func TestPlainAgentReceivesOwnEvents(t *testing.T) {
	s, base := startSim(t, Config{})
	ws := mustDial(t, base, s.AgentToken())
	send(t, ws, "subscribe", agentTopic+":call")
	flush(t, s, ws, agentTopic)
	inject(t, s, "call_created", callJSON(call1, DemoAgentID))
	inject(t, s, "call_created", callJSON(call2, DemoAdminAgentID))
	inject(t, s, "agent_status_updated", `{"id":"`+DemoAgentID+`","customer_id":"`+DemoCustomerID+`","status":"away"}`)
	got := flush(t, s, ws, agentTopic)
	if len(got) != 2 || !bytes.Contains(got[0], []byte(call1)) || !bytes.Contains(got[1], []byte(call1)) {
		t.Fatalf("got %s; want call1 twice (old and new agent topic)", got)
	}
}

// Wrapped mode sends the legacy {"type","data"} frame.
func TestWrappedFrames(t *testing.T) {
	s, base := startSim(t, Config{Wrapped: true})
	ws := mustDial(t, base, s.AdminToken())
	send(t, ws, "subscribe", custTopic+":call:call_hangup")
	flush(t, s, ws, custTopic)
	inject(t, s, "call_hangup", callJSON(call1, ""))
	got := flush(t, s, ws, custTopic)
	var w struct {
		Type string          `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if len(got) != 1 || json.Unmarshal(got[0], &w) != nil || w.Type != "call_hangup" || !bytes.Contains(w.Data, []byte(call1)) {
		t.Fatalf("got %s; want {\"type\":\"call_hangup\",\"data\":{…}}", got)
	}
	s.SetWrapped(false)
	inject(t, s, "call_hangup", callJSON(call1, ""))
	got = flush(t, s, ws, custTopic)
	if len(got) != 1 || bytes.HasPrefix(got[0], []byte(`{"type"`)) {
		t.Fatalf("unwrapped again: got %s", got)
	}
}

// The server pings every interval; a client that reads (and even sends
// frames) but never answers is dropped when the pong timeout passes, one
// that answers stays. Client pings are answered.
func TestKeepalive(t *testing.T) {
	const interval = 20 * time.Millisecond
	t.Run("silent client dropped", func(t *testing.T) {
		t.Parallel()
		s, base := startSim(t, Config{PingInterval: interval, PongTimeout: 300 * time.Millisecond})
		silent := mustDial(t, base, s.AdminToken())
		silent.SetPingHandler(func(string) error { return nil }) // never answers
		// It keeps sending frames: only a pong moves the deadline.
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
					if silent.WriteMessage(websocket.TextMessage, []byte("keep me")) != nil {
						return
					}
				}
			}
		}()
		wantDroppedNoCloseFrame(t, readErr(t, silent))
		waitUntil(t, "the pong timeout to be counted", func() bool { return s.Counters().PongTimeouts == 1 })
	})
	t.Run("answering client stays", func(t *testing.T) {
		t.Parallel()
		// Long enough that a loaded machine does not delay a pong past it.
		const timeout = 800 * time.Millisecond
		s, base := startSim(t, Config{PingInterval: interval, PongTimeout: timeout})
		start := time.Now()
		chatty := mustDial(t, base, s.AdminToken())
		var pings, pongs atomic.Int64
		chatty.SetPingHandler(func(p string) error {
			pings.Add(1)
			return chatty.WriteControl(websocket.PongMessage, []byte(p), time.Now().Add(time.Second))
		})
		chatty.SetPongHandler(func(string) error { pongs.Add(1); return nil })
		errc := make(chan error, 1)
		go func() {
			for {
				if _, _, err := chatty.ReadMessage(); err != nil {
					errc <- err
					return
				}
			}
		}()
		waitUntil(t, "the answering client to outlive two pong timeouts", func() bool {
			return time.Since(start) > 2*timeout && pings.Load() >= 20
		})
		if err := chatty.WriteControl(websocket.PingMessage, []byte("rtt"), time.Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, "the server's pong", func() bool { return pongs.Load() >= 1 })
		select {
		case err := <-errc:
			t.Fatalf("the answering client was dropped: %v", err)
		default:
		}
		if c := s.Counters(); c.Open != 1 || c.PongTimeouts != 0 {
			t.Fatalf("open %d, pong timeouts %d; want 1 and 0", c.Open, c.PongTimeouts)
		}
	})
}

// A connection whose buffer is full drops the excess and counts it; it is
// not closed.
func TestBufferOverflowDropsAndCounts(t *testing.T) {
	s, base := startSim(t, Config{BufferSize: 4})
	ws := mustDial(t, base, s.AdminToken())
	send(t, ws, "subscribe", custTopic+":call:call_created")
	flush(t, s, ws, custTopic)
	// The writer reports a frame written after the client may have read it.
	waitUntil(t, "an empty buffer", func() bool { return s.Counters().Conns[0].Buffered == 0 })
	s.SetFrameDelay(time.Hour) // nothing is written meanwhile
	for i := 0; i < 10; i++ {
		inject(t, s, "call_created", callJSON(call1, ""))
	}
	c := s.Counters()
	if len(c.Conns) != 1 {
		t.Fatalf("conns %+v", c.Conns)
	}
	// 10 frames, none written: 4 in the buffer, 6 dropped.
	if k := c.Conns[0]; k.Buffered != 4 || k.Dropped != 6 || c.Dropped != 6 {
		t.Fatalf("buffered %d, dropped %d (total %d); want 4 and 6", k.Buffered, k.Dropped, c.Dropped)
	}
	s.SetFrameDelay(0)
	if c.Open != 1 {
		t.Fatalf("open %d: a full buffer must not close the connection", c.Open)
	}
}

// The control API cuts a connection with or without a close frame.
func TestDropAndCloseFromControl(t *testing.T) {
	s, base := startSim(t, Config{})
	a := mustDial(t, base, s.AdminToken())
	waitUntil(t, "c1", func() bool { return s.Counters().Open == 1 })
	b := mustDial(t, base, s.AdminToken())
	waitUntil(t, "c2", func() bool { return s.Counters().Open == 2 })
	if n := s.Drop("c1"); n != 1 {
		t.Fatalf("Drop(c1) = %d", n)
	}
	wantDroppedNoCloseFrame(t, readErr(t, a))
	if n := s.CloseConn("c2", 4000, "bye"); n != 1 {
		t.Fatalf("CloseConn(c2) = %d", n)
	}
	err := readErr(t, b)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4000 || ce.Text != "bye" {
		t.Fatalf("got %v, want close 4000 bye", err)
	}
	waitUntil(t, "no connection", func() bool { return s.Counters().Open == 0 })
}

// InjectRaw writes a frame verbatim, malformed or not.
func TestInjectRaw(t *testing.T) {
	s, base := startSim(t, Config{})
	ws := mustDial(t, base, s.AdminToken())
	waitUntil(t, "the connection", func() bool { return s.Counters().Open == 1 })
	if n := s.InjectRaw("", []byte("{not json")); n != 1 {
		t.Fatalf("InjectRaw = %d", n)
	}
	if got := read(t, ws); string(got) != "{not json" {
		t.Fatalf("got %q", got)
	}
}

// Generation runs at the rate while a client is connected, and stops on
// Pause (and while nobody is connected).
func TestPauseStopsGeneration(t *testing.T) {
	s, base := startSim(t, Config{Rate: 1000, Seed: 2})
	ticks := func() uint64 { return s.Counters().PumpTicks }
	waitTicks := func(n uint64) {
		t0 := ticks()
		waitUntil(t, "the pump to run", func() bool { return ticks() >= t0+n })
	}
	waitTicks(3)
	if g := s.Counters().Generated; g != 0 {
		t.Fatalf("generated %d events with nobody connected", g)
	}
	mustDial(t, base, s.AdminToken())
	waitUntil(t, "generated events", func() bool { return s.Counters().Generated > 0 })
	s.Pause()
	waitTicks(2) // a tick that had started before Pause may still finish
	g := s.Counters().Generated
	waitTicks(5)
	if g2 := s.Counters().Generated; g2 != g {
		t.Fatalf("generated %d events while paused", g2-g)
	}
	s.Resume()
	waitUntil(t, "generation to resume", func() bool { return s.Counters().Generated > g })
}
