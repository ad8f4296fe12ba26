package interop

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The PubNub transport's judges (docs/sdk-interop.md, "PubNub"): the real
// PubNub clients and the PubNub-era RingCentral SDKs, installed in
// interop/pubnub (their own package: @ringcentral/sdk 4 and 5 cannot share
// one), each against its own `evtap sim ringcentral`. They run in
// parallel: most of each run is the clients' own reconnect timers.

// pubnubPackages are what interop/pubnub/package-lock.json installs.
var pubnubPackages = []string{"pubnub", "pubnub7", "pubnub8", "pubnub12", "ringcentral", "@ringcentral/sdk", "@ringcentral/subscriptions"}

// requirePubNubNode returns node, or skips (fails under CI) when it or
// the PubNub clients are missing.
func requirePubNubNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		missing(t, "node is not on PATH (install Node.js 18 or newer, then: cd interop/pubnub && npm ci)")
	}
	for _, pkg := range pubnubPackages {
		if _, err := os.Stat(filepath.Join("pubnub", "node_modules", pkg, "package.json")); err != nil {
			missing(t, "interop/pubnub/node_modules has no "+pkg+" (install the clients: cd interop/pubnub && npm ci)")
		}
	}
	return node
}

// TestPubNubClients: each plain PubNub client subscribes to a channel of
// the emulator, decrypts, lives through a TCP reset and an outage as its
// retry behaviour allows (8.x's event engine does not retry: the script
// asserts that, then reconnects as an app must), and stops on a 403.
func TestPubNubClients(t *testing.T) {
	node := requirePubNubNode(t)
	bin := buildEvtap(t)
	for _, client := range []string{"pubnub4", "pubnub7", "pubnub8", "pubnub8-ee", "pubnub12"} {
		t.Run(client, func(t *testing.T) {
			t.Parallel()
			sim := startSim(t, bin, "--rate", "0")
			expectPass(t, node, "pubnub/plain.mjs", sim, "EVTAP_PUBNUB_CLIENT="+client)
		})
	}
}

// TestRingCentralPubNubSDKs: @ringcentral/sdk + @ringcentral/subscriptions
// 4.7.4 and ringcentral 3.3.0 log in, subscribe over PubNub, decrypt,
// renew by PUT (the emulator grants 125 s; the scripts set the SDK's
// renewHandicapMs so it renews every ~1.5 s), survive a drop, and stop
// after a renew 404. rc3 first shows the useRandomIVs trap.
func TestRingCentralPubNubSDKs(t *testing.T) {
	node := requirePubNubNode(t)
	bin := buildEvtap(t)
	for _, script := range []string{"rc-sdk4.mjs", "rc3.mjs"} {
		t.Run(strings.TrimSuffix(script, ".mjs"), func(t *testing.T) {
			t.Parallel()
			sim := startSim(t, bin, "--rate", "0", "--pubnub-lifetime", "125s")
			expectPass(t, node, "pubnub/"+script, sim, "EVTAP_PUBNUB_LIFETIME=125")
		})
	}
}

func expectPass(t *testing.T, node, script string, s *sim, env ...string) {
	t.Helper()
	out, err := runScript(node, script, s.url, env...)
	if err != nil {
		t.Fatalf("%s failed (%v):\n%s\nemulator log:\n%s", script, err, out, s.log())
	}
	if !strings.Contains(out, "PASS ") {
		t.Fatalf("%s exited 0 without its PASS line:\n%s", script, out)
	}
	t.Logf("%s:\n%s", script, out)
}

// TestPubNubScriptsRefuseBadConfig: a script given no emulator, or one off
// this machine, says so and exits 2.
func TestPubNubScriptsRefuseBadConfig(t *testing.T) {
	node := requirePubNubNode(t)
	for _, script := range []string{"pubnub/plain.mjs", "pubnub/rc-sdk4.mjs", "pubnub/rc3.mjs"} {
		for _, tc := range []struct {
			args []string
			want string
		}{
			{nil, "missing --server"},
			{[]string{"--server", "http://192.0.2.1:1", "--client-id", "a", "--client-secret", "b"}, "must be on loopback"},
		} {
			cmd := exec.Command(node, append([]string{script}, tc.args...)...)
			cmd.Env = scriptEnv()
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), tc.want) {
				t.Errorf("%s %v: %v, want exit status 2 saying %q; output:\n%s", script, tc.args, err, tc.want, out)
			}
		}
	}
}
