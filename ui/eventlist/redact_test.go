package eventlist

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// A REST answer that issues a secret (Dialpad's websocket_url carries a
// token in its path, its websocket a signing secret) is shown, in the
// list and in the detail view, through the provider's redaction; without
// one (--no-redact) it is shown as it came.
func TestFrameTextIsShownThroughTheProvidersRedaction(t *testing.T) {
	const token, secret = "eyJhbGciOiJIUzI1NiJ9.payload.sig", "shh-signing-secret"
	body := `{"id":"1000","signature":{"secret":"` + secret + `"},"websocket_url":"wss://h.example/events/` + token + `"}`
	answer, _ := json.Marshal(protocol.HTTPResponse{ID: 1, Method: "GET", URL: "https://h.example/api/v2/websockets/1000", Status: 200, Body: body})
	u := protocol.Update{Time: time.Unix(1700000000, 0), Kind: protocol.KindRecv, Conn: 1,
		Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(answer), Size: len(body)}}
	sent := `{"type":"auth","secret":"` + secret + `"}`
	typed := protocol.Update{Time: time.Unix(1700000001, 0), Kind: protocol.KindSent, Conn: 1,
		Frame: &protocol.Frame{Op: protocol.OpText, Data: sent, Size: len(sent)}}
	redact := func(s string) string {
		return strings.NewReplacer(token, "REDACTED-url_token-1", secret, "REDACTED-secret-1").Replace(s)
	}

	d := NewDetail(Styles{})
	d.SetSize(120, 30)
	d.SetRedact(redact)
	d.Show(&u)
	if v := d.View(); strings.Contains(v, token) || strings.Contains(v, secret) {
		t.Errorf("the detail view shows the secrets:\n%s", v)
	}
	if p := string(d.pretty); strings.Contains(p, secret) || !strings.Contains(p, "REDACTED-url_token-1") {
		t.Errorf("y would copy %s", p)
	}

	s := NewStore(10)
	s.Add(typed)
	l := NewList(s, Styles{})
	l.SetSize(200, 5)
	l.SetRedact(redact)
	l.Sync()
	if v := l.View(); strings.Contains(v, secret) || !strings.Contains(v, "REDACTED-secret-1") {
		t.Errorf("the list row shows the secret:\n%s", v)
	}

	plain := NewDetail(Styles{})
	plain.SetSize(120, 30)
	plain.Show(&u)
	if !strings.Contains(plain.View(), secret) {
		t.Error("with no redaction (--no-redact) the frame is not shown as it came")
	}
}
