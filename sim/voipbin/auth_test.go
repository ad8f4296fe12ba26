package voipbin

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Login answers 200 {username, token} plus the token cookie, and a bare
// 400 with an empty body for every kind of failure (notes A0).
func TestLoginStatuses(t *testing.T) {
	s, base := startSim(t, Config{})
	cases := []struct {
		name, body string
		want       int
	}{
		{"admin", loginBody(DemoUsername, DemoPassword), 200},
		{"plain agent", loginBody(DemoAgentUsername, DemoPassword), 200},
		{"wrong password", loginBody(DemoUsername, "nope"), 400},
		{"unknown user", loginBody("who@evtap.example", DemoPassword), 400},
		{"missing password", `{"username":"` + DemoUsername + `"}`, 400},
		{"missing username", `{"password":"` + DemoPassword + `"}`, 400},
		{"empty strings", loginBody("", ""), 400},
		{"not JSON", `username=admin`, 400},
		{"empty body", ``, 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := postLogin(t, base, tc.body)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d (body %q)", resp.StatusCode, tc.want, body)
			}
			if tc.want == 400 {
				if len(body) != 0 || resp.Header.Get("Set-Cookie") != "" {
					t.Fatalf("a failed login must be a bare 400; got body %q, cookie %q", body, resp.Header.Get("Set-Cookie"))
				}
				return
			}
			var out struct{ Username, Token string }
			if err := json.Unmarshal(body, &out); err != nil || out.Token == "" {
				t.Fatalf("body %s: want {username, token}", body)
			}
			var user string
			_ = json.Unmarshal([]byte(tc.body), &struct{ Username *string }{&user})
			if out.Username != user {
				t.Fatalf("username %q, want %q", out.Username, user)
			}
			ck := resp.Cookies()
			if len(ck) != 1 || ck[0].Name != "token" || ck[0].Value != out.Token || ck[0].MaxAge != 604800 || ck[0].Path != "/" ||
				!ck[0].Secure || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteStrictMode {
				t.Fatalf("cookie %q: want token=<JWT>; Max-Age=604800; Path=/; Secure; HttpOnly; SameSite=Strict", resp.Header.Get("Set-Cookie"))
			}
		})
	}
	if c := s.Counters(); c.Logins != 2 || c.LoginsFailed != 7 {
		t.Fatalf("counters: %d logins, %d failed; want 2 and 7", c.Logins, c.LoginsFailed)
	}
}

// The token is an HS256 JWT with type agent, the agent claim and a string
// expire seven days ahead in VoIPBin's layout; there is no exp.
func TestLoginTokenClaims(t *testing.T) {
	now := time.Date(2026, 8, 22, 10, 0, 0, 0, time.UTC)
	_, base := startSim(t, Config{Now: func() time.Time { return now }})
	_, body := postLogin(t, base, loginBody(DemoAgentUsername, DemoPassword))
	var out struct{ Token string }
	_ = json.Unmarshal(body, &out)
	parts := strings.Split(out.Token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a JWT", out.Token)
	}
	hdr, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if !strings.Contains(string(hdr), `"alg":"HS256"`) {
		t.Fatalf("header %s: want HS256", hdr)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	if claims["type"] != "agent" || claims["expire"] != "2026-08-29T10:00:00.000000Z" {
		t.Fatalf("claims %s: want type agent, expire 2026-08-29T10:00:00.000000Z", raw)
	}
	if _, ok := claims["exp"]; ok {
		t.Fatalf("claims %s: VoIPBin tokens carry no exp", raw)
	}
	agent, _ := claims["agent"].(map[string]any)
	if agent["id"] != DemoAgentID || agent["customer_id"] != DemoCustomerID || agent["permission"] != float64(PermCustomerAgent) ||
		agent["username"] != DemoAgentUsername {
		t.Fatalf("agent claim %v", agent)
	}
	for _, k := range []string{"name", "detail", "ring_method", "status", "tag_ids", "addresses", "direct_id", "direct_hash", "tm_create"} {
		if _, ok := agent[k]; !ok {
			t.Errorf("agent claim lacks %s", k)
		}
	}
	if _, ok := agent["password_hash"]; ok {
		t.Errorf("agent claim carries the password hash")
	}
}

// A refused upgrade is HTTP 401 with VoIPBin's error envelope, and no
// upgrade.
func TestUpgradeRefusedWithEnvelope(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 8, 22, 10, 0, 0, 0, time.UTC)}
	s, base := startSim(t, Config{Now: clock.Now})
	expired, _ := s.MintToken(TokenRequest{AgentID: DemoAdminAgentID, Expire: "2026-08-22T09:59:59.000000Z"})
	forged := SignJWT("another-key", Claims{Type: "agent", Agent: json.RawMessage(`{"id":"` + DemoAdminAgentID + `"}`), Expire: "2099-01-01T00:00:00.000000Z"})
	noExpire := SignJWT(DemoSigningKey, Claims{Type: "agent", Agent: json.RawMessage(`{"id":"` + DemoAdminAgentID + `","customer_id":"` + DemoCustomerID + `","permission":32}`)})
	undelegated := SignJWT(DemoSigningKey, Claims{Type: "delegate", Expire: "2099-01-01T00:00:00.000000Z"})
	cases := []struct {
		name, path string
		h          http.Header
		reason     string
	}{
		{"no credential", PathWS, nil, "AUTHENTICATION_REQUIRED"},
		{"empty token", PathWS + "?token=", nil, "AUTHENTICATION_REQUIRED"},
		{"garbage token", PathWS + "?token=abc", nil, "INVALID_CREDENTIALS"},
		{"wrong signing key", PathWS + "?token=" + forged, nil, "INVALID_CREDENTIALS"},
		{"expired", PathWS + "?token=" + expired, nil, "INVALID_CREDENTIALS"},
		{"no expire claim", PathWS + "?token=" + noExpire, nil, "INVALID_CREDENTIALS"},
		{"delegate without aud", PathWS + "?token=" + undelegated, nil, "INVALID_CREDENTIALS"},
		// The docs say an access key works as ?token=; the source parses
		// ?token= as a JWT only.
		{"access key as ?token=", PathWS + "?token=" + DemoAccessKey, nil, "INVALID_CREDENTIALS"},
		{"wrong access key", PathWS + "?accesskey=vb_wrong", nil, "INVALID_CREDENTIALS"},
		{"bad Bearer", PathWS, http.Header{"Authorization": {"Bearer abc"}}, "INVALID_CREDENTIALS"},
		{"service_agents too", PathServiceAgent, nil, "AUTHENTICATION_REQUIRED"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws, resp, err := dial(t, base, tc.path, tc.h)
			if err == nil {
				ws.Close()
				t.Fatal("upgraded; want 401")
			}
			if resp == nil || resp.StatusCode != 401 || resp.Header.Get("Upgrade") != "" {
				t.Fatalf("%v (%s): want 401 and no upgrade", err, status(resp))
			}
			var env map[string]map[string]string
			if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
				t.Fatalf("body: %v", err)
			}
			e := env["error"]
			if len(env) != 1 || len(e) != 4 || e["status"] != "UNAUTHENTICATED" || e["reason"] != tc.reason || e["message"] == "" || e["request_id"] == "" {
				t.Fatalf("envelope %v: want {error:{status:UNAUTHENTICATED, reason:%s, message, request_id}}", env, tc.reason)
			}
		})
	}
	if c := s.Counters(); c.Refused != len(cases) || c.Connections != 0 {
		t.Fatalf("counters: refused %d, connections %d", c.Refused, c.Connections)
	}
}

