package voipbin

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// A client written from the VoIPBin document alone: log in, open
// /v1.0/ws?token=, subscribe to a resource topic ("pattern matching
// subscription") with the document's own customer id, and receive events.
func TestDocumentClientReceivesEvents(t *testing.T) {
	_, base := startSim(t, Config{Rate: 500, Seed: 11})
	resp, body := postLogin(t, base, loginBody(DemoUsername, DemoPassword))
	if resp.StatusCode != 200 {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	var login struct{ Token string }
	_ = json.Unmarshal(body, &login)
	ws := mustDial(t, base, login.Token)
	send(t, ws, "subscribe", "customer_id:5013bc52-da9a-11ee-844f-2fa34248de28:activeflow")
	for {
		var af struct {
			Status        string
			CurrentAction *struct{ Type string } `json:"current_action"`
		}
		b := read(t, ws)
		if err := json.Unmarshal(b, &af); err != nil {
			t.Fatalf("frame %s: %v", b, err)
		}
		if af.CurrentAction == nil {
			t.Fatalf("frame %s is not an activeflow", b)
		}
		if af.Status == "ended" {
			return // a whole activeflow, from creation to its end
		}
	}
}

// A client in the way of VoIPBin's own (voipbin-mcp's EventHub): access
// key in a cookie, five 4-part event-type prefixes, events classified by
// shape. Each subscribed event of a call arrives exactly once.
func TestEventHubStyleClient(t *testing.T) {
	s, base := startSim(t, Config{Seed: 9})
	ws, resp, err := dial(t, base, PathWS, http.Header{"Cookie": {"accesskey=" + DemoAccessKey}})
	if err != nil {
		t.Fatalf("dial: %v (%s)", err, status(resp))
	}
	cid := DemoCustomerID
	send(t, ws, "subscribe",
		"customer_id:"+cid+":call:call_created",
		"customer_id:"+cid+":call:call_progressing",
		"customer_id:"+cid+":call:call_hangup",
		"customer_id:"+cid+":transcript:transcript_created",
		"customer_id:"+cid+":transcribe:transcribe_speech_interim")
	flush(t, s, ws, custTopic)

	s.mu.Lock()
	evs := s.gen.runStory(StoryInbound, s.now())
	want := map[string]int{}
	for _, e := range evs {
		s.publish(e.Type, e.Data)
		want[e.Type]++
	}
	s.mu.Unlock()

	got := map[string]int{}
	seen := map[string]bool{}
	for _, b := range flush(t, s, ws, custTopic) {
		if seen[string(b)] {
			t.Fatalf("frame delivered twice: %s", b)
		}
		seen[string(b)] = true
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		// Classification by shape, as the real client does.
		switch {
		case m["streaming_id"] != nil:
			got["interim"]++
		case m["tm_transcript"] != nil:
			got["transcript"]++
		case m["status"] != nil && (m["direction"] == "incoming" || m["direction"] == "outgoing"):
			got["call:"+m["status"].(string)]++
		default:
			t.Fatalf("unclassified frame %s", b)
		}
	}
	expect := map[string]int{
		"interim":          want["transcribe_speech_interim"],
		"transcript":       want["transcript_created"],
		"call:dialing":     want["call_created"],
		"call:progressing": want["call_progressing"],
		"call:hangup":      want["call_hangup"],
	}
	for k, n := range expect {
		if got[k] != n || n == 0 {
			t.Errorf("%s: got %d, want %d (>0)", k, got[k], n)
		}
	}
	if len(got) != len(expect) {
		t.Errorf("got kinds %v, want %v", got, expect)
	}
}

// The control API over HTTP: counters, actions, and clear errors.
func TestControlHTTP(t *testing.T) {
	s, base := startSim(t, Config{})
	post := func(path, body string) (int, map[string]any) {
		t.Helper()
		resp, err := http.Post(base+ControlPrefix+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	ws := mustDial(t, base, s.AdminToken())
	send(t, ws, "subscribe", custTopic+":call:call_hangup")
	flush(t, s, ws, custTopic)

	if code, m := post("inject", `{"type":"call_hangup","data":`+callJSON(call1, "")+`}`); code != 200 || m["affected"] != 1.0 {
		t.Fatalf("inject: %d %v", code, m)
	}
	if got := flush(t, s, ws, custTopic); len(got) != 1 {
		t.Fatalf("inject delivered %d frames", len(got))
	}
	if code, m := post("send?story=outbound", ""); code != 200 || m["affected"].(float64) < 3 {
		t.Fatalf("send story: %d %v", code, m)
	}
	if code, m := post("send?count=5", ""); code != 200 || m["affected"] != 5.0 {
		t.Fatalf("send count: %d %v", code, m)
	}
	code, m := post("token", `{"agent_id":"`+DemoAgentID+`"}`)
	if code != 200 || m["token"] == nil {
		t.Fatalf("token: %d %v", code, m)
	}
	agentWS := mustDial(t, base, m["token"].(string))
	send(t, agentWS, "subscribe", agentTopic)
	flush(t, s, agentWS, agentTopic)

	for _, bad := range []string{"inject", "send?count=0", "send?story=nope", "close?code=99", "rate?perSec=-1", "delay?d=x", "wrapped?on=maybe"} {
		body := ""
		if bad == "inject" {
			body = `{"type":"call_hangup","data":[1]}`
		}
		if code, m := post(bad, body); code != 400 || m["error"] == nil {
			t.Errorf("%s: %d %v, want 400 with an error", bad, code, m)
		}
	}
	for _, ok := range []string{"pause", "resume", "rate?perSec=0", "wrapped?on=false", "delay?d=0s", "refuse-next-login"} {
		if code, _ := post(ok, ""); code != 200 {
			t.Errorf("%s: %d", ok, code)
		}
	}
	resp, err := http.Get(base + ControlPrefix + "counters")
	if err != nil {
		t.Fatal(err)
	}
	var c Counters
	_ = json.NewDecoder(resp.Body).Decode(&c)
	resp.Body.Close()
	if c.Open != 2 || c.Injected < 1 || c.Generated < 8 || len(c.Conns) != 2 || c.Conns[1].As != "agent" || c.Conns[1].Who != DemoAgentUsername {
		t.Fatalf("counters %+v", c)
	}
	if code, m := post("drop?conn=c2", ""); code != 200 || m["affected"] != 1.0 {
		t.Fatalf("drop: %d %v", code, m)
	}
	wantDroppedNoCloseFrame(t, readErr(t, agentWS))
	if r, _ := http.Get(base + "/v1.0/calls"); r.StatusCode != 404 {
		t.Fatalf("unknown path: %d", r.StatusCode)
	}
}
