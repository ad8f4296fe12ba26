package voipbin_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/sim/voipbin"
)

// A client test against the emulator: connect with the demo access key,
// subscribe to one event type (VoIPBin never acknowledges, so a flush
// topic proves the subscription is in place), publish a hangup, read it.
func Example() {
	s := voipbin.New(voipbin.Config{Seed: 1})
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer s.Close()

	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+voipbin.PathWS+"?accesskey="+voipbin.DemoAccessKey, nil)
	if err != nil {
		panic(err)
	}
	defer ws.Close()
	topic := "customer_id:" + voipbin.DemoCustomerID + ":call:call_hangup"
	_ = ws.WriteJSON(map[string]any{"type": "subscribe", "topics": []string{topic}})
	for len(s.Counters().Conns) == 0 || len(s.Counters().Conns[0].Topics) == 0 {
		time.Sleep(time.Millisecond) // the server applies a subscription without a word
	}

	call := `{"id":"0b5a1f0e-7c3d-4e2a-9f1b-000000000001","customer_id":"` + voipbin.DemoCustomerID +
		`","status":"hangup","hangup_by":"remote","hangup_reason":"normal"}`
	_ = s.Inject(voipbin.Injection{Type: "call_hangup", Data: json.RawMessage(call)})

	var got struct {
		Status       string `json:"status"`
		HangupReason string `json:"hangup_reason"`
	}
	_, frame, _ := ws.ReadMessage()
	_ = json.Unmarshal(frame, &got)
	fmt.Println(got.Status, got.HangupReason)
	// Output: hangup normal
}
