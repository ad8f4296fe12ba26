package session

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

// Rule: a frame over ReadLimit is refused with a clear error, the
// session reconnects, and what arrived before it stays published.
func TestFrameOverReadLimitIsAClearErrorAndTheSessionGoesOn(t *testing.T) {
	url := wsServer(t, nil, func(ws *websocket.Conn, r *http.Request) {
		if r.URL.Query().Get("conn") == "1" {
			_ = ws.WriteMessage(websocket.TextMessage, []byte("a"))
			_ = ws.WriteMessage(websocket.TextMessage, []byte("b"))
			_ = ws.WriteMessage(websocket.TextMessage, bytes.Repeat([]byte("x"), 2048))
		} else {
			_ = ws.WriteMessage(websocket.TextMessage, []byte("c"))
		}
		drain(ws)
	})
	opt := fast()
	opt.ReadLimit = 1024
	p := &fake{opened: live, target: func(_ context.Context, l Link) (Target, error) {
		return Target{URL: url + "?conn=" + string(rune('0'+l.Conn()))}, nil
	}}
	r := run(t, p, opt)
	ups := r.out.waitFor(t, "c on connection 2", func(ups []protocol.Update) bool { return recvText(ups, 2, "c") })
	if !recvText(ups, 1, "a") || !recvText(ups, 1, "b") {
		t.Error("frames before the oversized one were lost")
	}
	i := index(ups, func(u protocol.Update) bool { return u.Error != nil && u.Error.Where == "read" })
	if i < 0 || !strings.Contains(ups[i].Error.Message, "larger than the 1024-byte read limit") {
		t.Fatalf("no clear read error\n%s", dump(ups))
	}
	if index(ups, func(u protocol.Update) bool {
		return u.Conn == 1 && u.Kind == protocol.KindSent && u.Frame.Op == protocol.OpClose && u.Frame.Size == 2
	}) < 0 {
		t.Error("the 1009 close gorilla sent was not published")
	}
	for _, st := range states(ups) {
		if st.Phase == protocol.PhaseDropped && (st.CloseCode != websocket.CloseMessageTooBig || !strings.Contains(st.Cause, "read limit")) {
			t.Errorf("drop %+v, want the read limit named", st)
		}
	}
}

// rawFrame writes an unmasked server frame with any header the test
// wants, bypassing gorilla's checks.
func rawFrame(ws *websocket.Conn, opcode byte, payload []byte) {
	var h []byte
	switch n := len(payload); {
	case n < 126:
		h = []byte{0x80 | opcode, byte(n)}
	case n < 1<<16:
		h = []byte{0x80 | opcode, 126, 0, 0}
		binary.BigEndian.PutUint16(h[2:], uint16(n))
	default:
		h = []byte{0x80 | opcode, 127, 0, 0, 0, 0, 0, 0, 0, 0}
		binary.BigEndian.PutUint64(h[2:], uint64(n))
	}
	_, _ = ws.NetConn().Write(append(h, payload...))
}

func closePayload(code uint16, reason string) []byte {
	p := binary.BigEndian.AppendUint16(nil, code)
	return append(p, reason...)
}

// Rule: a 10 KB close reason (a control frame over 125 bytes: a protocol
// violation) ends the connection with a short, clean cause and the
// session reconnects; a legal close reason full of escape sequences is
// published and reported sanitised and bounded.
func TestHostileCloseReasons(t *testing.T) {
	evil := strings.Repeat("\x1b[2J\x1b]0;pwned\x07", 10240/15)
	url := wsServer(t, nil, func(ws *websocket.Conn, r *http.Request) {
		switch r.URL.Query().Get("conn") {
		case "1":
			rawFrame(ws, websocket.CloseMessage, closePayload(4000, evil))
		case "2":
			rawFrame(ws, websocket.CloseMessage, closePayload(4000, evil[:123]))
		}
		drain(ws)
	})
	p := &fake{opened: live, target: func(_ context.Context, l Link) (Target, error) {
		return Target{URL: url + "?conn=" + string(rune('0'+l.Conn()))}, nil
	}}
	r := run(t, p, fast())
	ups := r.out.waitFor(t, "connection 3", func(ups []protocol.Update) bool { return liveOn(3)(ups) })
	var drops []protocol.State
	for _, st := range states(ups) {
		if st.Phase == protocol.PhaseDropped {
			drops = append(drops, st)
		}
		if strings.ContainsAny(st.Cause, "\x1b\x07") || len(st.Cause) > 300 {
			t.Errorf("state cause unsafe or unbounded: %q", st.Cause)
		}
	}
	if len(drops) < 2 || !strings.Contains(drops[0].Cause, "protocol error from the server") || !strings.Contains(drops[0].Cause, "125") {
		t.Fatalf("first drop %+v, want the oversized control frame named\n%s", drops, dump(ups))
	}
	if drops[1].CloseCode != 4000 || !strings.Contains(drops[1].Cause, "closed by the server: 4000") {
		t.Errorf("second drop %+v, want the close code", drops[1])
	}
	for _, u := range ups {
		if u.Frame != nil && u.Frame.Op == protocol.OpClose && (strings.ContainsAny(u.Frame.Data, "\x1b\x07") || len(u.Frame.Data) > 123) {
			t.Errorf("close frame data unsafe or unbounded: %q", u.Frame.Data)
		}
	}
}

