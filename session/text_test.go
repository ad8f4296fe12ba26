package session

import (
	"strings"
	"testing"
)

// Rule: tokens in a URL never reach the screen; everything else is shown
// as dialled.
func TestMaskQueryHidesOnlySecrets(t *testing.T) {
	in := "ws://127.0.0.1:9/ws?access_token=SECRET1&wsc=SECRET2&x=keep"
	got := MaskQuery(in, "access_token", "wsc")
	if strings.Contains(got, "SECRET") || got != "ws://127.0.0.1:9/ws?access_token=***&wsc=***&x=keep" {
		t.Errorf("MaskQuery = %s", got)
	}
	if MaskQuery("ws://h/ws", "wsc") != "ws://h/ws" {
		t.Error("a URL without a query changed")
	}
	if got := MaskQuery("ws://h/ws?access%5Ftoken=S", "access_token"); strings.Contains(got, "=S") {
		t.Errorf("an escaped parameter name leaked its value: %s", got)
	}
}

// Rule: network text cannot move the cursor or change colours.
func TestSanitizeRemovesControlSequences(t *testing.T) {
	got := Sanitize("bad\x1b[31mred\x07\r\nline\u009b2J \u202egnp.exe\xff ok", 100)
	if strings.ContainsAny(got, "\x1b\x07\r\n\u009b\u202e\ufffd") {
		t.Errorf("control characters survived: %q", got)
	}
	if !strings.Contains(got, "red") || !strings.Contains(got, "ok") {
		t.Errorf("text lost: %q", got)
	}
	if got := Sanitize(strings.Repeat("é", 50), 11); len(got) > 11+len("…") || !strings.HasSuffix(got, "…") {
		t.Errorf("not cut on a rune boundary with a mark: %q", got)
	}
}

// Rule: a refusal shows the server's code and message whatever error
// shape it uses.
func TestRefusalTextReadsCommonShapes(t *testing.T) {
	cases := []struct{ body, code, msg string }{
		{`{"errorCode":"OAU-213","message":"Token is expired"}`, "OAU-213", "Token is expired"},
		{`{"error":"invalid_grant","error_description":"Invalid JWT token"}`, "invalid_grant", "Invalid JWT token"},
		{`{"error":{"status":"UNAUTHENTICATED","reason":"INVALID_CREDENTIALS","message":"bad token"}}`, "INVALID_CREDENTIALS", "bad token"},
		{"plain \x1b[2Jtext", "", "plain [2Jtext"},
	}
	for _, c := range cases {
		code, msg := RefusalText([]byte(c.body))
		if code != c.code || msg != c.msg {
			t.Errorf("RefusalText(%s) = %q, %q; want %q, %q", c.body, code, msg, c.code, c.msg)
		}
	}
}
