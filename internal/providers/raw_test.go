package providers

import (
	"context"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/spf13/pflag"

	"github.com/evtap/evtap/internal/run"
	"github.com/evtap/evtap/protocol"
)

// rawDial parses args as `evtap connect raw`'s flags would be and dials.
func rawDial(t *testing.T, url string, args ...string) (run.Session, error) {
	t.Helper()
	e, ok := Builtin().Lookup("raw")
	if !ok {
		t.Fatal("no raw entry")
	}
	fs := pflag.NewFlagSet("raw", pflag.ContinueOnError)
	dial := e.Connect.Flags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return e.Live(dial, []string{url}, Options{})
}

func TestRawClaimsWebSocketURLsThatNoOtherProviderClaims(t *testing.T) {
	r := Builtin()
	for arg, want := range map[string]string{
		"ws://127.0.0.1:8080/x": "raw", "WSS://example.com": "raw", "http://example.com": "", "ringcentral": "", "wss": "",
	} {
		got := ""
		if e := r.Claim(arg); e != nil {
			got = e.Name
		}
		if got != want {
			t.Errorf("Claim(%q) = %q, want %q", arg, got, want)
		}
	}
	// A provider that knows its own URLs wins over the catch-all,
	// whatever the names' order ("raw" sorts before "stream").
	special := &Entry{Name: "stream", Title: "Stream", Summary: "s", UI: rawUI(),
		Connect: &Connect{Flags: rawConnectFlags, Claims: func(a string) bool { return strings.HasPrefix(a, "wss://stream.example/") }},
		HAR:     func(url string, _ []byte) bool { return strings.HasPrefix(url, "wss://stream.example/") }}
	special.UI.Name = "stream"
	reg := NewRegistry("raw", raw(), special)
	if e := reg.Claim("wss://stream.example/v1"); e == nil || e.Name != "stream" {
		t.Errorf("the specific provider's URL went to %v", e)
	}
	if e := reg.Claim("wss://other.example/v1"); e == nil || e.Name != "raw" {
		t.Errorf("an unclaimed URL went to %v", e)
	}
	o := reg.HAR()
	if len(o.Matchers) != 1 || o.Matchers[0].Provider != "stream" || !o.Matchers[0].Match("wss://stream.example/v1", nil) {
		t.Errorf("HAR import asks %+v, want only the specific provider", o.Matchers)
	}
	if o.Default == nil || o.Default.Provider != "raw" {
		t.Errorf("an unclaimed capture goes to %+v, want raw", o.Default)
	}
}

func TestRawIsConnectableButHasNoEmulator(t *testing.T) {
	r := Builtin()
	if !slices.Contains(r.Names(Connectable), "raw") || slices.Contains(r.Names(Emulated), "raw") {
		t.Errorf("connect lists %v, sim lists %v: raw belongs to connect only", r.Names(Connectable), r.Names(Emulated))
	}
	e, _ := r.Lookup("raw")
	if e.UI.Filters != nil || e.UI.Gaps != "gaps cannot be known on a raw stream" || e.UI.ContextTitle == "" {
		t.Errorf("raw UI %+v", e.UI)
	}
	if _, err := e.Live(func([]string, Options) (run.Session, error) { return run.Session{}, nil }, nil, Options{Filters: []string{"x"}}); err == nil {
		t.Error("--filter was accepted for a raw stream")
	}
}

