package dialpad

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// The ledger lists every event made, in order, with the subscriptions it
// was routed to and the connections it was queued on and written to,
// whether or not anyone was listening.
func TestLedgerRecordsRoutesAndWrites(t *testing.T) {
	s, base := startSim(t, Config{})
	s.Send(KindChangelog, 1) // nobody subscribed yet
	w := createWebsocket(t, base, "k")
	sub := createSub(t, base, "call", map[string]any{"endpoint_id": w.ID})
	c := dial(t, w.WebsocketURL)
	waitConns(t, s, 1)
	sent, err := s.Send(StoryOutbound, 1)
	if err != nil {
		t.Fatal(err)
	}
	for range sent {
		c.read()
	}
	var page LedgerPage
	eventually(t, "the ledger to record the writes", func() bool {
		r := call(t, base, "GET", "/_evtap/ledger?since=0", nil)
		page = LedgerPage{}
		r.decode(t, &page)
		last := page.Entries[len(page.Entries)-1]
		return len(last.Routes) == 1 && len(last.Routes[0].Written) == 1
	})
	if len(page.Entries) != 1+len(sent) {
		t.Fatalf("%d entries, want %d", len(page.Entries), 1+len(sent))
	}
	if first := page.Entries[0]; first.Type != "changelog" || len(first.Routes) != 0 || first.Seq != 1 {
		t.Errorf("unrouted event: %+v", first)
	}
	for i, e := range page.Entries[1:] {
		if e.Seq != uint64(i+2) || e.Type != "call" || !strings.HasPrefix(e.Key, "call:") || e.Source != "sent" {
			t.Fatalf("entry %d: %+v", i, e)
		}
		r := e.Routes[0]
		if r.Subscription != sub.ID || r.Websocket != w.ID || !r.Signed || len(r.Queued) != 1 || r.Queued[0] != "c1" {
			t.Fatalf("route %+v", r)
		}
		var ev map[string]any
		if json.Unmarshal(e.Event, &ev) != nil || ev["state"] == nil {
			t.Fatalf("ledger event %s", e.Event)
		}
	}
	if r := call(t, base, "GET", "/_evtap/ledger?since=2&limit=1", nil); !strings.Contains(string(r.body), `"seq":3`) {
		t.Errorf("since/limit: %s", r.body)
	}
	// a since far past the end is nothing new, not a dropped connection
	if r := call(t, base, "GET", "/_evtap/ledger?since=18446744073709551615", nil); r.status != 200 || !strings.Contains(string(r.body), `"entries":[]`) {
		t.Errorf("since at the largest seq: %d %s", r.status, r.body)
	}
}

func TestLedgerKeepsTheNewest(t *testing.T) {
	s, _ := startSim(t, Config{LedgerSize: 10})
	for i := 0; i < 35; i++ {
		s.Inject("changelog", []byte(`{"id":1}`))
	}
	p := s.Ledger(0, 100)
	if len(p.Entries) != 10 || p.Entries[0].Seq != 26 || p.Dropped != 25 || p.Next != 35 {
		t.Fatalf("%d entries from %d, dropped %d, next %d", len(p.Entries), p.Entries[0].Seq, p.Dropped, p.Next)
	}
	if p := s.Ledger(30, 100); len(p.Entries) != 5 || p.Entries[0].Seq != 31 {
		t.Fatalf("since 30: %d entries", len(p.Entries))
	}
	if p := s.Ledger(35, 100); len(p.Entries) != 0 || p.Next != 35 {
		t.Fatalf("since the last: %+v", p)
	}
}

// The control API: send stories, inject an event, rotate a secret,
// force the expiry close, refuse the next upgrade, read counters.
func TestControlAPI(t *testing.T) {
	s, base := startSim(t, Config{})
	w := createWebsocket(t, base, "")
	createSub(t, base, "call", map[string]any{"endpoint_id": w.ID})
	c := dial(t, w.WebsocketURL)
	waitConns(t, s, 1)

	r := call(t, base, "POST", "/_evtap/send?kind=voicemail&count=2", nil)
	var sent struct{ Affected int }
	r.decode(t, &sent)
	if sent.Affected != 8 {
		t.Fatalf("send: %s", r.body)
	}
	for i := 0; i < 8; i++ {
		c.readEvent()
	}
	if r := call(t, base, "POST", "/_evtap/inject?type=call", `{"call_id":5,"state":"barge"}`); !strings.Contains(string(r.body), `"affected":1`) {
		t.Fatalf("inject: %s", r.body)
	}
	if ev := c.readEvent(); ev["state"] != "barge" {
		t.Fatalf("injected: %v", ev)
	}
	mustOK(t, call(t, base, "POST", "/_evtap/secret?websocket="+w.ID, `{"secret":"rotated"}`))
	s.Send(StoryOutbound, 1)
	if _, ok := verifyJWS(string(c.read()), []byte("rotated")); !ok {
		t.Fatal("the secret set over the control API does not sign")
	}
	for _, bad := range []string{"/_evtap/send?kind=fax", "/_evtap/send?count=0", "/_evtap/inject?type=fax", "/_evtap/secret?websocket=1", "/_evtap/close?code=5"} {
		if r := call(t, base, "POST", bad, "{}"); r.status != 400 {
			t.Errorf("%s: %d", bad, r.status)
		}
	}

	mustOK(t, call(t, base, "POST", "/_evtap/expire", nil))
	var ce *websocket.CloseError
	if err := c.readErr(); !errors.As(err, &ce) || ce.Code != websocket.CloseAbnormalClosure {
		t.Fatalf("forced expiry: %v", err)
	}
	mustOK(t, call(t, base, "POST", "/_evtap/refuse-next", nil))
	refused(t, w.WebsocketURL, 401)
	dial(t, w.WebsocketURL) // only the next one
	waitConns(t, s, 1)

	var cs Counters
	call(t, base, "GET", "/_evtap/counters", nil).decode(t, &cs)
	if cs.Websockets != 1 || cs.Subscriptions["call"] != 1 || cs.Refused != 1 || cs.Expired != 1 || cs.Connections != 2 || cs.Delivered < 10 {
		t.Errorf("counters: %+v", cs)
	}
}
