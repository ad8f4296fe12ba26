package run

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// The TUI shows a frame through the recorder's own rules: a REST answer
// that issues a token in a URL path and a signing secret (Dialpad's) shows
// neither, a literal credential given on the command line is hidden
// wherever it appears, and --no-redact shows them as they came.
func TestTheScreenHidesWhatARecordingWould(t *testing.T) {
	const token, secret, apiKey = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJlbmRwb2ludDoxOioifQ.c2ln", "shh-signing-secret", "dp-api-key-0123456789"
	body := `{"id":"1000","signature":{"algo":"HS256","secret":"` + secret + `","type":"jwt"},"websocket_url":"wss://h.example/events/` + token + `"}`
	answer, _ := json.Marshal(protocol.HTTPResponse{ID: 1, Method: "GET", URL: "https://h.example/api/v2/websockets/1000?apikey=" + apiKey, Status: 200, Body: body})
	o := record.Options{Secrets: []string{apiKey}, Issued: record.NewIssued(),
		Rules: record.Rules{Fields: map[string]string{"secret": "secret"}, PathTokens: []record.PathToken{{Prefix: "/events/", Kind: "url_token"}}}}
	shown := screenRedact(o)(string(answer))
	for _, s := range []string{token, secret, apiKey} {
		if strings.Contains(shown, s) {
			t.Errorf("the screen would show %q:\n%s", s, shown)
		}
	}
	if !strings.Contains(shown, `"status":200`) || !strings.Contains(shown, "wss://h.example/events/") {
		t.Errorf("redaction took more than the secrets:\n%s", shown)
	}
	o.KeepSecrets = true
	if screenRedact(o) != nil {
		t.Error("--no-redact still masks the screen")
	}
}

// The session masks what it publishes with the recorder's placeholders:
// a token it presents is named as the answer that issued it was, a
// literal credential as the recorder names it anywhere, and two values
// never alike.
func TestTheSessionMasksWithTheRecordersPlaceholders(t *testing.T) {
	const token, apiKey = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "dp-api-key-0123456789"
	o := record.Options{Secrets: []string{apiKey}, Issued: record.NewIssued()}
	ph := sessionPlaceholders(o)
	r := record.NewRedactor(o.Rules, o.Secrets, o.Issued)
	re := regexp.MustCompile(`REDACTED-[a-z_]+-[0-9a-f]{12}`)
	issued := re.FindString(r.String(`{"token":"` + token + `"}`))
	literal := re.FindString(r.String(`{"note":"` + apiKey + `"}`))
	if issued == "" || literal == "" {
		t.Fatal("the recorder named neither")
	}
	if got := ph("token", token); got != issued {
		t.Errorf("the token presented is %s, issued %s", got, issued)
	}
	if got := ph("authorization", apiKey); got != literal {
		t.Errorf("the key is %s in a request, %s elsewhere", got, literal)
	}
	if ph("password", "pw-one-0123456789") == ph("password", "pw-two-0123456789") {
		t.Error("two values, one placeholder")
	}
}
