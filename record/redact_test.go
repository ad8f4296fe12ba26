package record_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/evtap/evtap/protocol"
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

// BenchmarkRedactFrame redacts the lines of an ordinary session (frames,
// events, states), with a session's worth of secrets remembered. Its
// baseline, in the same run, looks at every byte of each line once with
// bytes.IndexByte (for a byte no line holds): the least a pass over the
// line costs.
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
	size := 0
	for _, l := range lines {
		size += len(l)
	}
	size /= len(lines) // a line's average length
	b.Run("baseline-scan", func(b *testing.B) {
		b.SetBytes(int64(size))
		n := 0
		for b.Loop() {
			_ = bytes.IndexByte(lines[n%len(lines)], 0)
			n++
		}
	})
	b.Run("redact", func(b *testing.B) {
		b.SetBytes(int64(size))
		r := record.NewRedactor(recordtest.Rules(), []string{recordtest.ClientSecret, recordtest.JWT}, nil)
		for _, l := range lines {
			r.Line(l)
		}
		n := 0
		for b.Loop() {
			r.Line(lines[n%len(lines)])
			n++
		}
	})
}

// notificationLines are the two lines headless output writes for one
// RingCentral notification (the benchmark source's, go run ./bench):
// its frame and its event.
var notificationLines = [][]byte{
	[]byte(`{"t":"2026-11-29T23:02:39.810747645Z","off":0.003582,"kind":"recv","conn":1,"frame":{"op":"text","data":"[{\"type\":\"ServerNotification\",\"messageId\":\"2661273919712564940\",\"status\":200,\"wsc\":{\"token\":\"wsc-bench-1\",\"sequence\":2}},{\"uuid\":\"2661273919712564940\",\"event\":\"/restapi/v1.0/account/37439510/extension/1834890001/message-store/instant?type=SMS\",\"timestamp\":\"2026-11-29T23:02:39.291Z\",\"subscriptionId\":\"2db5fcc4-7a44-4e0a-8e1a-000000000001\",\"body\":{\"id\":\"9712564940\",\"type\":\"SMS\",\"direction\":\"Inbound\",\"subject\":\"hello #1\"}}]","size":423,"type":"ServerNotification"}}`),
	[]byte(`{"t":"2026-11-29T23:02:39.810747645Z","off":0.003582,"kind":"event","conn":1,"event":{"provider":"ringcentral","id":"2661273919712564940","name":"/restapi/v1.0/account/37439510/extension/1834890001/message-store/instant?type=SMS","label":"SMS in","summary":"\"hello #1\"","seq":2,"subscription_id":"2db5fcc4-7a44-4e0a-8e1a-000000000001","ts":"2026-11-29T23:02:39.291Z","body":{"uuid":"2661273919712564940","event":"/restapi/v1.0/account/37439510/extension/1834890001/message-store/instant?type=SMS","timestamp":"2026-11-29T23:02:39.291Z","subscriptionId":"2db5fcc4-7a44-4e0a-8e1a-000000000001","body":{"id":"9712564940","type":"SMS","direction":"Inbound","subject":"hello #1"}}}}`),
}

// BenchmarkRedactNotification redacts the lines of one notification,
// with the secrets of a session remembered; its baseline, in the same
// run, is one bytes.IndexByte sweep of them.
func BenchmarkRedactNotification(b *testing.B) {
	size := len(notificationLines[0]) + len(notificationLines[1])
	b.Run("baseline-scan", func(b *testing.B) {
		b.SetBytes(int64(size))
		for b.Loop() {
			for _, l := range notificationLines {
				_ = bytes.IndexByte(l, 0)
			}
		}
	})
	b.Run("redact", func(b *testing.B) {
		b.SetBytes(int64(size))
		r := record.NewRedactor(recordtest.Rules(), []string{recordtest.ClientSecret, recordtest.JWT}, nil)
		for _, u := range benchUpdates()[:200] { // a session's secrets, to hunt for
			line, _ := protocol.AppendUpdate(nil, u)
			r.Line(line)
		}
		for b.Loop() {
			for _, l := range notificationLines {
				r.Line(l)
			}
		}
	})
}

