package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/internal/providers"
	dpsim "github.com/evtap/evtap/sim/dialpad"
)

// A Dialpad demo session recorded: neither the URL tokens (in the path of
// every websocket_url), nor the websocket's secret (sent on create and
// echoed by the server), nor the API key reach the file or headless
// output; the recording replays to what the live run derived when the
// secret is given again, and says the frames could not be verified when
// it is not.
func TestADialpadRecordingKeepsNoTokenSecretOrKey(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "dialpad.jsonl")
	reg := providers.Builtin()
	code, live, errw := evtap(t, reg, 30*time.Second, "demo", "dialpad", "--headless", "--rate", "20", "--seed", "3",
		"--count", "12", "--record", rec)
	if code != ExitOK {
		t.Fatalf("demo: exit %d: %s", code, errw)
	}
	b, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	for what, out := range map[string]string{"the recording": string(b), "headless output": live} {
		for _, secret := range []string{"/events/eyJ", "evtap-demo-websocket-secret", dpsim.DemoAPIKey} {
			if strings.Contains(out, secret) {
				t.Errorf("%s holds %q", what, secret)
			}
		}
		for _, placeholder := range []string{"/events/REDACTED-url_token-", "REDACTED-secret-"} {
			if !strings.Contains(out, placeholder) {
				t.Errorf("%s has no %q: the value it replaces went elsewhere", what, placeholder)
			}
		}
	}
	fromFile := recorded(t, rec)
	verified := 0
	for _, u := range events(fromFile) {
		if s := u.Event.Seal; s != nil && s.OK {
			verified++
		}
	}
	if verified == 0 {
		t.Fatal("no verified event recorded")
	}

	// Replayed with the secret given again: what the live run derived.
	t.Setenv(providers.DialpadSecretEnv, "evtap-demo-websocket-secret")
	code, replayed, errw := evtap(t, reg, 20*time.Second, "replay", rec, "--headless", "--speed", "max")
	if code != ExitOK {
		t.Fatalf("replay: exit %d: %s", code, errw)
	}
	same(t, "the replay", updates(t, replayed), fromFile)

	// Without it, the frames are shown, marked as not verified.
	t.Setenv(providers.DialpadSecretEnv, "")
	code, replayed, _ = evtap(t, reg, 20*time.Second, "replay", rec, "--headless", "--speed", "max")
	if code != ExitOK {
		t.Fatalf("replay without the secret: exit %d", code)
	}
	for _, u := range events(updates(t, replayed)) {
		if s := u.Event.Seal; s == nil || s.OK || !strings.Contains(s.Problem, "no secret known") {
			t.Fatalf("replayed without the secret: seal %+v", s)
		}
	}
}