// Rule: every mistake in `evtap connect ws://…`'s flags is a usage error
// (exit 2) naming the flag, found before anything is dialled.
func TestRawFlagMistakesAreUsageErrors(t *testing.T) {
	dir := t.TempDir()
	binary := filepath.Join(dir, "blob")
	if err := os.WriteFile(binary, []byte{0xff, 0xfe, 0}, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		url  string
		args []string
		want string
	}{
		{"ws://127.0.0.1:1/", []string{"-H", "no colon"}, "-H \"no colon\": want 'Name: value'"},
		{"ws://127.0.0.1:1/", []string{"-H", "X-A: 1", "-H", "x-a: 2"}, "-H X-A: given twice"},
		{"ws://127.0.0.1:1/", []string{"--secret-header", "Bad Name: v"}, "--secret-header"},
		{"ws://127.0.0.1:1/", []string{"-s", "two words"}, "not a subprotocol name"},
		{"wss://127.0.0.1:1/", []string{"--ca", filepath.Join(dir, "missing.pem")}, "CA file"},
		{"ws://127.0.0.1:1/", []string{"--send-file", filepath.Join(dir, "missing")}, "--send-file"},
		{"ws://127.0.0.1:1/", []string{"--send-file", binary}, "not UTF-8 text"},
		{"ws://127.0.0.1:1/#x", nil, "fragment"},
		{"http://127.0.0.1:1/", nil, "want ws:// or wss://"},
	} {
		_, err := rawDial(t, c.url, c.args...)
		var ue run.UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %q: %v, want a usage error saying %q", c.url, c.args, err, c.want)
		}
	}
}

// Rule: --send and --send-file frames go out in the order given, the
// file exactly as it is; the token comes from $EVTAP_TOKEN when --token
// is not given, and is a secret.
func TestRawFlagsMakeTheConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "hello.json")
	if err := os.WriteFile(file, []byte("{\"hello\":1}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(TokenEnv, "env-token-1234")
	fs := pflag.NewFlagSet("raw", pflag.ContinueOnError)
	var f rawFlags
	f.register(fs)
	if err := fs.Parse([]string{"--send", "a", "--send-file", file, "--send", "b", "-H", "X-Team: t"}); err != nil {
		t.Fatal(err)
	}
	c, err := f.config("ws://127.0.0.1:1/", Options{MaxRetries: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.OnConnect, []string{"a", "{\"hello\":1}\n", "b"}) {
		t.Errorf("on connect %q", c.OnConnect)
	}
	if c.Token != "env-token-1234" || c.Header.Get("X-Team") != "t" || c.Options.MaxRetries != 3 {
		t.Errorf("config %+v", c)
	}
	s, err := rawDial(t, "ws://127.0.0.1:1/?token=url-token-99")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(s.Secrets, "env-token-1234") || !slices.Contains(s.Secrets, "url-token-99") || strings.Contains(s.Endpoint, "url-token-99") {
		t.Errorf("secrets %q, endpoint %q", s.Secrets, s.Endpoint)
	}
	if !s.SendStdin || s.Provider != "raw" || s.UI.Name != "raw" || !strings.HasPrefix(s.Title, "WebSocket ws://127.0.0.1:1/") {
		t.Errorf("session %+v", s)
	}
}

// Rule: --ca and --insecure reach the dialer: a wss:// server with its
// own certificate is trusted through --ca, or with --insecure, and not
// otherwise.
func TestRawTLSFlags(t *testing.T) {
	up := websocket.Upgrader{}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		_ = c.WriteMessage(websocket.TextMessage, []byte("secure hello"))
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	url := "wss" + strings.TrimPrefix(srv.URL, "https")
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string // an event's summary, or words of the drop's cause
	}{
		{[]string{"--ca", ca}, "secure hello"},
		{[]string{"--insecure"}, "secure hello"},
		{nil, "certificate"},
	} {
		s, err := rawDial(t, url, c.args...)
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan string, 64)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		done := make(chan error, 1)
		go func() {
			done <- s.Run(ctx, func(u protocol.Update) {
				switch {
				case u.Kind == protocol.KindEvent:
					got <- u.Event.Summary
				case u.Kind == protocol.KindState && u.State.Phase == protocol.PhaseDropped:
					got <- u.State.Cause
				}
			})
		}()
		select {
		case g := <-got:
			if !strings.Contains(g, c.want) {
				t.Errorf("%q: got %q, want %q", c.args, g, c.want)
			}
		case <-ctx.Done():
			t.Errorf("%q: nothing happened", c.args)
		}
		cancel()
		<-done
	}
}
