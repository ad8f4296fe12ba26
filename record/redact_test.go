package record_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/record/recordtest"
)

// dialpadLike are rules with a token in the URL path, as Dialpad's
// socket URL has one.
var dialpadLike = record.Rules{PathTokens: []record.PathToken{{Prefix: "/events/", Kind: "url_token"}}}

func redactor(r record.Rules) *record.Redactor { return record.NewRedactor(r, nil, nil) }

// Every shape in which a protocol marks a value secret is redacted.
func TestRedactionShapes(t *testing.T) {
	cases := map[string]string{
		"json":               `{"access_token":"SECRET1","x":1}`,
		"json spaced":        `{"refresh_token" : "SECRET1"}`,
		"escaped json":       `{"data":"[{\"ws_access_token\":\"SECRET1\"}]"}`,
		"twice escaped json": `{"data":"{\"body\":\"{\\\"access_token\\\":\\\"SECRET1\\\"}\"}"}`,
		"query":              `wss://h/ws?access_token=SECRET1&wsc=SECRET2`,
		"escaped ampersand":  `{"u":"wss://h/ws?x=1\u0026access_token=SECRET1"}`,
		"form":               `grant_type=x&assertion=SECRET1&client_secret=SECRET2`,
		"form in a string":   `{"body":"assertion=SECRET1&client_secret=SECRET2"}`,
		"apikey":             `https://h/x?apikey=SECRET1`,
		"token param":        `token=SECRET1`,
		"cookie":             `{"header":{"Cookie":"a=b; token=SECRET1"}}`,
		"header line":        "POST / HTTP/1.1\r\nAuthorization: Bearer SECRET1\r\n",
		"escaped header":     `{"data":"POST / HTTP/1.1\r\nAuthorization: Basic SECRET1\r\n\r\n"}`,
		"json header":        `{"headers":{"Authorization":"Bearer SECRET1"}}`,
		"encryption key":     `{"encryptionKey":"SECRET1","secretKey":"SECRET2"}`,
		"wsc object":         `{"wsc":{"token":"SECRET1","sequence":3}}`,
		"recovery":           `{"recovery":{"token":"SECRET1","sequence":3}}`,
		"path token":         `{"url":"wss://h.example/events/SECRET1?x=1"}`,
		"path token port":    `ws://127.0.0.1:8080/events/SECRET1`,
	}
	rules := recordtest.Rules().Merge(dialpadLike)
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			out := redactor(rules).String(in)
			if strings.Contains(out, "SECRET") {
				t.Errorf("%s\n-> %s", in, out)
			}
			if json.Valid([]byte(in)) && !json.Valid([]byte(out)) {
				t.Errorf("redaction broke the JSON: %s", out)
			}
		})
	}
	if out := redactor(rules).String("Authorization: Bearer SECRET1"); !strings.HasPrefix(out, "Authorization: Bearer REDACTED-authorization-") {
		t.Errorf("the scheme was not kept: %s", out)
	}
}

// Text is never redacted because of a word in it: only values the
// protocol marks secret are.
func TestFreeTextIsLeftAlone(t *testing.T) {
	rules := recordtest.Rules().Merge(dialpadLike)
	for _, in := range []string{
		`{"body":{"subject":"Your login token: 123456 expires soon"}}`,
		`{"state":{"phase":"dropped","cause":"token: dial tcp 127.0.0.1:9: connect: connection refused"}}`,
		`{"data":"[{\"text\":\"the password is in the token=drawer, see /events/today\"}]"}`,
		`{"error":{"where":"token","message":"Authorization: refused by the server"}}`,
		`{"body":{"text":"my token is secret"}}`,
		`{"n":{"token":42,"password":null,"apikey":{"x":1}}}`,
	} {
		if out := redactor(rules).String(in); out != in {
			t.Errorf("ordinary text was changed:\n in %s\nout %s", in, out)
		}
	}
}

