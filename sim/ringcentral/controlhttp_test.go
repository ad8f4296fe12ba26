package ringcentral

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// control POSTs to the control API and returns status and decoded JSON.
func control(t *testing.T, base, action, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(base+ControlPrefix+action, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: reply %q is not JSON", action, b)
	}
	return resp.StatusCode, out
}

func counters(t *testing.T, base string) Counters {
	t.Helper()
	resp, err := http.Get(base + ControlPrefix + "counters")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c Counters
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestControlAPIOverHTTP(t *testing.T) {
	_, base := startSim(t, Config{})
	c, wt, _ := connect(t, base)
	cd := c.readType(typeConnectionDetails)
	info := c.mustSubscribe(smsFilter, voicemailF)

	if code, out := control(t, base, "send?kind=voicemail&count=2", ""); code != 200 || out["affected"] != 2.0 {
		t.Fatalf("send: %d %v", code, out)
	}
	for i := 0; i < 2; i++ {
		if _, n := c.notification(); !strings.HasSuffix(n.Event, "/voicemail") {
			t.Fatalf("send voicemail delivered %s", n.Event)
		}
	}
	inj := `{"event":"/restapi/v1.0/account/1/extension/2/custom","body":{"hello":"world"}}`
	if code, out := control(t, base, "inject", inj); code != 200 || out["affected"] != 1.0 {
		t.Fatalf("inject: %d %v", code, out)
	}
	if f, n := c.notification(); n.Event != "/restapi/v1.0/account/1/extension/2/custom" || string(n.Body) != `{"hello":"world"}` || n.SubscriptionID != info.ID || f.Meta.WSC.Sequence != 4 {
		t.Fatalf("injected notification %+v seq %d", n, f.Meta.WSC.Sequence)
	}
	if code, _ := control(t, base, "inject-raw", `{"not":"an array"`); code != 200 {
		t.Fatalf("inject-raw: %d", code)
	}
	if _, data, err := c.ws.ReadMessage(); err != nil || string(data) != `{"not":"an array"` {
		t.Fatalf("raw frame: %q %v", data, err)
	}

	got := counters(t, base)
	if got.Open != 1 || got.Generated != 3 || len(got.Sessions) != 1 || got.Sessions[0].SubscriptionID != info.ID || got.Sessions[0].Conn == "" {
		t.Fatalf("counters %+v", got)
	}
	eventually(t, "delivered counter", func() bool { return counters(t, base).Delivered == 3 })

	for _, bad := range []string{"rate?perSec=-1", "send?kind=fax", "close?code=99", "delay?d=soon", "reorder?on=maybe", "send?session=nope"} {
		if code, out := control(t, base, bad, ""); code != 400 || out["error"] == "" {
			t.Errorf("%s: %d %v, want 400 with an error", bad, code, out)
		}
	}
	if code, out := control(t, base, "drop?conn="+got.Sessions[0].Conn, ""); code != 200 || out["affected"] != 1.0 {
		t.Fatalf("drop: %d %v", code, out)
	}
	c.readClosed()
	if code, out := control(t, base, "forget", ""); code != 200 || out["affected"] != 1.0 {
		t.Fatalf("forget: %d %v", code, out)
	}
	c2, _, _ := dialWS(t, wt, cd.Meta.WSC.Token)
	if d := details(t, c2.readType(typeConnectionDetails)); d.RecoveryState != recoveryFailed {
		t.Fatalf("after forget: %q", d.RecoveryState)
	}
	if code, _ := control(t, base, "close?code=4001&reason=bye", ""); code != 200 {
		t.Fatalf("close: %d", code)
	}
	if err := c2.readClosed(); !strings.Contains(err.Error(), "4001") {
		t.Fatalf("close code: %v", err)
	}
}

func TestPauseStopsGenerationAndResumeRestartsIt(t *testing.T) {
	s, base := startSim(t, Config{Rate: 200})
	c, _, _ := connect(t, base)
	c.readType(typeConnectionDetails)
	c.mustSubscribe(smsFilter)
	c.notification()
	control(t, base, "pause", "")
	t0 := s.Counters().PumpTicks
	eventually(t, "a pump tick after the pause", func() bool { return s.Counters().PumpTicks > t0+1 })
	paused, t1 := s.Counters().Generated, s.Counters().PumpTicks
	eventually(t, "five pump ticks", func() bool { return s.Counters().PumpTicks >= t1+5 })
	if got := s.Counters().Generated; got != paused {
		t.Fatalf("generated %d while paused (was %d)", got, paused)
	}
	control(t, base, "resume", "")
	eventually(t, "generation to resume", func() bool { return s.Counters().Generated > paused+5 })
}

func TestReorderSwapsAdjacentNotifications(t *testing.T) {
	s, base := startSim(t, Config{})
	c, _, _ := connect(t, base)
	c.readType(typeConnectionDetails)
	c.mustSubscribe(smsFilter)
	s.SetReorder(true)
	s.SetFrameDelay(30 * time.Millisecond) // lets all four queue up first
	s.Generate("", "", 4)                  // sequences 2..5
	var seqs []uint64
	for i := 0; i < 4; i++ {
		f, _ := c.notification()
		seqs = append(seqs, f.Meta.WSC.Sequence)
	}
	if want := []uint64{3, 2, 5, 4}; fmt.Sprint(seqs) != fmt.Sprint(want) {
		t.Fatalf("order %v, want %v", seqs, want)
	}
}

func TestHostileSendsEveryVariantThroughAnOrdinaryFilter(t *testing.T) {
	s, base := startSim(t, Config{Seed: 5})
	c, _, _ := connect(t, base)
	c.ws.SetReadLimit(4 << 20)
	c.readType(typeConnectionDetails)
	info := c.mustSubscribe(smsFilter)
	if n, err := s.Generate("", "hostile", 6); err != nil || n != 6 {
		t.Fatalf("generated %d: %v", n, err)
	}
	seen := map[string]bool{}
	for i := 0; i < 6; i++ {
		_, n := c.notification()
		var body map[string]any
		if err := json.Unmarshal(n.Body, &body); err != nil {
			t.Fatal(err)
		}
		if n.Event != info.EventFilters[0] || n.SubscriptionID != info.ID {
			t.Fatalf("hostile event %s for %s", n.Event, n.SubscriptionID)
		}
		seen[body["evtapHostile"].(string)] = true
	}
	for _, v := range []string{"ansi", "osc52", "bidi", "control", "huge", "deep"} {
		if !seen[v] {
			t.Errorf("variant %s never sent in 6 (seen %v)", v, seen)
		}
	}
}