// The credential is read in VoIPBin's order — cookie token, ?token=,
// Bearer, access key — and the first one present decides.
func TestAuthenticationOrder(t *testing.T) {
	s, base := startSim(t, Config{})
	good := s.AdminToken()
	cookie := func(kv string) http.Header { return http.Header{"Cookie": {kv}} }
	cases := []struct {
		name, path string
		h          http.Header
		want       int
	}{
		{"cookie token", PathWS, cookie("token=" + good), 101},
		{"?token=", PathWS + "?token=" + good, nil, 101},
		{"Bearer", PathWS, http.Header{"Authorization": {"Bearer " + good}}, 101},
		{"?accesskey=", PathWS + "?accesskey=" + DemoAccessKey, nil, 101},
		{"accesskey cookie", PathWS, cookie("accesskey=" + DemoAccessKey), 101},
		{"bad cookie token wins over a good ?token=", PathWS + "?token=" + good, cookie("token=bad"), 401},
		{"good cookie token wins over a bad ?token=", PathWS + "?token=bad", cookie("token=" + good), 101},
		{"bad ?token= wins over a good access key", PathWS + "?token=bad&accesskey=" + DemoAccessKey, nil, 401},
		{"bad Bearer wins over a good access key", PathWS + "?accesskey=" + DemoAccessKey, http.Header{"Authorization": {"Bearer bad"}}, 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws, resp, err := dial(t, base, tc.path, tc.h)
			if resp == nil || resp.StatusCode != tc.want {
				t.Fatalf("%v (%s): want %d", err, status(resp), tc.want)
			}
			if ws != nil {
				ws.Close()
			}
		})
	}
}

// A delegate token authenticates but may not open the socket: 200, no
// upgrade.
func TestDelegateGetsNoUpgrade(t *testing.T) {
	s, base := startSim(t, Config{})
	tok, err := s.MintToken(TokenRequest{Type: "delegate"})
	if err != nil {
		t.Fatal(err)
	}
	_, resp, err := dial(t, base, PathWS+"?token="+tok, nil)
	if err == nil || resp == nil || resp.StatusCode != 200 {
		t.Fatalf("%v (%s): want 200 and no upgrade", err, status(resp))
	}
}

