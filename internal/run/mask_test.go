package run

import (
	"encoding/json"
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
