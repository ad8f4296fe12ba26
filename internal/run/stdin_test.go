package run

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

func TestEveryLineOfStdinIsSentInOrderEvenWhenTheQueueIsFull(t *testing.T) {
	var mu sync.Mutex
	var got []string
	refused := 0
	do := func(c protocol.Command) error {
		mu.Lock()
		defer mu.Unlock()
		if c.Kind != protocol.CmdSend {
			t.Errorf("sent %s", c.Kind)
		}
		if refused < 3 { // the session's queue is full for a while
			refused++
			return errors.New("too many commands pending; try again")
		}
		got = append(got, c.Text)
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var stderr strings.Builder
	sendLines(ctx, strings.NewReader("one\r\ntwo\n\n{\"three\":3}"), do, &stderr)
	want := []string{"one", "two", "", `{"three":3}`}
	if !slices.Equal(got, want) {
		t.Fatalf("sent %q, want %q", got, want)
	}
	if !strings.Contains(stderr.String(), "stdin ended after 4 line(s); the session goes on until") {
		t.Errorf("stderr %q: the end of stdin must say the session goes on, and what ends it", stderr.String())
	}
}

// Rule: an empty stdin (a script's </dev/null) says nothing: nothing was
// sent, so nobody is waiting to hear that sending stopped.
func TestAnEmptyStdinSaysNothing(t *testing.T) {
	var stderr strings.Builder
	sendLines(context.Background(), strings.NewReader(""), func(protocol.Command) error { return nil }, &stderr)
	if stderr.Len() != 0 {
		t.Errorf("stderr %q", stderr.String())
	}
}

func TestOnlyASessionThatAsksAndAcceptsFramesIsSentStdin(t *testing.T) {
	in := strings.NewReader("hello\n")
	o := LiveOptions{Headless: true, Stdin: in}
	send := protocol.Controls{protocol.CmdSend: true}
	cases := []struct {
		s    Session
		want io.Reader
	}{
		{Session{SendStdin: true, Controls: send}, in},
		{Session{SendStdin: false, Controls: send}, nil},
		{Session{SendStdin: true, Controls: protocol.Controls{}}, nil},
	}
	for i, c := range cases {
		if got := o.stdinFor(c.s); got != c.want {
			t.Errorf("case %d: stdin %v, want %v", i, got, c.want)
		}
	}
}

func TestAHeadlessRunSendsStdinLinesToTheSession(t *testing.T) {
	sent := make(chan string, 1)
	s := Session{
		Provider:  "test",
		SendStdin: true,
		Controls:  protocol.Controls{protocol.CmdSend: true},
		Do:        func(c protocol.Command) error { sent <- c.Text; return nil },
		Run: func(ctx context.Context, emit func(protocol.Update)) error {
			select {
			case got := <-sent:
				if got != "hello" {
					t.Errorf("sent %q", got)
				}
			case <-time.After(10 * time.Second):
				t.Error("stdin was not sent")
			}
			return nil
		},
	}
	o := LiveOptions{Headless: true, Stdin: strings.NewReader("hello\n")}
	if err := Live(context.Background(), o, s, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
}
