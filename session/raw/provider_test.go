package raw

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session"
)

// fakeLink is a connection that takes frames and says nothing of them
// until the test writes them.
type fakeLink struct {
	session.Link // methods the test does not need (a call panics), so the fake survives the interface growing
	n            int
	taken        []string
	closed       bool
}

func (l *fakeLink) Conn() int             { return l.n }
func (l *fakeLink) Now() time.Time        { return time.Time{} }
func (l *fakeLink) Emit(protocol.Update)  {}
func (l *fakeLink) State(protocol.State)  {}
func (l *fakeLink) Healthy()              {}
func (l *fakeLink) Working()              {}
func (l *fakeLink) Fail(string)           {}
func (l *fakeLink) Send(data []byte) bool { l.taken = append(l.taken, string(data)); return !l.closed }
func (l *fakeLink) REST(context.Context, session.Request) (*session.Response, error) {
	return nil, nil
}

// Rule: a frame sent by hand that its connection took but had not
// written when it was lost goes out on the next connection, after the
// --send frames; one it wrote is not sent twice.
func TestAFrameTheLostConnectionDidNotWriteIsSentAgain(t *testing.T) {
	s, err := New(Config{URL: "ws://127.0.0.1:1/", OnConnect: []string{"hello"}})
	if err != nil {
		t.Fatal(err)
	}
	p := s.p
	dec := p.Decoder()
	written := func(conn int, data string) {
		u := protocol.Update{Kind: protocol.KindSent, Conn: conn, Frame: &protocol.Frame{Op: protocol.OpText, Data: data}}
		dec.Decode(nil, &u, []byte(data))
	}
	one := &fakeLink{n: 1}
	p.Opened(one)
	for _, line := range []string{"a", "b", "c"} {
		if err := s.Do(protocol.Command{Kind: protocol.CmdSend, Text: line}); err != nil {
			t.Fatal(err)
		}
	}
	written(1, "hello")
	written(1, "a") // b and c were still queued when the connection died
	p.Lost(time.Time{})
	if err := s.Do(protocol.Command{Kind: protocol.CmdSend, Text: "d"}); err != nil {
		t.Fatal(err)
	}
	two := &fakeLink{n: 2}
	p.Opened(two)
	if want := []string{"hello", "b", "c", "d"}; !slices.Equal(two.taken, want) {
		t.Errorf("connection 2 was given %q, want %q", two.taken, want)
	}
	// A frame a closing connection refuses waits too.
	two.closed = true
	if err := s.Do(protocol.Command{Kind: protocol.CmdSend, Text: "e"}); err != nil {
		t.Fatal(err)
	}
	p.Lost(time.Time{})
	three := &fakeLink{n: 3}
	p.Opened(three)
	if want := []string{"hello", "b", "c", "d", "e"}; !slices.Equal(three.taken, want) {
		t.Errorf("connection 3 was given %q, want %q", three.taken, want)
	}
}

// Rule: what waits is bounded: past the bound a send is refused (a
// headless producer is held back), never dropped.
func TestWaitingIsBounded(t *testing.T) {
	s, err := New(Config{URL: "ws://127.0.0.1:1/"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < maxWaiting; i++ {
		if err := s.Do(protocol.Command{Kind: protocol.CmdSend, Text: "x"}); err != nil {
			t.Fatalf("frame %d refused: %v", i, err)
		}
	}
	if err := s.Do(protocol.Command{Kind: protocol.CmdSend, Text: "x"}); err == nil {
		t.Fatal("a frame past the bound was accepted")
	}
}
