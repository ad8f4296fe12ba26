package interop

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestWscatDialpad: wscat, a client that knows nothing of Dialpad, takes
// a websocket_url from `evtap sim dialpad`'s REST API (a websocket and a
// call subscription created as seed 004 and the spec say), receives the
// events, and is cut when the URL's token expires: the socket ends by
// itself, without wscat asking.
func TestWscatDialpad(t *testing.T) {
	node := requireNode(t)
	wscat := filepath.Join("node_modules", "wscat", "bin", "wscat")
	if _, err := os.Stat(wscat); err != nil {
		missing(t, "interop/node_modules has no wscat (cd interop && npm ci)")
	}
	bin := buildEvtap(t)
	const lifetime = 3 * time.Second
	base, key := startDialpadSim(t, bin, "--token-lifetime", lifetime.String(), "--rate", "20", "--seed", "4")

	var ws struct {
		ID  json.RawMessage `json:"id"`
		URL string          `json:"websocket_url"`
	}
	dialpadPost(t, base, key, "/api/v2/websockets", `{}`, &ws)
	if ws.URL == "" || !strings.HasPrefix(ws.URL, "ws://") {
		t.Fatalf("websocket_url %q", ws.URL)
	}
	dialpadPost(t, base, key, "/api/v2/subscriptions/call", `{"endpoint_id":`+strings.Trim(string(ws.ID), `"`)+`,"call_states":["all"]}`, nil)

	out, took, err := runWscat(t, node, []string{wscat, "-c", ws.URL}, lifetime+10*time.Second)
	if errors.Is(err, errStillRunning) {
		t.Fatalf("wscat still connected %v after the token's lifetime of %v: the socket was not cut at expiry\n%s", took, lifetime, out)
	}
	events := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimPrefix(sc.Text(), "< ")
		var ev struct {
			CallID json.RawMessage `json:"call_id"`
			State  string          `json:"state"`
		}
		if json.Unmarshal([]byte(line), &ev) == nil && len(ev.CallID) > 0 && ev.State != "" {
			events++
		}
	}
	if events == 0 {
		t.Fatalf("wscat received no call event before the cut:\n%s", out)
	}
	t.Logf("wscat received %d call events and was cut after %v (token lifetime %v)", events, took.Round(time.Millisecond), lifetime)
}

// startDialpadSim starts `evtap sim dialpad` and reads its base URL and
// API key from the banner.
func startDialpadSim(t *testing.T, bin string, extra ...string) (base, key string) {
	t.Helper()
	m := startBannerSim(t, bin, "dialpad", extra, `server \(--server[^)]*\): (http://\S+)`, `api key:\s+(\S+)`)
	return m[0], m[1]
}

// startBannerSim starts `evtap sim PROVIDER` and returns the first
// group of each pattern as it appears in the banner.
func startBannerSim(t *testing.T, bin, provider string, extra []string, patterns ...string) []string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"sim", provider, "--listen", "127.0.0.1:0"}, extra...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		timer := time.AfterFunc(5*time.Second, func() { cmd.Process.Kill() })
		cmd.Wait()
		timer.Stop()
	})
	res := make([]*regexp.Regexp, len(patterns))
	for i, p := range patterns {
		res[i] = regexp.MustCompile(p)
	}
	found := make([]string, len(patterns))
	missingAny := func() bool { return slices.Contains(found, "") }
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(bannerTimeout)
	for missingAny() {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("evtap sim %s exited before its banner", provider)
			}
			for i, re := range res {
				if m := re.FindStringSubmatch(l); m != nil && found[i] == "" {
					found[i] = m[1]
				}
			}
		case <-deadline:
			t.Fatalf("no banner from evtap sim %s", provider)
		}
	}
	go func() {
		for range lines {
		}
	}()
	return found
}

// dialpadPost makes one REST call with the API key as a bearer header
// and decodes the answer into out (when not nil).
func dialpadPost(t *testing.T, base, key, path, body string, out any) {
	t.Helper()
	postJSON(t, base+path, "Bearer "+key, body, out)
}

// postJSON POSTs body with an Authorization header (when not empty),
// wants a 200 and decodes the answer into out (when not nil).
func postJSON(t *testing.T, url, auth, body string, out any) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("POST %s: %d %s", url, resp.StatusCode, b.String())
	}
	if out != nil {
		if err := json.Unmarshal(b.Bytes(), out); err != nil {
			t.Fatalf("POST %s: %v in %s", url, err, b.String())
		}
	}
}

