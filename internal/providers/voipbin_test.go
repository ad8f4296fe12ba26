package providers_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/internal/run"
	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

const (
	vbCustomer = "5013bc52-da9a-11ee-844f-2fa34248de28"
	vbAgent    = "9f3e1c2a-1b2c-4d5e-8f90-a1b2c3d4e5f6"
	vbOther    = "11111111-2222-4333-8444-555555555555"
)

// vbJWT is an admin's token as VoIPBin's login mints it (unsigned here:
// a client never checks the signature).
func vbJWT() string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." +
		enc([]byte(`{"type":"agent","agent":{"id":"`+vbAgent+`","customer_id":"`+vbCustomer+`","permission":32},"expire":"2099-01-01T00:00:00.000000Z"}`)) + ".c2ln"
}

// dialVoIPBin parses args as `evtap connect voipbin` would and builds
// the session.
func dialVoIPBin(t *testing.T, args []string, o providers.Options) (run.Session, error) {
	t.Helper()
	for _, k := range []string{"VOIPBIN_TOKEN", "VOIPBIN_ACCESSKEY", "VOIPBIN_USERNAME", "VOIPBIN_PASSWORD", "VOIPBIN_SERVER_URL"} {
		t.Setenv(k, "")
	}
	e, ok := providers.Builtin().Lookup("voipbin")
	if !ok {
		t.Fatal("voipbin is not registered")
	}
	fs := pflag.NewFlagSet("voipbin", pflag.ContinueOnError)
	dial := e.Connect.Flags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return e.Live(dial, nil, o)
}

// A JWT's claims make the editor check topics for this agent and offer
// presets for its customer; --topic and --filter both add topics.
func TestVoIPBinConnectWithAToken(t *testing.T) {
	tok := vbJWT()
	s, err := dialVoIPBin(t, []string{"--token", tok, "--topic", "customer_id:" + vbCustomer + ":call"},
		providers.Options{Filters: []string{"customer_id:" + vbCustomer + ":agent"}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Provider != "voipbin" || s.Endpoint != "https://api.voipbin.net" || s.UI.ContextTitle != "Keepalive" || s.UI.SubscriptionsTitle != "Topics" {
		t.Fatalf("session %+v", s)
	}
	if !contains(s.Secrets, tok) {
		t.Fatal("the JWT is not among the secrets kept out of recordings")
	}
	f := s.UI.Filters
	if err := f.Validate("agent_id:" + vbOther + ":call"); err == nil || !strings.Contains(err.Error(), "agent id") {
		t.Fatalf("another agent's topic: %v", err)
	}
	if err := f.Validate("customer_id:" + vbCustomer + ":call:call_hangup"); err != nil {
		t.Fatal(err)
	}
	var mcp string
	for _, p := range f.Presets {
		if p.Name == "voipbin-mcp" {
			mcp = p.Value
		}
	}
	if !strings.Contains(mcp, "customer_id:"+vbCustomer+":call:call_hangup") || strings.Count(mcp, "\n") != 4 {
		t.Fatalf("voipbin-mcp preset %q", mcp)
	}
	if got := s.UI.ShortFilter("customer_id:" + vbCustomer + ":call:call_hangup"); got != "customer_id:…:call:call_hangup" {
		t.Fatalf("short topic %q", got)
	}
}

// Flags override the environment; a credential comes from the
// environment only when no credential flag was given.
func TestVoIPBinConnectFromTheEnvironment(t *testing.T) {
	for _, k := range []string{"VOIPBIN_TOKEN", "VOIPBIN_USERNAME", "VOIPBIN_PASSWORD"} {
		t.Setenv(k, "")
	}
	e, _ := providers.Builtin().Lookup("voipbin")
	fs := pflag.NewFlagSet("voipbin", pflag.ContinueOnError)
	dial := e.Connect.Flags(fs)
	t.Setenv("VOIPBIN_ACCESSKEY", "vb_fromtheenvironment")
	t.Setenv("VOIPBIN_SERVER_URL", "http://127.0.0.1:9/v1.0")
	if err := fs.Parse([]string{"--topic", "customer_id:" + vbCustomer + ":call"}); err != nil {
		t.Fatal(err)
	}
	s, err := e.Live(dial, nil, providers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Endpoint != "http://127.0.0.1:9/v1.0" || !contains(s.Secrets, "vb_fromtheenvironment") {
		t.Fatalf("endpoint %q, secrets %d", s.Endpoint, len(s.Secrets))
	}
	// An access key does not name its customer: the presets take it
	// from the topics given.
	if ps := s.UI.Filters.Presets; len(ps) == 0 || !strings.Contains(ps[0].Value, vbCustomer) {
		t.Fatalf("presets %+v", ps)
	}
	// A credential flag wins over the environment's access key instead
	// of being mixed with it.
	fs = pflag.NewFlagSet("voipbin", pflag.ContinueOnError)
	dial = e.Connect.Flags(fs)
	_ = fs.Parse([]string{"--token", vbJWT()})
	if _, err := e.Live(dial, nil, providers.Options{}); err != nil {
		t.Fatalf("--token beside $VOIPBIN_ACCESSKEY: %v", err)
	}
}

// Mistakes are usage errors (exit 2) that say what to do, before
// anything is sent.
func TestVoIPBinConnectUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "no credential"},
		{[]string{"--token", vbJWT(), "--accesskey", "vb_x"}, "one credential"},
		{[]string{"--accesskey", "vb_x"}, "no topics"},
		{[]string{"--token", vbJWT(), "--topic", "customer_id:" + vbOther + ":call"}, "customer"},
		{[]string{"--token", vbJWT(), "--topic", "calls"}, "grammar"},
		{[]string{"--token", "vb_x"}, "--accesskey"},
	}
	for _, c := range cases {
		_, err := dialVoIPBin(t, c.args, providers.Options{})
		var ue run.UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want a usage error about %q", c.args, err, c.want)
		}
	}
}

