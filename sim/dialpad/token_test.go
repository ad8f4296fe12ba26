package dialpad

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// A websocket's URL carries a JWT typed vnd.dialpad.websocket+jwt,
// signed HS256 with the emulator's key, whose sub covers the whole
// websocket and whose exp is an hour after iat.
func TestWebsocketURLTokenClaims(t *testing.T) {
	clk := newClock()
	s, base := startSim(t, Config{Now: clk.now})
	w := createWebsocket(t, base, "")
	if !strings.HasPrefix(w.WebsocketURL, "ws"+strings.TrimPrefix(base, "http")+"/events/") {
		t.Fatalf("websocket_url %q is not on this server's /events/", w.WebsocketURL)
	}
	tok := tokenOf(t, w.WebsocketURL)
	h, c := decodeJWT(t, tok)
	if h["alg"] != "HS256" || h["typ"] != "vnd.dialpad.websocket+jwt" {
		t.Errorf("header = %v", h)
	}
	if _, ok := verifyJWS(tok, s.key); !ok {
		t.Error("the token does not verify with the emulator's key")
	}
	if c["iss"] != base {
		t.Errorf("iss = %v, want %s", c["iss"], base)
	}
	if c["sub"] != "endpoint:"+w.ID+":*" {
		t.Errorf("sub = %v, want endpoint:%s:*", c["sub"], w.ID)
	}
	iat, exp := c["iat"].(float64), c["exp"].(float64)
	if int64(iat) != clk.now().Unix() || exp-iat != 3600 {
		t.Errorf("iat %v exp %v: want iat now (%d) and exp one hour later", iat, exp, clk.now().Unix())
	}
}

// A subscription's websocket object carries a URL scoped to that one
// subscription: endpoint:<websocket>:<type>:<subscription>.
func TestSubscriptionURLIsScoped(t *testing.T) {
	_, base := startSim(t, Config{})
	w := createWebsocket(t, base, "")
	sub := createSub(t, base, "sms", map[string]any{"endpoint_id": w.ID, "direction": "all"})
	if sub.Websocket == nil || sub.Websocket.ID != w.ID {
		t.Fatalf("websocket object = %+v, want id %s", sub.Websocket, w.ID)
	}
	_, c := decodeJWT(t, tokenOf(t, sub.Websocket.WebsocketURL))
	if want := "endpoint:" + w.ID + ":sms:" + sub.ID; c["sub"] != want {
		t.Errorf("sub = %v, want %s", c["sub"], want)
	}
}

// Every GET mints a new URL, even within the same second (the docs:
// "To refresh the token, make a GET request").
func TestGetMintsFreshURL(t *testing.T) {
	clk := newClock() // frozen: every token has the same iat
	_, base := startSim(t, Config{Now: clk.now})
	w := createWebsocket(t, base, "")
	seen := map[string]bool{w.WebsocketURL: true}
	for i := 0; i < 3; i++ {
		var got wsJSON
		r := call(t, base, "GET", "/api/v2/websockets/"+w.ID, nil)
		mustOK(t, r)
		r.decode(t, &got)
		if seen[got.WebsocketURL] {
			t.Fatalf("GET %d handed out a URL already issued", i)
		}
		seen[got.WebsocketURL] = true
	}
	sub := createSub(t, base, "call", map[string]any{"endpoint_id": w.ID})
	var again subJSON
	r := call(t, base, "GET", "/api/v2/subscriptions/call/"+sub.ID, nil)
	mustOK(t, r)
	r.decode(t, &again)
	if again.Websocket.WebsocketURL == sub.Websocket.WebsocketURL {
		t.Error("GET of a subscription handed out its old URL")
	}
}

// The lifetime is configurable for demos and tests; JWT times are whole
// seconds.
func TestTokenLifetimeConfig(t *testing.T) {
	_, base := startSim(t, Config{TokenLifetime: 10 * time.Second})
	_, c := decodeJWT(t, tokenOf(t, createWebsocket(t, base, "").WebsocketURL))
	if d := c["exp"].(float64) - c["iat"].(float64); d != 10 {
		t.Errorf("exp - iat = %v, want 10", d)
	}
}

// Tokens that are expired, forged, malformed or whose websocket or
// subscription is gone are refused at the handshake with the configured
// status and the JSON error body.
func TestHandshakeRefusesBadTokens(t *testing.T) {
	clk := newClock()
	_, base := startSim(t, Config{Now: clk.now, TokenLifetime: 10 * time.Second})
	w := createWebsocket(t, base, "")
	gone := createWebsocket(t, base, "")
	mustOK(t, call(t, base, "DELETE", "/api/v2/websockets/"+gone.ID, nil))
	sub := createSub(t, base, "call", map[string]any{"endpoint_id": w.ID})
	mustOK(t, call(t, base, "DELETE", "/api/v2/subscriptions/call/"+sub.ID, nil))
	tok := tokenOf(t, w.WebsocketURL)
	parts := strings.Split(tok, ".")
	forged := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))
	prefix := strings.TrimSuffix(w.WebsocketURL, tok)

	cases := map[string]string{
		"forged signature":     prefix + forged,
		"not a JWT":            prefix + "hello",
		"deleted websocket":    gone.WebsocketURL,
		"deleted subscription": sub.Websocket.WebsocketURL,
	}
	for name, url := range cases {
		t.Run(name, func(t *testing.T) { refused(t, url, http.StatusUnauthorized) })
	}
	t.Run("expired", func(t *testing.T) {
		c := dial(t, w.WebsocketURL) // still valid
		c.ws.Close()
		clk.advance(10 * time.Second)
		refused(t, w.WebsocketURL, http.StatusUnauthorized)
	})
}

func TestHandshakeRefusalStatusIsConfigurable(t *testing.T) {
	_, base := startSim(t, Config{RefuseStatus: http.StatusForbidden})
	w := createWebsocket(t, base, "")
	refused(t, strings.TrimSuffix(w.WebsocketURL, tokenOf(t, w.WebsocketURL))+"x.y.z", http.StatusForbidden)
}

func refused(t *testing.T, url string, status int) {
	t.Helper()
	_, resp, err := websocket.DefaultDialer.Dial(url, nil)
	if err == nil {
		t.Fatal("the handshake succeeded")
	}
	if resp == nil || resp.StatusCode != status {
		t.Fatalf("want HTTP %d, got %v (%v)", status, resp, err)
	}
	defer resp.Body.Close()
	var b errorBody
	if err := jsonDecode(resp.Body, &b); err != nil || b.Error.Code != status || b.Error.Message == "" {
		t.Errorf("refusal body is not the error envelope: %v %+v", err, b)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, bad := range []Config{{CloseAt: "never"}, {ExpiryClose: "slam"}, {RefuseStatus: 200}, {Rate: -1}} {
		if bad.Validate() == nil {
			t.Errorf("%+v passed Validate", bad)
		}
	}
	if err := (Config{CloseAt: AfterLifetime, ExpiryClose: CloseClean, RefuseStatus: 403}).Validate(); err != nil {
		t.Error(err)
	}
}