// A secret issued in one place is replaced wherever it comes back later,
// with the same placeholder, even where no rule would find it.
func TestAnIssuedSecretIsReplacedWhereverItComesBack(t *testing.T) {
	const token = "wS4cc3ssT0ken-9f8e7d6c5b4a3210"
	r := redactor(recordtest.Rules())
	first := r.String(`{"data":"{\"uri\":\"wss://h/ws\",\"ws_access_token\":\"` + token + `\",\"expires_in\":30}"}`)
	later := []string{
		`{"state":{"url":"wss://h/ws/` + token + `"}}`,
		`{"error":{"message":"server said: unknown session ` + token + `."}}`,
		`{"data":"GET /ws?x=` + token + `"}`,
	}
	ph := regexp.MustCompile(`REDACTED-ws_access_token-[0-9a-f]{12}`).FindString(first)
	if ph == "" {
		t.Fatalf("the issuing line was not redacted: %s", first)
	}
	for _, l := range later {
		out := r.String(l)
		if strings.Contains(out, token) || !strings.Contains(out, ph) {
			t.Errorf("the issued token came back unredacted or under another name:\n%s", out)
		}
	}
}

// Placeholders do not depend on how a value was escaped or on which
// Redactor of the process wrote them: the recording and the headless
// output of a session agree.
func TestThePlaceholderOfAValueIsTheSameEverywhere(t *testing.T) {
	a := redactor(record.Rules{}).String(`{"access_token":"a/b\"c-0123456789"}`)
	b := redactor(record.Rules{}).String(`{"data":"{\"access_token\":\"a/b\\\"c-0123456789\"}"}`)
	re := regexp.MustCompile(`REDACTED-access_token-[0-9a-f]{12}`)
	if pa, pb := re.FindString(a), re.FindString(b); pa == "" || pa != pb {
		t.Fatalf("placeholders differ: %q vs %q\n%s\n%s", pa, pb, a, b)
	}
	r := redactor(record.Rules{})
	once := r.String(`{"url":"wss://h/ws?access_token=abc&token=abc123"}`)
	if twice := r.String(once); twice != once {
		t.Errorf("redaction is not idempotent:\n%s\n%s", once, twice)
	}
}

// The memory of issued secrets is bounded, and a forgotten secret found
// again gets the placeholder it had.
func TestIssuedSecretsAreBoundedAndPlaceholdersStayStable(t *testing.T) {
	issued := record.NewIssued()
	r := record.NewRedactor(record.Rules{}, nil, issued)
	line := func(i int) string { return fmt.Sprintf(`{"access_token":"tok-%020d"}`, i) }
	first := r.String(line(0))
	for i := 1; i <= 3*record.MaxIssued; i++ {
		r.String(line(i))
	}
	if n := issued.Len(); n > record.MaxIssued {
		t.Fatalf("%d secrets remembered, want at most %d", n, record.MaxIssued)
	}
	if again := r.String(line(0)); again != first {
		t.Fatalf("a forgotten secret got another placeholder:\n%s\n%s", first, again)
	}
}

// Literal secrets (given on the command line) are replaced wherever
// they appear, even when short.
func TestLiteralSecretsAreReplacedAnywhere(t *testing.T) {
	r := record.NewRedactor(record.Rules{}, []string{"hunter2x", "cl13ntS3cr3tValue"}, nil)
	out := r.String(`{"message":"saw hunter2x and cl13ntS3cr3tValue here","data":"{\"p\":\"hunter2x\"}"}`)
	if strings.Contains(out, "hunter2x") || strings.Contains(out, "cl13ntS3cr3tValue") {
		t.Fatalf("literal secret kept: %s", out)
	}
	if !strings.Contains(strings.Join(r.Kinds(), ","), "secret") {
		t.Errorf("the header would not say literals were redacted: %v", r.Kinds())
	}
}

// hugeLine is the notification from the soak that stalled a session for
// 14 s: 3.5 MB holding 110,000 token-like pairs, inside a frame's data.
func hugeLine(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"kind":"recv","frame":{"op":"text","data":"[{\"items\":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{\"token\":\"t%08d-abcdefgh\",\"note\":\"a token=x%06d\"}`, i, i)
	}
	b.WriteString(`]}]"}}`)
	return b.Bytes()
}

