package cli

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session/raw/rawtest"
)

// The story a wscat user tries first, headless: `producer | evtap connect
// ws://… -H … -s … --send hello | jq`. The header and subprotocol reach a
// server that wants them, the preamble and a binary frame are events,
// stdin's lines are sent, and when the server drops the connection evtap
// reconnects, sends --send again, then the line that came meanwhile.
func TestConnectWSHeadlessSendsStdinAndResendsAfterADrop(t *testing.T) {
	srv, err := rawtest.Start(rawtest.Options{
		Header: "X-Team: evtap", Subprotocol: "echo.v1",
		Preamble: []string{`{"type":"welcome"}`}, Binary: [][]byte{{1, 2, 3}},
		DropAfter: 2, // hello and the first line, then the first connection is cut
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	stdin, producer := io.Pipe()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var stdout, stderr syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- Run(ctx, providers.Builtin(), []string{"connect", srv.URL, "--headless",
			"-H", "X-Team: evtap", "-s", "echo.v1", "--send", "hello", "--token", "tok-abcdef"}, stdin, &stdout, &stderr)
	}()
	if _, err := io.WriteString(producer, "line one\n"); err != nil {
		t.Fatal(err)
	}
	snap, err := srv.Wait(10*time.Second, "connection 1 dropped", func(s rawtest.Snapshot) bool {
		return len(s.Conns) >= 1 && !s.Conns[0].Open
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(snap.Conns[0].Received, "|"); got != "hello|line one" {
		t.Errorf("connection 1 received %q", got)
	}
	if h := snap.Conns[0].Header; h.Get("Authorization") != "Bearer tok-abcdef" || snap.Conns[0].Subprotocol != "echo.v1" {
		t.Errorf("connection 1: headers %v, subprotocol %q", h, snap.Conns[0].Subprotocol)
	}
	// A line written after the server cut the connection, but before
	// the client has noticed, is lost on the wire whatever the client
	// does (TCP accepts it); once the drop is noticed, lines wait.
	waitFor(t, "the drop noticed", 10*time.Second, func() bool { return strings.Contains(stdout.String(), `"phase":"dropped"`) })
	if _, err := io.WriteString(producer, "line two\n"); err != nil {
		t.Fatal(err)
	}
	snap, err = srv.Wait(10*time.Second, "hello and line two on connection 2", func(s rawtest.Snapshot) bool {
		return len(s.Conns) >= 2 && len(s.Conns[1].Received) >= 2
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(snap.Conns[1].Received, "|"); got != "hello|line two" {
		t.Errorf("connection 2 received %q, want --send again, then the line", got)
	}
	waitFor(t, "the echo of line two on stdout", 10*time.Second, func() bool { return strings.Contains(stdout.String(), `"summary":"line two"`) })
	producer.Close()
	waitFor(t, "the end of stdin noted", 10*time.Second, func() bool { return strings.Contains(stderr.String(), "stdin ended after 2 line(s)") })
	cancel()
	if c := <-code; c != ExitOK {
		t.Fatalf("exit %d: %s", c, stderr.String())
	}

	us := updates(t, stdout.String())
	var sentHello []int
	var gaps, binaries int
	for _, u := range us {
		switch {
		case u.Kind == protocol.KindSent && u.Frame.Op == protocol.OpText && u.Frame.Data == "hello":
			sentHello = append(sentHello, u.Conn)
		case u.Kind == protocol.KindGap:
			gaps++
			if u.Gap.Start.IsZero() || u.Gap.Missed != 0 {
				t.Errorf("gap %+v, want an outage window", u.Gap)
			}
		case u.Kind == protocol.KindEvent && u.Event.Label == "binary":
			binaries++
		}
	}
	if len(sentHello) != 2 || sentHello[0] != 1 || sentHello[1] != 2 {
		t.Errorf("--send shown as sent on connections %v, want 1 and 2", sentHello)
	}
	if gaps != 1 || binaries != 2 {
		t.Errorf("%d gaps and %d binary events, want 1 and 2", gaps, binaries)
	}
	if strings.Contains(stdout.String(), "tok-abcdef") {
		t.Error("the token reached stdout")
	}
	var welcome protocol.Event
	for _, u := range events(us) {
		if u.Event.Label == "welcome" {
			welcome = *u.Event
		}
	}
	if b, _ := json.Marshal(welcome.Body); string(b) != `{"type":"welcome"}` || welcome.Provider != "raw" {
		t.Errorf("the preamble's event %+v", welcome)
	}
}
