package dialpad

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

// specURL is the websocket_url of the spec's examples (websockets.create,
// get, list, update).
const specURL = "wss://platform-websockets-5bwy6zprxa-uc.a.run.app/events/eyJhbGciOiJIUzI1NiIsInR5cCI6InZuZC5kaWFscGFkLndlYnNvY2tldCtqd3QifQ.eyJzdWIiOiJlbmRwb2ludDoxMDAwOioiLCJleHAiOjEzNTcwMDIwMDAsImlzcyI6Imh0dHBzOi8vdGVzdGJlZC5leGFtcGxlLmNvbSIsImlhdCI6MTM1Njk5ODQwMH0.weTDqJj39rODXRkMOC8eci_zjyNlbj8EBS1gzmBy9D4"

// unsignedToken builds a token with the given header and claims JSON and
// a made-up signature (decoding never checks it).
func unsignedToken(header, claims string) string {
	e := base64.RawURLEncoding
	return e.EncodeToString([]byte(header)) + "." + e.EncodeToString([]byte(claims)) + ".c2ln"
}

// The spec's example token decodes to its documented header and claims:
// websocket-wide, issued and expiring one hour apart.
func TestDecodeTheSpecsToken(t *testing.T) {
	raw, err := TokenFromURL(specURL)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := DecodeToken(raw)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Alg != "HS256" || tok.Typ != TokenType || tok.Issuer != "https://testbed.example.com" || tok.Subject != "endpoint:1000:*" {
		t.Errorf("token %+v", tok)
	}
	if !tok.IssuedAt.Equal(time.Unix(1356998400, 0)) || !tok.ExpiresAt.Equal(time.Unix(1357002000, 0)) || tok.Lifetime() != time.Hour {
		t.Errorf("iat %s exp %s lifetime %s", tok.IssuedAt, tok.ExpiresAt, tok.Lifetime())
	}
	if !tok.Scope.WebsocketWide() || tok.Scope.Websocket != "1000" || len(tok.Problems) != 0 {
		t.Errorf("scope %+v problems %q", tok.Scope, tok.Problems)
	}
	if tok.Raw != raw {
		t.Error("Raw is not the token")
	}
}

// A production token is ES256 and may be scoped to one subscription.
func TestDecodeASubscriptionScopedToken(t *testing.T) {
	raw := unsignedToken(`{"alg":"ES256","typ":"vnd.dialpad.websocket+jwt"}`,
		`{"iss":"https://dialpad.com","sub":"endpoint:5071678191976448:call:6491633571610624","iat":1705701232,"exp":1705704832}`)
	tok, err := DecodeToken(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := Scope{Websocket: "5071678191976448", Type: TypeCall, Subscription: "6491633571610624"}
	if tok.Scope != want || tok.Scope.WebsocketWide() || tok.Scope.String() != tok.Subject {
		t.Errorf("scope %+v", tok.Scope)
	}
	if tok.Scope.Describe() != "only call subscription 6491633571610624" {
		t.Errorf("describe %q", tok.Scope.Describe())
	}
	if tok.Lifetime() != time.Hour {
		t.Errorf("lifetime %s", tok.Lifetime())
	}
}

// A token that is not as Dialpad issues it is still read, with what is
// odd about it; one that is no JWT at all is an error (opaque).
func TestDecodeTokenProblems(t *testing.T) {
	tok, err := DecodeToken(unsignedToken(`{"alg":"HS256","typ":"JWT"}`, `{"sub":"user:1","iat":1.5,"exp":3.25}`))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(tok.Problems, "; ")
	for _, want := range []string{`typ "JWT", want vnd.dialpad.websocket+jwt`, `sub "user:1" is neither`} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %q lack %q", got, want)
		}
	}
	if tok.Lifetime() != 1750*time.Millisecond {
		t.Errorf("fractional NumericDates: lifetime %s", tok.Lifetime())
	}
	noExp, _ := DecodeToken(unsignedToken(`{"typ":"vnd.dialpad.websocket+jwt"}`, `{"sub":"endpoint:1:*"}`))
	if !strings.Contains(strings.Join(noExp.Problems, ";"), "no exp") {
		t.Errorf("no exp: problems %q", noExp.Problems)
	}
	for _, bad := range []string{"", "abc", "a.b", "!!.e30.x", unsignedToken(`{}`, `[1]`), "e30.!!.x"} {
		if _, err := DecodeToken(bad); err == nil {
			t.Errorf("DecodeToken(%q): no error", bad)
		}
	}
}

func TestTokenFromURLAndMaskURL(t *testing.T) {
	for in, want := range map[string]string{
		"ws://127.0.0.1:8080/events/abc.def.ghi":       "abc.def.ghi",
		"wss://h/prefix/events/tok?x=1":                "tok",
		"wss://platform-websockets.example/events/t/x": "t",
	} {
		if got, err := TokenFromURL(in); err != nil || got != want {
			t.Errorf("TokenFromURL(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"wss://h/socket/abc", "wss://h/events/", "::"} {
		if _, err := TokenFromURL(bad); err == nil {
			t.Errorf("TokenFromURL(%q): no error", bad)
		}
	}
	if got := MaskURL(specURL); got != "wss://platform-websockets-5bwy6zprxa-uc.a.run.app/events/***" {
		t.Errorf("MaskURL = %q", got)
	}
	if got := MaskURL("wss://h/other"); got != "wss://h/other" {
		t.Errorf("MaskURL without a token = %q", got)
	}
}

// The context pane gets the decoded token with moments to count down to.
func TestTokenFields(t *testing.T) {
	raw, _ := TokenFromURL(specURL)
	tok, err := DecodeToken(raw)
	rot := tok.ExpiresAt.Add(-5 * time.Minute)
	fs := TokenFields(tok, err, tok.ExpiresAt, rot)
	byLabel := map[string]string{}
	for _, f := range fs {
		byLabel[f.Label] = f.Value
		if f.Secret || strings.Contains(f.Value, raw) {
			t.Errorf("field %q shows the token", f.Label)
		}
		switch f.Label {
		case "expires":
			if !f.At.Equal(tok.ExpiresAt) {
				t.Errorf("expires At %s", f.At)
			}
		case "rotation":
			if !f.At.Equal(rot) {
				t.Errorf("rotation At %s", f.At)
			}
		}
	}
	for label, want := range map[string]string{
		"expires":  "01:00:00Z",
		"rotation": "00:55:00Z",
		"scope":    "websocket-wide",
		"sub":      "endpoint:1000:*",
		"lifetime": "1h0m0s",
		"issued":   "00:00:00Z",
		"issuer":   "https://testbed.example.com",
		"signed":   "HS256, opaque to a client",
	} {
		if byLabel[label] != want {
			t.Errorf("%s = %q, want %q", label, byLabel[label], want)
		}
	}
	if fs[0].Label != "expires" || fs[1].Label != "rotation" {
		t.Errorf("the countdowns do not come first: %q, %q", fs[0].Label, fs[1].Label)
	}
	for _, f := range fs {
		if n := len([]rune(f.Value)); n > 30 && f.Label != "issuer" {
			t.Errorf("%s is %d runes: the pane is narrow", f.Label, n)
		}
	}
	opaque := TokenFields(Token{}, errNotJSON, time.Unix(7200, 0), time.Time{})
	if len(opaque) != 2 || !strings.Contains(opaque[0].Value, "assumed") || !strings.Contains(opaque[1].Value, "opaque") {
		t.Errorf("opaque token fields %+v", opaque)
	}
}
