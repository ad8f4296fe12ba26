package replay

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/record"
)

func recv(t time.Duration, typ, data string) protocol.Update {
	return protocol.Update{Time: time.Unix(0, 0).Add(t), Offset: protocol.Offset(t), Kind: protocol.KindRecv,
		Frame: &protocol.Frame{Op: protocol.OpText, Data: data, Size: len(data), Type: typ}}
}

func TestAServedRingCentralRecordingAnswersTheHandshakeAndSendsTheEvents(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rc.jsonl")
	w, err := record.Create(path, record.Header{Provider: "ringcentral", Start: time.Unix(0, 0)}, record.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(recv(0, "ConnectionDetails", `[{"type":"ConnectionDetails","messageId":"m0","status":200},{"recoveryTimeout":180}]`))
	w.Write(recv(time.Millisecond, "ClientRequest", `[{"type":"ClientRequest","messageId":"old","status":200},{"id":"sub-1","status":"Active"}]`))
	w.Write(recv(50*time.Millisecond, "ServerNotification", `[{"type":"ServerNotification","messageId":"n1","status":200},{"uuid":"e1","subscriptionId":"sub-1","body":{}}]`))
	w.Write(recv(60*time.Millisecond, "ServerNotification", `[{"type":"ServerNotification","messageId":"n2","status":200},{"uuid":"e2","subscriptionId":"sub-1","body":{}}]`))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	urls := make(chan string, 1)
	go Serve(ctx, "127.0.0.1:0", path, ServeOptions{Speed: 1}, func(u string) { urls <- u })
	c, _, err := websocket.DefaultDialer.Dial(<-urls, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	read := func() rc.Frame {
		t.Helper()
		_, data, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		f, err := rc.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if f := read(); f.Meta.Type != rc.TypeConnectionDetails {
		t.Fatalf("first frame is %s, want ConnectionDetails", f.Meta.Type)
	}
	req, _ := rc.Encode(rc.Meta{Type: rc.TypeClientRequest, MessageID: "mine", Method: "POST", Path: rc.PathSubscription}, map[string]any{"eventFilters": []string{"x"}})
	c.WriteMessage(websocket.TextMessage, req)
	var notes []string
	answered := false
	for len(notes) < 2 || !answered {
		f := read()
		switch f.Meta.Type {
		case rc.TypeClientRequest:
			if f.Meta.MessageID != "mine" || !strings.Contains(string(f.Body), "sub-1") {
				t.Fatalf("the answer is not to our request: %+v %s", f.Meta, f.Body)
			}
			answered = true
		case rc.TypeServerNotification:
			notes = append(notes, f.Meta.MessageID)
		}
	}
	if strings.Join(notes, ",") != "n1,n2" {
		t.Fatalf("recorded notifications out of order or repeated: %v", notes)
	}
}
