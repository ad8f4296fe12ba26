package session

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

// echo is a server that answers every text frame with "re:" + the frame.
func echo(t *testing.T) string {
	t.Helper()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for {
			_, data, err := ws.ReadMessage()
			if err != nil {
				return
			}
			if err := ws.WriteMessage(websocket.TextMessage, append([]byte("re:"), data...)); err != nil {
				return
			}
		}
	}))
	t.Cleanup(hs.Close)
	return "ws" + strings.TrimPrefix(hs.URL, "http")
}

func recvTime(ups []protocol.Update, data string) (time.Time, bool) {
	for _, u := range ups {
		if u.Kind == protocol.KindRecv && u.Frame.Data == data {
			return u.Time, true
		}
	}
	return time.Time{}, false
}

// Rule: stall_read stops reading for the given time (from the next
// frame on) without the connection being declared dead, then reading
// resumes; send puts the operator's text on the wire verbatim.
func TestStallReadPausesTheReader(t *testing.T) {
	const stall = 300 * time.Millisecond
	s := New(&topicProvider{url: echo(t)}, quick())
	out := newCollector()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, out.emit) }()
	out.waitFor(t, "the subscribe echo", func(ups []protocol.Update) bool {
		_, ok := recvTime(ups, `re:{"type":"subscribe","topics":["customer_id:1:call"]}`)
		return ok
	})
	_ = s.Do(protocol.Command{Kind: protocol.CmdStallRead, Duration: stall})
	_ = s.Do(protocol.Command{Kind: protocol.CmdSend, Text: "one"})
	out.waitFor(t, "re:one", func(ups []protocol.Update) bool { _, ok := recvTime(ups, "re:one"); return ok })
	_ = s.Do(protocol.Command{Kind: protocol.CmdSend, Text: "two"})
	ups := out.waitFor(t, "re:two", func(ups []protocol.Update) bool { _, ok := recvTime(ups, "re:two"); return ok })
	t1, _ := recvTime(ups, "re:one")
	t2, _ := recvTime(ups, "re:two")
	if t2.Sub(t1) < stall {
		t.Errorf("re:two read %s after re:one; the reader did not stall for %s", t2.Sub(t1), stall)
	}
	for _, u := range ups {
		if u.State != nil && u.State.Phase == protocol.PhaseDropped {
			t.Errorf("dropped during a stall: %s", u.State.Cause)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
