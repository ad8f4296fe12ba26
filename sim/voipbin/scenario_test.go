package voipbin

import (
	"bytes"
	"strings"
	"testing"

	"github.com/evtap/evtap/protocol"
)

// A scenario drives the emulator from its start point: a whole story, an
// injected event, the frame shape and a refused login, with the core's
// actions beside VoIPBin's.
func TestScenarioRuns(t *testing.T) {
	sc, err := ParseScenario([]byte(`
seed: 5
rate: 0
start: first-subscription
steps:
  - at: 0s
    send: {story: sms}
  - at: 0s
    wrapped: true
  - at: 0s
    inject: {type: call_hangup, data: {id: 0b5a1f0e-7c3d-4e2a-9f1b-000000000001, status: hangup}}
  - at: 0s
    refuse-login: true
`))
	if err != nil {
		t.Fatal(err)
	}
	s, base := startSim(t, Config{Scenario: sc})
	if s.Seed() != 5 {
		t.Fatalf("seed %d, want the scenario's 5", s.Seed())
	}
	ws := mustDial(t, base, s.AdminToken())
	send(t, ws, "subscribe", custTopic+":call:call_hangup", custTopic+":message:message_created")
	var frames [][]byte
	for len(frames) == 0 || !bytes.Contains(frames[len(frames)-1], []byte("call_hangup")) {
		frames = append(frames, read(t, ws))
	}
	if !bytes.HasPrefix(frames[0], []byte(`{"id"`)) || !bytes.Contains(frames[0], []byte(`"type":"sms"`)) {
		t.Fatalf("first frame %s: want the story's bare message_created", frames[0])
	}
	if last := frames[len(frames)-1]; !bytes.HasPrefix(last, []byte(`{"type":"call_hangup","data":{`)) {
		t.Fatalf("last frame %s: want the injected hangup, wrapped", last)
	}
	waitUntil(t, "the refused login", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.refuseLogin
	})
	if resp, _ := postLogin(t, base, loginBody(DemoUsername, DemoPassword)); resp.StatusCode != 400 {
		t.Fatalf("login after refuse-login: %d", resp.StatusCode)
	}
}

// Mistakes in a scenario name their line.
func TestScenarioErrors(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"steps:\n  - at: 1s\n    send: {story: party}\n", "line 3: unknown story \"party\""},
		{"steps:\n  - at: 1s\n    send: {count: 0}\n", "line 3: count must be from 1"},
		{"steps:\n  - at: 1s\n    inject: {data: {id: x}}\n", "line 3: inject needs type"},
		{"steps:\n  - at: 1s\n    inject: {type: call_hangup, data: [1]}\n", "line 3: inject needs data"},
		{"steps:\n  - at: 1s\n    wrapped: maybe\n", "line 3: wrapped takes true or false"},
		{"steps:\n  - at: 1s\n    forget: all\n", "line 3: unknown key \"forget\""},
	}
	for _, tc := range cases {
		_, err := ParseScenario([]byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.yaml, err, tc.want)
		}
	}
}

// The emulator offers the core's faults and refusing the next login, and
// carries them out.
func TestFaults(t *testing.T) {
	s, base := startSim(t, Config{})
	got := map[protocol.CommandKind]bool{}
	for _, f := range s.Faults() {
		got[f.Kind] = true
	}
	for _, k := range []protocol.CommandKind{protocol.CmdClose, protocol.CmdDelayFrames, protocol.CmdReorderFrames, protocol.CmdRefuseToken} {
		if !got[k] {
			t.Errorf("fault %s not offered (got %v)", k, got)
		}
	}
	if got[protocol.CmdForget] {
		t.Errorf("forget offered: VoIPBin keeps no session to forget")
	}
	if err := s.Fault(protocol.Command{Kind: protocol.CmdRefuseToken}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := postLogin(t, base, loginBody(DemoUsername, DemoPassword)); resp.StatusCode != 400 {
		t.Fatalf("login after the refuse fault: %d", resp.StatusCode)
	}
}
