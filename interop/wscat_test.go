package interop

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

	cmd := exec.Command(node, wscat, "-c", ws.URL)
	cmd.Env = scriptEnv()
	stdin, err := cmd.StdinPipe() // held open: wscat must not end for want of input
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
	case <-done:
	case <-time.After(lifetime + 10*time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("wscat still connected %v after the token's lifetime of %v: the socket was not cut at expiry\n%s", time.Since(start), lifetime, out.String())
	}
	events := 0
	sc := bufio.NewScanner(bytes.NewReader(out.Bytes()))
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
		t.Fatalf("wscat received no call event before the cut:\n%s", out.String())
	}
	t.Logf("wscat received %d call events and was cut after %v (token lifetime %v)", events, time.Since(start).Round(time.Millisecond), lifetime)
}

// startDialpadSim starts `evtap sim dialpad` and reads its base URL and
// API key from the banner.
func startDialpadSim(t *testing.T, bin string, extra ...string) (base, key string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"sim", "dialpad", "--listen", "127.0.0.1:0"}, extra...)...)
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
	server := regexp.MustCompile(`server \(--server[^)]*\): (http://\S+)`)
	apiKey := regexp.MustCompile(`api key:\s+(\S+)`)
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(bannerTimeout)
	for base == "" || key == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("evtap sim dialpad exited before its banner")
			}
			if m := server.FindStringSubmatch(l); m != nil {
				base = m[1]
			}
			if m := apiKey.FindStringSubmatch(l); m != nil {
				key = m[1]
			}
		case <-deadline:
			t.Fatal("no banner from evtap sim dialpad")
		}
	}
	go func() {
		for range lines {
		}
	}()
	return base, key
}

// dialpadPost makes one REST call with the API key as a bearer header
// and decodes the answer into out (when not nil).
func dialpadPost(t *testing.T, base, key, path, body string, out any) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("POST %s: %d %s", path, resp.StatusCode, b.String())
	}
	if out != nil {
		if err := json.Unmarshal(b.Bytes(), out); err != nil {
			t.Fatalf("POST %s: %v in %s", path, err, b.String())
		}
	}
}
