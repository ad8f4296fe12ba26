package dialpad

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/sim/emu"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

// A scenario runs Dialpad's actions at their times: stories sent, a
// secret rotated, an event injected, the connection expired.
func TestScenarioRunsDialpadActions(t *testing.T) {
	sc, err := ParseScenario([]byte(`
seed: 7
start: first-connection
steps:
  - at: 0s
    send: {kind: outbound, count: 1}
  - at: 0s
    secret: scenario-secret
  - at: 0s
    inject: {type: call, event: {call_id: 9, state: barge}}
  - at: 0s
    expire: all
`))
	if err != nil {
		t.Fatal(err)
	}
	// A clean expiry goes out after the frames already queued (an abrupt
	// one would discard them, as a cut connection does).
	s, base := startSim(t, Config{Scenario: sc, ExpiryClose: CloseClean})
	if s.Seed() != 7 {
		t.Errorf("seed %d, want the scenario's 7", s.Seed())
	}
	w := createWebsocket(t, base, "")
	createSub(t, base, "call", map[string]any{"endpoint_id": w.ID})
	c := dial(t, w.WebsocketURL)
	var frames []string
	var err2 error
	for {
		_ = c.ws.SetReadDeadline(time.Now().Add(waitFor))
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			err2 = err
			break
		}
		frames = append(frames, string(data))
	}
	var ce *websocket.CloseError
	if !errors.As(err2, &ce) || ce.Code != websocket.CloseNormalClosure {
		t.Fatalf("want the expiry's close, got %v", err2)
	}
	if len(frames) < 4 {
		t.Fatalf("got %d frames: %v", len(frames), frames)
	}
	last := frames[len(frames)-1]
	payload, ok := verifyJWS(last, []byte("scenario-secret"))
	if !ok || !strings.Contains(string(payload), `"barge"`) {
		t.Errorf("the injected event after the rotation: %s", last)
	}
	for _, f := range frames[:len(frames)-1] {
		var ev map[string]any
		if json.Unmarshal([]byte(f), &ev) != nil || ev["direction"] != "outbound" {
			t.Errorf("before the rotation, an unsigned outbound call leg: %s", f)
		}
	}
}

func TestScenarioErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"steps:\n  - at: 1s\n    send: {kind: fax}\n", "line 3"},
		{"steps:\n  - at: 1s\n    inject: {type: voicemail, event: {a: 1}}\n", "line 3"},
		{"steps:\n  - at: 1s\n    inject: {type: call}\n", "event"},
		{"steps:\n  - at: 1s\n    refuse-next: many\n", "line 3"},
		{"steps:\n  - at: 1s\n    expire: {conn: c1}\n", "line 3"},
	} {
		_, err := ParseScenario([]byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one naming %s", tc.yaml, err, tc.want)
		}
	}
}

// The emulator offers its faults to the demo, and each does what it
// says.
func TestFaults(t *testing.T) {
	s, base := startSim(t, Config{})
	offered := map[string]bool{}
	for _, f := range s.Faults() {
		offered[string(f.Kind)+"/"+f.Name] = f.Description != ""
	}
	for _, k := range []string{"close/close", "delay_frames/delay frames", "reorder_frames/reorder frames", "refuse_token/refuse next URL",
		"fault/" + FaultExpire, "fault/" + FaultRotateSecret, "fault/" + FaultInjectCall, "fault/" + FaultInjectSMS, "fault/" + FaultInjectAgent} {
		if !offered[k] {
			t.Errorf("fault %s not offered (or undescribed): %v", k, offered)
		}
	}
	fault := func(name string) error { return s.Fault(protocol.Command{Kind: protocol.CmdFault, Text: name}) }
	if err := fault(FaultExpire); err == nil {
		t.Error("expire with no connection open did not say so")
	}

	w := createWebsocket(t, base, "old")
	createSub(t, base, "sms", map[string]any{"endpoint_id": w.ID, "direction": "all", "include_internal": true, "status": true})
	createSub(t, base, "call", map[string]any{"endpoint_id": w.ID})
	createSub(t, base, "agent_status", map[string]any{"endpoint_id": w.ID, "agent_type": "callcenter"})
	c := dial(t, w.WebsocketURL)
	waitConns(t, s, 1)
	if err := fault(FaultRotateSecret); err != nil {
		t.Fatal(err)
	}
	var got wsJSON
	call(t, base, "GET", "/api/v2/websockets/"+w.ID, nil).decode(t, &got)
	secret := []byte(got.Signature.Secret)
	for _, tc := range []struct{ fault, kind string }{
		{FaultInjectSMS, KindSMS}, {FaultInjectCall, KindCall}, {FaultInjectAgent, KindAgentStatus},
	} {
		before := s.Ledger(0, emu.MaxLedgerPage).Next
		if err := fault(tc.fault); err != nil {
			t.Fatal(err)
		}
		made := s.Ledger(before, emu.MaxLedgerPage).Entries
		if len(made) == 0 || made[0].Type != tc.kind {
			t.Fatalf("%s made %v", tc.fault, made)
		}
		for _, e := range made { // every frame the ledger routed to c1
			for _, r := range e.Routes {
				if !contains(r.Queued, "c1") {
					continue
				}
				frame := string(c.read())
				if _, ok := verifyJWS(frame, []byte("old")); ok {
					t.Fatal("after rotate secret a frame still verifies with the old secret")
				}
				if payload, ok := verifyJWS(frame, secret); !ok || string(payload) != string(e.Event) {
					t.Fatalf("%s: the frame is not event %d signed with the rotated secret the API shows", tc.fault, e.Seq)
				}
			}
		}
	}
	if err := fault("fax"); err == nil {
		t.Error("an unknown fault was accepted")
	}
	if err := fault(FaultExpire); err != nil {
		t.Fatal(err)
	}
	if err := c.readErr(); err == nil {
		t.Fatal("expire left the connection open")
	}
	if err := s.Do(protocol.Command{Kind: protocol.CmdRefuseToken}); err != nil {
		t.Fatal(err)
	}
	refused(t, w.WebsocketURL, 401)
}

// The banner says where the API, the socket, the ledger and the control
// API are, and shows the demo key.
func TestBanner(t *testing.T) {
	s := New(Config{Seed: 3})
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b := s.Banner()
	for _, want := range []string{"evtap Dialpad emulator", base + " (REST under /api/v2)", "ws" + strings.TrimPrefix(base, "http") + "/events/<token>",
		base + "/_evtap/ledger", base + "/_evtap/", DemoAPIKey, "token lifetime 1h0m0s", "seed 3"} {
		if !strings.Contains(b, want) {
			t.Errorf("banner lacks %q:\n%s", want, b)
		}
	}
	mine := New(Config{APIKey: "my-real-dialpad-key"})
	defer mine.Close()
	if strings.Contains(mine.Banner(), "my-real-dialpad-key") {
		t.Error("a key the user gave is shown in full")
	}
}

// The counters' JSON has the core's fields and Dialpad's.
func TestCountersJSON(t *testing.T) {
	_, base := startSim(t, Config{})
	createWebsocket(t, base, "")
	r := call(t, base, "GET", "/_evtap/counters", nil)
	for _, k := range []string{`"connections":`, `"delivered":`, `"unsent":`, `"expired":`, `"routed":`, `"urlsMinted":1`, `"websockets":1`, `"subscriptions":{`} {
		if !strings.Contains(string(r.body), k) {
			t.Errorf("counters lack %s: %s", k, r.body)
		}
	}
}