// Every one of the 110,000 secrets in a 3.5 MB line is replaced; this
// test takes milliseconds because redaction is linear (the speed itself
// is BenchmarkRedactHugeLine's to measure).
func TestAHugeLineIsRedactedWhole(t *testing.T) {
	line := hugeLine(110000)
	out := redactor(record.Rules{}).Line(line)
	if n := bytes.Count(out, []byte("REDACTED-token-")); n != 110000 {
		t.Fatalf("%d of 110000 tokens replaced", n)
	}
	if bytes.Contains(out, []byte("-abcdefgh")) {
		t.Fatal("a token survived")
	}
}

// BenchmarkRedactHugeLine redacts the 3.5 MB line; its baseline is a copy
// of the line with one bytes.Index sweep, in the same run.
func BenchmarkRedactHugeLine(b *testing.B) {
	line := hugeLine(110000)
	b.Run("baseline-copy-and-scan", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		var out []byte
		for b.Loop() {
			out = append(out[:0], line...)
			_ = bytes.Index(out, []byte("never-there"))
		}
	})
	b.Run("redact", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		r := redactor(record.Rules{})
		for b.Loop() {
			r.Line(line)
		}
	})
}

// BenchmarkRedactFrame is one ordinary notification frame line, with a
// session's worth of secrets remembered.
func BenchmarkRedactFrame(b *testing.B) {
	updates := benchUpdates()
	var lines [][]byte
	var buf bytes.Buffer
	w := record.NewStream(&buf, record.Options{KeepSecrets: true})
	for _, u := range updates[:200] {
		buf.Reset()
		w.Write(u)
		lines = append(lines, bytes.Clone(buf.Bytes()))
	}
	r := record.NewRedactor(recordtest.Rules(), []string{recordtest.ClientSecret, recordtest.JWT}, nil)
	for _, l := range lines {
		r.Line(l)
	}
	b.ResetTimer()
	n := 0
	for b.Loop() {
		l := lines[n%len(lines)]
		b.SetBytes(int64(len(l)))
		r.Line(l)
		n++
	}
}

var placeholderRE = regexp.MustCompile(`REDACTED-[A-Za-z0-9_.~-]+-[0-9a-f]{12}`)

// FuzzRedactor: a secret issued under a secret field is never left in
// any later line, wherever the fuzzer puts it, and the redactor never
// panics on any input.
func FuzzRedactor(f *testing.F) {
	f.Add("tok3nValue-0123456789abcdef", `{"x":"%s"}`, `prefix %s suffix`)
	f.Add("a/b+c=d-0123456789abcdef", `{"data":"{\"uri\":\"%s\"}"}`, `wss://h/ws?access_token=%s&x=1`)
	f.Add("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", `{"u":"wss://h/events/%s"}`, `%s%s%s`)
	f.Add("quote\"slash\\x-0123456789", `%s`, `{"data":"[{\"m\":\"%s\"}]"}`)
	f.Fuzz(fuzzRedactorBody)
}

func fuzzRedactorBody(t *testing.T, secret, carrier1, carrier2 string) {
	{
		r := record.NewRedactor(recordtest.Rules().Merge(dialpadLike), nil, nil)
		// Arbitrary input never panics.
		r.String(carrier1)
		r.String(carrier2)
		if len(secret) < 16 || len(secret) > 256 || strings.Contains(secret, "REDACTED") || !isText(secret) {
			return
		}
		enc, _ := json.Marshal(secret)
		issuing := `{"kind":"recv","frame":{"op":"text","data":` + string(mustJSON(`{"access_token":`+string(enc)+`}`)) + `}}`
		if out := r.String(issuing); strings.Contains(out, strings.Trim(string(enc), `"`)) {
			t.Fatalf("the issuing line kept the secret: %s", out)
		}
		for _, carrier := range []string{carrier1, carrier2} {
			if !strings.Contains(carrier, "%s") {
				carrier += " %s"
			}
			line := strings.ReplaceAll(carrier, "%s", secret)
			out := placeholderRE.ReplaceAllString(r.String(line), "\x00")
			if strings.Contains(out, secret) {
				t.Fatalf("secret %q survived in\n%s\n->%s", secret, line, out)
			}
		}
	}
}

func mustJSON(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}

func isText(s string) bool {
	for _, c := range []byte(s) {
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}
