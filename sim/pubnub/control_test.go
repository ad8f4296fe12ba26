package pubnub

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/sim/emu"
)

func post(t testing.TB, url, body string) (int, string) {
	t.Helper()
	resp, err := client.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// The control API publishes, switches every fault and reads the ledger;
// bad parameters get 400 with the reason.
func TestControlAPI(t *testing.T) {
	p, base := start(t, Config{})
	ctl := base + emu.ControlPrefix
	tt0 := handshake(t, base, "ch")
	if code, body := post(t, ctl+ControlPublish+"?subKey="+testKey+"&channel=ch&id=m1", `{"n":"1"}`); code != 200 || body != `{"affected":1}` {
		t.Fatalf("publish: %d %s", code, body)
	}
	if code, body := post(t, ctl+ControlPublish+"?subKey="+testKey+"&channel=ch", `not json`); code != 400 || !strings.Contains(body, "not valid JSON") {
		t.Errorf("publish of a bad payload: %d %s", code, body)
	}
	if got := ids(decodeSub(t, get(subURL(base, "ch", "tt="+tt0)))); got != "1" {
		t.Fatalf("published message: %q", got)
	}
	a := get(base + LedgerPath + "?channel=ch")
	var l Ledger
	if err := json.Unmarshal(a.body, &l); err != nil || len(l.Entries) != 1 || l.Entries[0].ID != "m1" || len(l.Entries[0].Timetoken) != 17 {
		t.Fatalf("ledger: %v %s", err, a.body)
	}
	for _, tc := range []struct{ path, want string }{
		{ControlRefuseSubscribe + "?status=403", `{"affected":1}`},
		{ControlRefuseSubscribe + "?status=500", `error`},
		{ControlRefuseSubscribe + "?status=x", `error`},
		{ControlStallTime + "?on=true", `{"affected":1}`},
		{ControlStallTime + "?on=maybe", `error`},
		{ControlOmitCT + "?on=true", `{"affected":1}`},
		{ControlOutage + "?for=1h", `{"affected":1}`},
		{ControlOutage + "?for=soon", `error`},
		{ControlReset + "?outage=-1s", `error`},
	} {
		if _, body := post(t, ctl+tc.path, ""); !strings.Contains(body, tc.want) {
			t.Errorf("%s: %s, want %s", tc.path, body, tc.want)
		}
	}
	c := p.Counters()
	if c.RefuseSubscribe != 403 || !c.StallTime || !c.OmitContentType || !c.Outage {
		t.Errorf("switches after the control calls: %+v", c)
	}
}

// The faults Mount offers are the ones FaultKinds names, and each works
// through emu's Fault.
func TestFaults(t *testing.T) {
	p := New(Config{})
	srv := emu.New(emu.Config{Name: "PubNub"})
	defer srv.Close()
	p.Mount(srv)
	have := map[protocol.CommandKind]bool{}
	for _, f := range srv.Faults() {
		have[f.Kind] = true
	}
	for _, k := range FaultKinds {
		if !have[k] {
			t.Errorf("fault %s not offered", k)
		}
	}
	if err := srv.Fault(protocol.Command{Kind: protocol.CmdResetPoll}); err == nil {
		t.Error("reset with no poll held and no outage succeeded")
	}
	must := func(cmd protocol.Command) {
		if err := srv.Fault(cmd); err != nil {
			t.Fatalf("%s: %v", cmd.Kind, err)
		}
	}
	must(protocol.Command{Kind: protocol.CmdRefuseSubscribe, Code: http.StatusBadRequest})
	must(protocol.Command{Kind: protocol.CmdStallTime, On: true})
	must(protocol.Command{Kind: protocol.CmdOmitContentType, On: true})
	must(protocol.Command{Kind: protocol.CmdResetPoll, Duration: 1e9})
	if err := srv.Fault(protocol.Command{Kind: protocol.CmdRefuseSubscribe, Code: 418}); err == nil {
		t.Error("refuse 418 accepted")
	}
	c := p.Counters()
	if c.RefuseSubscribe != 400 || !c.StallTime || !c.OmitContentType || !c.Outage {
		t.Errorf("switches after the faults: %+v", c)
	}
}

// The scenario actions parse with line-numbered errors and do what they
// say.
func TestScenarioActions(t *testing.T) {
	sc, err := emu.ParseScenario([]byte(`
steps:
  - at: 1s
    pubnub-reset: {outage: 5s}
  - at: 2s
    refuse-subscribe: 403
  - at: 3s
    stall-time: true
  - at: 4s
    omit-content-type: true
  - at: 5s
    pubnub-reset: all
`), Actions)
	if err != nil {
		t.Fatal(err)
	}
	p := New(Config{})
	for _, st := range sc.Steps {
		if !p.Do(st) {
			t.Errorf("step %s not done", st.Action)
		}
	}
	if c := p.Counters(); c.RefuseSubscribe != 403 || !c.StallTime || !c.OmitContentType || !c.Outage {
		t.Errorf("after the steps: %+v", c)
	}
	_, err = emu.ParseScenario([]byte("steps:\n  - at: 1s\n    refuse-subscribe: 500\n"), Actions)
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("a bad status: %v", err)
	}
}