// Rule: a ping flood from a server that does not read starves neither
// the reader (the frame after the flood arrives at once: pongs are not
// written by the reader) nor, once the server reads again, the writer;
// pongs answer the latest ping (RFC 6455 §5.5.3), not one per ping.
// Before pongs moved to the writer, each one blocked the reader for up
// to 10 s once the socket buffers were full.
func TestPingFloodStarvesNeitherReaderNorWriter(t *testing.T) {
	const flood = 1000
	payload := strings.Repeat("p", 125)
	url := wsServerOn(t, tinyListener(t), nil, func(ws *websocket.Conn, r *http.Request) {
		for i := 0; i < flood; i++ {
			if ws.WriteControl(websocket.PingMessage, []byte(payload), time.Now().Add(5*time.Second)) != nil {
				return
			}
		}
		_ = ws.WriteMessage(websocket.TextMessage, []byte("after the flood"))
		for { // now read, and echo
			typ, data, err := ws.ReadMessage()
			if err != nil {
				return
			}
			_ = ws.WriteMessage(typ, append([]byte("re:"), data...))
		}
	})
	opt := fast()
	opt.Dialer = &websocket.Dialer{NetDialContext: tinyDialer()}
	r := run(t, &fake{url: url, opened: live}, opt)
	r.out.waitFor(t, "the frame after the flood", func(ups []protocol.Update) bool { return recvText(ups, 1, "after the flood") })
	if err := r.s.Do(protocol.Command{Kind: protocol.CmdSend, Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	ups := r.out.waitFor(t, "the echo", func(ups []protocol.Update) bool { return recvText(ups, 1, "re:hello") })
	pings, pongs := 0, 0
	for _, u := range ups {
		if u.Frame == nil {
			continue
		}
		switch {
		case u.Kind == protocol.KindRecv && u.Frame.Op == protocol.OpPing:
			pings++
		case u.Kind == protocol.KindSent && u.Frame.Op == protocol.OpPong:
			pongs++
		}
	}
	if pings != flood || pongs == 0 || pongs >= pings {
		t.Errorf("%d pings published, %d pongs sent: want every ping and fewer pongs", pings, pongs)
	}
	if n := countPhase(ups, protocol.PhaseDropped); n != 0 {
		t.Errorf("%d drops", n)
	}
}

// Rule: binary frames are published as base64 with their byte size and
// reach the decoder and Receive as bytes.
func TestBinaryFramesArriveAsBytes(t *testing.T) {
	data := []byte{0, 1, 2, 0xff, 0xfe, '\n'}
	url := wsServer(t, nil, func(ws *websocket.Conn, r *http.Request) {
		_ = ws.WriteMessage(websocket.BinaryMessage, data)
		drain(ws)
	})
	p := &fake{url: url, opened: live, receive: func(l Link, _ any) {
		l.Emit(protocol.Update{Kind: protocol.KindMarker, Marker: &protocol.Marker{Label: "received"}})
	}}
	r := run(t, p, fast())
	ups := r.out.waitFor(t, "a binary frame received", func(ups []protocol.Update) bool {
		return index(ups, func(u protocol.Update) bool { return u.Marker != nil }) >= 0
	})
	f := ups[index(ups, func(u protocol.Update) bool { return u.Frame != nil && u.Frame.Op == protocol.OpBinary })].Frame
	if f.Enc != "base64" || f.Data != base64.StdEncoding.EncodeToString(data) || f.Size != len(data) {
		t.Errorf("frame %+v", f)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.got) != 1 || !bytes.Equal(p.got[0].([]byte), data) {
		t.Errorf("Receive got %v", p.got)
	}
}

// Rule: a server that accepts and drops at once is reported as what it
// is (no close frame invented), is retried with a growing backoff, and
// ends in ErrGaveUp after MaxRetries when nothing ever worked.
func TestAcceptAndDropAtOnce(t *testing.T) {
	url := wsServer(t, nil, func(ws *websocket.Conn, r *http.Request) { _ = ws.NetConn().Close() })
	opt := fast()
	opt.MaxRetries = 4
	r := run(t, &fake{url: url}, opt)
	err := r.result(t)
	if !errors.Is(err, ErrGaveUp) {
		t.Fatalf("Run = %v, want ErrGaveUp", err)
	}
	ups := r.out.snapshot()
	if got := backoffAttempts(ups); len(got) != 3 || got[0] != 1 || got[2] != 3 {
		t.Errorf("backoff attempts %v, want 1, 2, 3", got)
	}
	for _, u := range ups {
		if u.Frame != nil && u.Frame.Op == protocol.OpClose && u.Kind == protocol.KindRecv {
			t.Errorf("a close frame was reported received: %+v", u.Frame)
		}
		if u.State != nil && u.State.Phase == protocol.PhaseDropped && !strings.Contains(u.State.Cause, "without a close frame") {
			t.Errorf("drop cause %q", u.State.Cause)
		}
	}
	if st := states(ups); st[len(st)-1].Phase != protocol.PhaseClosed || !strings.Contains(st[len(st)-1].Cause, "gave up after 4") {
		t.Errorf("last state %+v", st[len(st)-1])
	}
}

// Rule: stop_pongs leaves the server's pings unanswered, so a user can
// watch a server's pong timeout (VoIPBin drops a client 60 s after its
// last pong); switched off, pings are answered again. The server here
// pings after each text frame it reads and reports whether the pong came.
func TestStopPongsLeavesTheServersPingsUnanswered(t *testing.T) {
	url := wsServer(t, nil, func(ws *websocket.Conn, r *http.Request) {
		ponged := make(chan struct{}, 1)
		ws.SetPongHandler(func(string) error {
			select {
			case ponged <- struct{}{}:
			default:
			}
			return nil
		})
		frames := make(chan string)
		go func() {
			defer close(frames)
			for {
				_, data, err := ws.ReadMessage()
				if err != nil {
					return
				}
				frames <- string(data)
			}
		}()
		for f := range frames {
			_ = ws.WriteControl(websocket.PingMessage, []byte(f), time.Now().Add(time.Second))
			// a pong that should come gets 5 s; one that should not,
			// a short window in which a broken stop_pongs would answer
			wait := 5 * time.Second
			if strings.HasPrefix(f, "unanswered") {
				wait = 300 * time.Millisecond
			}
			answer := "pong for " + f
			select {
			case <-ponged:
			case <-time.After(wait):
				answer = "no pong for " + f
			}
			_ = ws.WriteMessage(websocket.TextMessage, []byte(answer))
		}
	})
	r := run(t, &fake{url: url, opened: live}, fast())
	send := func(cmds ...protocol.Command) {
		for _, c := range cmds {
			if err := r.s.Do(c); err != nil {
				t.Fatal(err)
			}
		}
	}
	send(protocol.Command{Kind: protocol.CmdSend, Text: "one"})
	r.out.waitFor(t, "a pong while answering", func(ups []protocol.Update) bool { return recvText(ups, 1, "pong for one") })
	send(protocol.Command{Kind: protocol.CmdStopPongs, On: true}, protocol.Command{Kind: protocol.CmdSend, Text: "unanswered"})
	r.out.waitFor(t, "no pong once stopped", func(ups []protocol.Update) bool {
		if recvText(ups, 1, "pong for unanswered") {
			t.Fatal("the ping was answered while pongs were stopped")
		}
		return recvText(ups, 1, "no pong for unanswered")
	})
	send(protocol.Command{Kind: protocol.CmdStopPongs}, protocol.Command{Kind: protocol.CmdSend, Text: "three"})
	r.out.waitFor(t, "pongs again", func(ups []protocol.Update) bool { return recvText(ups, 1, "pong for three") })
}