var placeholderRE = regexp.MustCompile(`REDACTED-[A-Za-z0-9_.~-]+-[0-9a-f]{12}`)

// FuzzRedactor: a secret issued under a secret field is never left in
// any later line, wherever the fuzzer puts it; each issued secret keeps
// exactly one placeholder wherever it is presented again, and two
// secrets never share one; and the redactor never panics on any input.
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
	onePlaceholderEach(t, secret)
}

// presented are the shapes in which a client presents an issued secret
// again (%[1]s the first, %[2]s the second), as the judge's servers saw
// them: the URL dialled, a bearer header, a URL path token, a key in a
// poll URL's path, a form body, an error message; and beside them a value
// masked already ("***"), which stays as it is.
var presented = []string{
	`{"kind":"state","state":{"phase":"dialing","url":"ws://127.0.0.1:9/v1.0/ws?token=%[1]s"}}`,
	`{"kind":"sent","frame":{"op":"http","data":"{\"id\":2,\"method\":\"GET\",\"url\":\"http://127.0.0.1:9/v2/subscribe/%[2]s/c/0\",\"header\":{\"Authorization\":\"Bearer %[1]s\",\"Cookie\":\"***\"}}"}}`,
	`{"kind":"state","state":{"phase":"dialing","url":"wss://127.0.0.1:9/events/%[1]s"},"context":[{"label":"x","value":"%[2]s"}]}`,
	`{"kind":"sent","frame":{"op":"http","data":"{\"id\":3,\"body\":\"grant_type=refresh_token\u0026refresh_token=%[2]s\u0026x=%[1]s\"}"}}`,
	`{"kind":"error","error":{"message":"server said: unknown session %[1]s (not %[2]s)."}}`,
}

// onePlaceholderEach issues two distinct secrets made from the fuzzer's
// (each in a different field) and checks every presented shape comes out
// exactly as it went in with each secret's own placeholder in its place.
func onePlaceholderEach(t *testing.T, seed string) {
	a := tokenish(seed)
	if len(a) < 16 || len(a) > 256 || strings.Contains(a, "REDACTED") {
		return
	}
	b := rotate(a) // as long as a, every byte different: neither holds the other
	for _, shape := range presented {
		if strings.Contains(shape, a) || strings.Contains(shape, b) {
			return
		}
	}
	r := record.NewRedactor(recordtest.Rules().Merge(dialpadLike), nil, nil)
	issue := func(field, v string) string {
		line := r.String(`{"kind":"recv","frame":{"op":"http","data":"{\"id\":1,\"status\":200,\"body\":\"{\\\"` + field + `\\\":\\\"` + v + `\\\"}\"}"}}`)
		ps := placeholderRE.FindAllString(line, -1)
		if len(ps) != 1 || strings.Contains(line, v) {
			t.Fatalf("issuing %s: %s", field, line)
		}
		return ps[0]
	}
	pa, pb := issue("access_token", a), issue("ws_access_token", b)
	if pa == pb {
		t.Fatalf("two secrets, one placeholder %s:\n%s\n%s", pa, a, b)
	}
	if again := issue("token", a); again != pa {
		t.Fatalf("one secret, two placeholders: %s and %s", pa, again)
	}
	for _, shape := range presented {
		got := r.String(fmt.Sprintf(shape, a, b))
		if want := fmt.Sprintf(shape, pa, pb); got != want {
			t.Fatalf("presented again:\n got %s\nwant %s", got, want)
		}
	}
}

// tokenish keeps the bytes of s a token is made of, as most are.
func tokenish(s string) string {
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			return c
		}
		return -1
	}, s)
}

// rotate changes every byte of a token to another token byte.
func rotate(s string) string {
	return strings.Map(func(c rune) rune {
		switch {
		case c == 'z', c == 'Z':
			return c - 25
		case c == '9':
			return '0'
		case c == '-':
			return '_'
		case c == '_':
			return '-'
		case c == '.':
			return '~'
		case c == '~':
			return '.'
		}
		return c + 1
	}, s)
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