// TestWscatVoIPBin: wscat, unmodified, as the VoIPBin document has a
// developer use it: a token from POST /auth/login in ?token=, a subscribe
// frame, events back; a bad topic ends the connection (no close frame,
// no answer), and a bad token is refused at the handshake with 401.
func TestWscatVoIPBin(t *testing.T) {
	node := requireNode(t)
	wscat := filepath.Join("node_modules", "wscat", "bin", "wscat")
	if _, err := os.Stat(wscat); err != nil {
		missing(t, "interop/node_modules has no wscat (cd interop && npm ci)")
	}
	bin := buildEvtap(t)
	m := startBannerSim(t, bin, "voipbin", []string{"--rate", "40", "--seed", "10"},
		`server \(VOIPBIN_SERVER_URL\): (http://\S+)`, `customer:\s+(\S+)`,
		`admin agent: .* username (\S+) password (?:\S+)`, `admin agent: .* password (\S+)`)
	base, customer, user, password := m[0], m[1], m[2], m[3]
	var login struct{ Token string }
	postJSON(t, base+"/auth/login", "", `{"username":"`+user+`","password":"`+password+`"}`, &login)
	if login.Token == "" {
		t.Fatal("login answered no token")
	}
	ws := "ws" + strings.TrimPrefix(base, "http") + "/v1.0/ws?token=" + login.Token

	run := func(t *testing.T, url, frame string, wait time.Duration) (string, time.Duration, error) {
		t.Helper()
		args := []string{wscat, "-c", url}
		if frame != "" {
			args = append(args, "-x", frame, "-w", fmt.Sprint(wait.Seconds()))
		}
		out, took, err := runWscat(t, node, args, wait+15*time.Second)
		if errors.Is(err, errStillRunning) {
			t.Fatalf("wscat did not end:\n%s", out)
		}
		return out, took, err
	}

	t.Run("events", func(t *testing.T) {
		out, _, _ := run(t, ws, `{"type":"subscribe","topics":["customer_id:`+customer+`:call:call_"]}`, 3*time.Second)
		calls := 0
		for _, l := range strings.Split(out, "\n") {
			var c struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			}
			if json.Unmarshal([]byte(strings.TrimPrefix(l, "< ")), &c) == nil && c.ID != "" && c.Status != "" {
				calls++
			}
		}
		if calls == 0 {
			t.Fatalf("no call resource in 3 s of a subscribed connection:\n%s", out)
		}
	})
	t.Run("bad topic drops", func(t *testing.T) {
		// wscat ends on the drop, long before the 8 s it would wait
		// (the subscribed connection above waited its 3 s); it says
		// nothing when stdout is no terminal, so the emulator's counter
		// confirms why.
		out, took, _ := run(t, ws, `{"type":"subscribe","topics":["customer_id:not-a-uuid:call"]}`, 8*time.Second)
		if took > 6*time.Second {
			t.Fatalf("still connected %v after a bad topic: %s", took, out)
		}
		resp, err := http.Get(base + "/_evtap/counters")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var c struct {
			BadTopicDrops int `json:"badTopicDrops"`
		}
		if json.NewDecoder(resp.Body).Decode(&c); c.BadTopicDrops != 1 {
			t.Fatalf("the emulator counted %d bad-topic drops, want 1", c.BadTopicDrops)
		}
	})
	t.Run("bad token refused", func(t *testing.T) {
		out, _, err := run(t, "ws"+strings.TrimPrefix(base, "http")+"/v1.0/ws?token=garbage", "", 0)
		if err == nil || !strings.Contains(out, "401") {
			t.Fatalf("a garbage token: %v\n%s", err, out)
		}
	})
}

// errStillRunning is runWscat's error for a wscat it had to kill.
var errStillRunning = errors.New("still running")

// runWscat runs wscat (args after node) with its stdin held open, as a
// person's terminal would be (at the end of its input wscat quits), and
// returns what it printed, how long it ran and how it ended: its exit
// error, or errStillRunning when it was still running after limit.
func runWscat(t *testing.T, node string, args []string, limit time.Duration) (string, time.Duration, error) {
	t.Helper()
	cmd := exec.Command(node, args...)
	cmd.Env = scriptEnv()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), time.Since(start), err
	case <-time.After(limit):
		cmd.Process.Kill()
		<-done
		return out.String(), time.Since(start), errStillRunning
	}
}