// The upgrade accepts any Origin and chooses no subprotocol even when the
// client offers some; the server sends nothing on connect.
func TestUpgradeAnyOriginNoSubprotocol(t *testing.T) {
	s, base := startSim(t, Config{})
	h := http.Header{"Origin": {"https://somewhere.example"}, "Sec-WebSocket-Protocol": {"voipbin, json"}}
	ws, resp, err := dial(t, base, PathServiceAgent+"?accesskey="+DemoAccessKey, h)
	if err != nil {
		t.Fatalf("dial: %v (%s)", err, status(resp))
	}
	if p := resp.Header.Get("Sec-WebSocket-Protocol"); p != "" || ws.Subprotocol() != "" {
		t.Fatalf("subprotocol %q chosen; VoIPBin uses none", p)
	}
	send(t, ws, "subscribe", custTopic+":call:call_created")
	// The first frame is the flush marker: nothing came before it.
	if got := flush(t, s, ws, custTopic); len(got) != 0 {
		t.Fatalf("the server sent %q before anything was published", got)
	}
}

// The socket outlives its token: expiry is checked only at the upgrade.
func TestSocketOutlivesToken(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 8, 22, 10, 0, 0, 0, time.UTC)}
	s, base := startSim(t, Config{Now: clock.Now, TokenTTL: time.Hour})
	tok := s.AdminToken()
	ws := mustDial(t, base, tok)
	send(t, ws, "subscribe", custTopic+":call:call_hangup")
	flush(t, s, ws, custTopic)
	clock.Add(2 * time.Hour)
	inject(t, s, "call_hangup", callJSON("0b5a1f0e-7c3d-4e2a-9f1b-000000000001", ""))
	if got := flush(t, s, ws, custTopic); len(got) != 1 {
		t.Fatalf("after expiry the open socket got %d frames, want 1", len(got))
	}
	if _, resp, err := dial(t, base, PathWS+"?token="+tok, nil); err == nil || resp.StatusCode != 401 {
		t.Fatalf("a new connection with the expired token: %v (%s), want 401", err, status(resp))
	}
}

// The expire claim is compared as a string: VoIPBin's, and so evtap's,
// token with a non-date expire never expires.
func TestExpireComparedAsString(t *testing.T) {
	s, base := startSim(t, Config{})
	tok, _ := s.MintToken(TokenRequest{AgentID: DemoAdminAgentID, Expire: "never"})
	ws, resp, err := dial(t, base, PathWS+"?token="+tok, nil)
	if err != nil {
		t.Fatalf("%v (%s): \"never\" > \"2026-…\" as strings, so the token is valid", err, status(resp))
	}
	ws.Close()
}

// Refuse-next-login fails exactly one login.
func TestRefuseNextLogin(t *testing.T) {
	s, base := startSim(t, Config{})
	s.RefuseNextLogin()
	for i, want := range []int{400, 200} {
		if resp, _ := postLogin(t, base, loginBody(DemoUsername, DemoPassword)); resp.StatusCode != want {
			t.Fatalf("login %d: %d, want %d", i+1, resp.StatusCode, want)
		}
	}
}

// Flags can replace the demo credentials.
func TestConfiguredCredentials(t *testing.T) {
	s, base := startSim(t, Config{Username: "ops@example.com", Password: "s3cret-pass", AccessKey: "vb_mine"})
	if resp, _ := postLogin(t, base, loginBody("ops@example.com", "s3cret-pass")); resp.StatusCode != 200 {
		t.Fatalf("configured login: %d", resp.StatusCode)
	}
	if resp, _ := postLogin(t, base, loginBody(DemoUsername, DemoPassword)); resp.StatusCode != 400 {
		t.Fatalf("demo login still works: %d", resp.StatusCode)
	}
	if _, resp, err := dial(t, base, PathWS+"?accesskey=vb_mine", nil); err != nil {
		t.Fatalf("configured access key: %v (%s)", err, status(resp))
	}
	if _, resp, _ := dial(t, base, PathWS+"?accesskey="+DemoAccessKey, nil); resp == nil || resp.StatusCode != 401 {
		t.Fatalf("demo access key still works: %s", status(resp))
	}
	b := s.Banner()
	if strings.Contains(b, "s3cret-pass") || strings.Contains(b, "vb_mine") {
		t.Fatalf("banner shows a credential the user gave:\n%s", b)
	}
}

// The banner names everything a user needs, and its tokens work.
func TestBannerTokensWork(t *testing.T) {
	s, base := startSim(t, Config{})
	b := s.Banner()
	for _, want := range []string{DemoCustomerID, DemoUsername, DemoPassword, DemoAgentUsername, DemoAccessKey, DemoSigningKey, PathLogin, PathWS, ControlPrefix} {
		if !strings.Contains(b, want) {
			t.Errorf("banner lacks %q:\n%s", want, b)
		}
	}
	for _, name := range []string{"admin token", "agent token"} {
		m := regexp.MustCompile(name + `:\s+(\S+)`).FindStringSubmatch(b)
		if m == nil {
			t.Fatalf("banner lacks the %s", name)
		}
		ws, resp, err := dial(t, base, PathWS+"?token="+m[1], nil)
		if err != nil {
			t.Fatalf("%s: %v (%s)", name, err, status(resp))
		}
		ws.Close()
	}
}