// The entry's decoder is VoIPBin's, for replays and imports.
func TestVoIPBinDecoderAndHAR(t *testing.T) {
	e, _ := providers.Builtin().Lookup("voipbin")
	d := e.Decoder()
	raw := []byte(`{"id":"` + vbOther + `","customer_id":"` + vbCustomer + `","status":"ringing","direction":"incoming"}`)
	u := protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpText, Data: string(raw)}}
	out, _ := d.Decode(nil, &u, raw)
	if len(out) != 1 || out[0].Event == nil || out[0].Event.Label != "call" {
		t.Fatalf("decoded %+v", out)
	}
	for url, want := range map[string]bool{
		"wss://api.voipbin.net/v1.0/ws?token=x":          true,
		"ws://127.0.0.1:5000/v1.0/ws?accesskey=vb_x":     true,
		"ws://127.0.0.1:5000/v1.0/ws":                    false,
		"wss://platform.ringcentral.com/ws?access_token": false,
	} {
		if got := e.HAR(url, nil); got != want {
			t.Errorf("HAR(%q) = %v", url, got)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A recording keeps no access key: not in the socket URL's query, not in
// a Cookie, not in a JSON field; tokens and passwords are the
// recorder's defaults.
func TestVoIPBinRedaction(t *testing.T) {
	e, _ := providers.Builtin().Lookup("voipbin")
	var o record.Options
	e.Redact(&o)
	r := record.NewRedactor(o.Rules, nil, nil)
	for _, line := range []string{
		`{"url":"ws://127.0.0.1:5/v1.0/ws?accesskey=vb_secretkey42"}`,
		`{"header":{"Cookie":"accesskey=vb_secretkey42"}}`,
		`{"accesskey":"vb_secretkey42","token":"vb_secretkey42"}`,
		`{"body":"{\"username\":\"a\",\"password\":\"vb_secretkey42\"}"}`,
	} {
		if out := string(r.Line([]byte(line))); strings.Contains(out, "vb_secretkey42") {
			t.Errorf("%s\nkept the key: %s", line, out)
		}
	}
}
