package record_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// These tests play the shapes in which the judge's servers (interop/judge)
// saw one placeholder stand for several secrets: a token issued in a REST
// answer and presented again in the URL dialled or a bearer header, next
// to the client's own credentials. Each secret must keep one placeholder
// from the line that issued it to every line that presents it, and two
// secrets must never share one (docs/recording-format.md, Redaction).

// session writes us through one redacting stream, as headless output
// does, and returns the lines.
func session(t *testing.T, o record.Options, us ...protocol.Update) []string {
	t.Helper()
	var out bytes.Buffer
	w := record.NewStream(&out, o)
	for _, u := range us {
		if err := w.Write(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

var anyPlaceholder = regexp.MustCompile(`REDACTED-[A-Za-z0-9_.~-]+-[0-9a-f]{12}`)

// placeholderAt returns the placeholder that stands right after marker in
// line (the value that followed it), or "".
func placeholderAt(line, marker string) string {
	i := strings.Index(line, marker)
	if i < 0 {
		return ""
	}
	rest := line[i+len(marker):]
	if loc := anyPlaceholder.FindStringIndex(rest); loc != nil && loc[0] == 0 {
		return rest[:loc[1]]
	}
	return ""
}

func httpSent(id int, method, url string, header map[string]string, body string) protocol.Update {
	b, _ := json.Marshal(protocol.HTTPRequest{ID: id, Method: method, URL: url, Header: header, Body: body})
	return protocol.Update{Time: time.Now(), Kind: protocol.KindSent, Conn: 1, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(b), Size: len(body)}}
}

func httpRecv(id int, method, url string, header map[string]string, body string) protocol.Update {
	b, _ := json.Marshal(protocol.HTTPResponse{ID: id, Method: method, URL: url, Status: 200, Header: header, Body: body})
	return protocol.Update{Time: time.Now(), Kind: protocol.KindRecv, Conn: 1, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(b), Size: len(body)}}
}

func dialling(url string) protocol.Update {
	return protocol.Update{Time: time.Now(), Kind: protocol.KindState, Conn: 1, State: &protocol.State{Phase: protocol.PhaseDialing, URL: url}}
}

// checkPlaceholders fails unless every group of sightings shows one
// placeholder and no two groups share one.
func checkPlaceholders(t *testing.T, lines []string, secrets map[string][]string) {
	t.Helper()
	owner := map[string]string{}
	for name, seen := range secrets {
		first := ""
		for i, p := range seen {
			switch {
			case p == "":
				t.Errorf("%s, sighting %d: no placeholder\n%s", name, i+1, strings.Join(lines, "\n"))
			case first == "":
				first = p
			case p != first:
				t.Errorf("%s has two placeholders: %s and %s", name, first, p)
			}
		}
		if other, ok := owner[first]; ok && first != "" {
			t.Errorf("%s and %s share the placeholder %s", name, other, first)
		}
		owner[first] = name
	}
}

// VoIPBin: the login answer issues a token (in its body and a cookie),
// and the socket is dialled with ?token=<that token>.
func TestALoginTokenKeepsItsPlaceholderInTheURLDialled(t *testing.T) {
	const (
		password = "judge-Passw0rd-for-voipbin"
		token    = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHBpcmUiOiIyMDI2LTEyLTA2In0.mHWSql3LFzZgI-1dkbdQrmpWgh2oZa8r5rfCekCFKdU"
	)
	lines := session(t, record.Options{Rules: record.Rules{Fields: map[string]string{"accesskey": "accesskey"}}, Secrets: []string{"", "", password}},
		httpSent(1, "POST", "http://127.0.0.1:9/auth/login", map[string]string{"Content-Type": "application/json"},
			`{"username":"admin@judge.example","password":"`+password+`"}`),
		httpRecv(1, "POST", "http://127.0.0.1:9/auth/login", map[string]string{"Set-Cookie": "token=" + token + "; Path=/; HttpOnly"},
			`{"token":"`+token+`","username":"admin@judge.example"}`),
		dialling("ws://127.0.0.1:9/v1.0/ws?token="+token),
	)
	all := strings.Join(lines, "\n")
	if strings.Contains(all, password) || strings.Contains(all, token) {
		t.Fatalf("a secret survived:\n%s", all)
	}
	checkPlaceholders(t, lines, map[string][]string{
		"the password": {placeholderAt(lines[0], `password\\\":\\\"`)},
		"the token":    {placeholderAt(lines[1], `{\\\"token\\\":\\\"`), placeholderAt(lines[2], `?token=`)},
		"the cookie":   {placeholderAt(lines[1], `"Set-Cookie\":\"`)},
	})
}

// Dialpad: each websocket answer gives a URL with its own token in the
// path, each dialled in turn, and every request carries the API key.
func TestEachURLTokenKeepsItsPlaceholderAndTheKeyHasItsOwn(t *testing.T) {
	const key = "judge-dialpad-api-key-7d21c0"
	tokens := []string{
		"eyJhbGciOiJIUzI1NiIsInR5cCI6InZuZC5kaWFscGFkLndlYnNvY2tldCtqd3QifQ.eyJleHAiOjE3MDAwMDAwMDR9.c2lnbmF0dXJlLW9uZQ",
		"eyJhbGciOiJIUzI1NiIsInR5cCI6InZuZC5kaWFscGFkLndlYnNvY2tldCtqd3QifQ.eyJleHAiOjE3MDAwMDAwMDh9.c2lnbmF0dXJlLXR3bw",
	}
	rules := record.Rules{Fields: map[string]string{"secret": "secret"}, PathTokens: []record.PathToken{{Prefix: "/events/", Kind: "url_token"}}}
	auth := map[string]string{"Authorization": "Bearer " + key}
	var us []protocol.Update
	for i, tok := range tokens {
		url := "ws://127.0.0.1:9/events/" + tok
		us = append(us,
			httpSent(i+1, "GET", "http://127.0.0.1:9/api/v2/websockets/5", auth, ""),
			httpRecv(i+1, "GET", "http://127.0.0.1:9/api/v2/websockets/5", nil, `{"id":"5","websocket_url":"`+url+`","signature":{"type":"jwt"}}`),
			dialling(url))
	}
	lines := session(t, record.Options{Rules: rules, Secrets: []string{key, ""}}, us...)
	all := strings.Join(lines, "\n")
	for _, s := range append([]string{key}, tokens...) {
		if strings.Contains(all, s) {
			t.Fatalf("%s survived:\n%s", s, all)
		}
	}
	checkPlaceholders(t, lines, map[string][]string{
		"the API key":   {placeholderAt(lines[0], `Bearer `), placeholderAt(lines[3], `Bearer `)},
		"URL token one": {placeholderAt(lines[1], `/events/`), placeholderAt(lines[2], `/events/`)},
		"URL token two": {placeholderAt(lines[4], `/events/`), placeholderAt(lines[5], `/events/`)},
	})
}

// RingCentral over PubNub: Basic credentials and a JWT assertion buy an
// access token, presented as a bearer header; the subscription's sub key
// then sits in the path of every poll.
func TestABearerTokenAndASubKeyKeepTheirOwnPlaceholders(t *testing.T) {
	const (
		basic  = "anVkZ2UtY2xpZW50LWlkOmp1ZGdlLWNsaWVudC1zZWNyZXQ="
		jwt    = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqdWRnZSJ9.anVkZ2Utand0LXNpZ25hdHVyZQ"
		access = "U0pDMTFQMDFQQVMwMHxBQUJqdWRnZWFjY2Vzc3Rva2Vu"
		subKey = "sub-c-0b5e9b3a-judge-4c1f-9f1e-5d6c7b8a9e0f"
	)
	rules := record.Rules{Fields: map[string]string{"subscriberKey": "subscriberKey", "encryptionKey": "encryptionKey"}}
	poll := "http://127.0.0.1:9/v2/subscribe/" + subKey + "/ch-1/0?tt=0&uuid=evtap"
	lines := session(t, record.Options{Rules: rules, Secrets: []string{"judge-client-secret", jwt}},
		httpSent(1, "POST", "http://127.0.0.1:9/restapi/oauth/token", map[string]string{"Authorization": "Basic " + basic},
			"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="+jwt),
		httpRecv(1, "POST", "http://127.0.0.1:9/restapi/oauth/token", nil, `{"access_token":"`+access+`","token_type":"bearer"}`),
		httpSent(2, "POST", "http://127.0.0.1:9/restapi/v1.0/subscription", map[string]string{"Authorization": "Bearer " + access}, `{"deliveryMode":{"transportType":"PubNub"}}`),
		httpRecv(2, "POST", "http://127.0.0.1:9/restapi/v1.0/subscription", nil, `{"id":"s1","deliveryMode":{"subscriberKey":"`+subKey+`","encryptionKey":"fNP0fszFJdc/thDO90/B3A=="}}`),
		httpSent(3, "GET", poll, nil, ""),
	)
	all := strings.Join(lines, "\n")
	for _, s := range []string{basic, jwt, access, subKey} {
		if strings.Contains(all, s) {
			t.Fatalf("%s survived:\n%s", s, all)
		}
	}
	checkPlaceholders(t, lines, map[string][]string{
		"the Basic credentials": {placeholderAt(lines[0], `Basic `)},
		"the assertion":         {placeholderAt(lines[0], `assertion=`)},
		"the access token":      {placeholderAt(lines[1], `access_token\\\":\\\"`), placeholderAt(lines[2], `Bearer `)},
		"the sub key":           {placeholderAt(lines[3], `subscriberKey\\\":\\\"`), placeholderAt(lines[4], `/v2/subscribe/`)},
	})
}

// A value another layer masked already ("***", as the raw provider and a
// refused answer's cookies in a state's info are written) is left as it
// is: there is no secret left to derive a placeholder from, and one
// derived from the mask would name every masked secret alike.
func TestAMaskedValueGetsNoPlaceholder(t *testing.T) {
	in := []protocol.Update{
		httpSent(1, "POST", "http://127.0.0.1:9/auth/login?token=***", map[string]string{"Authorization": "Bearer ***", "Cookie": "***"}, `{"password":"***"}`),
		dialling("ws://127.0.0.1:9/events/***"),
	}
	rules := record.Rules{PathTokens: []record.PathToken{{Prefix: "/events/", Kind: "url_token"}}}
	got := session(t, record.Options{Rules: rules}, in...)
	want := session(t, record.Options{KeepSecrets: true}, in...)
	if !slices.Equal(got, want) {
		t.Errorf("masked values were replaced:\n got %s\nwant %s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	r := record.NewRedactor(record.Rules{}, nil, nil)
	if v := r.Value("token", "***"); v != "***" {
		t.Errorf("a masked context value became %q", v)
	}
}

// A provider's rules may name a kind "secret", the kind of the literal
// credentials too: the header lists it once.
func TestTheHeaderListsEachKindOnce(t *testing.T) {
	r := record.NewRedactor(record.Rules{Fields: map[string]string{"secret": "secret"}}, []string{"an-api-key-0123"}, nil)
	kinds := r.Kinds()
	if !slices.IsSorted(kinds) || len(slices.Compact(slices.Clone(kinds))) != len(kinds) || !slices.Contains(kinds, "secret") {
		t.Errorf("kinds %v: want each once, sorted, with secret", kinds)
	}
}
