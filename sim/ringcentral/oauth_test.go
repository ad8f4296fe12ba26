package ringcentral

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestJWTGrantIssuesBearerTokenAndWSTokenForLowercaseScheme(t *testing.T) {
	_, base := startSim(t, Config{})
	tr := login(t, base)
	if tr.TokenType != "bearer" || tr.ExpiresIn <= 60 || tr.AccessToken == "" || tr.RefreshToken == "" || tr.OwnerID != DemoExtensionID {
		t.Fatalf("token response %+v", tr)
	}
	code, wt := getWSToken(t, base, tr.AccessToken)
	if code != 200 {
		t.Fatalf("wstoken status %d", code)
	}
	if !strings.HasPrefix(wt.URI, "ws://127.0.0.1:") || !strings.HasSuffix(wt.URI, "/ws") || wt.ExpiresIn != 600 {
		t.Fatalf("wstoken %+v", wt)
	}
	if _, err := socketURL(wt.URI, wt.WSAccessToken, ""); err != nil || url.QueryEscape(wt.WSAccessToken) != wt.WSAccessToken {
		t.Fatalf("ws token %q is not URL-safe", wt.WSAccessToken)
	}
}

func TestTokenGrantsAndRefusals(t *testing.T) {
	_, base := startSim(t, Config{})
	bodyID := jwtGrant(DemoJWT)
	bodyID.Set("client_id", DemoClientID)
	refresh := login(t, base).RefreshToken
	cases := []struct {
		name      string
		form      url.Values
		basic     bool
		status    int
		wantError string
	}{
		{"client_id in body, no secret", bodyID, false, 200, ""},
		{"password grant with extension", passwordGrant(DemoUsername+"*101", DemoPassword), true, 200, ""},
		{"refresh grant", refreshGrant(refresh), true, 200, ""},
		{"refresh token used twice", refreshGrant(refresh), true, 400, "invalid_grant"},
		{"wrong jwt", jwtGrant("eyJ.bad.jwt"), true, 400, "invalid_grant"},
		{"wrong password", passwordGrant(DemoUsername, "nope"), true, 400, "invalid_grant"},
		{"no client", jwtGrant(DemoJWT), false, 401, "invalid_client"},
		{"unknown grant", url.Values{"grant_type": {"client_credentials"}}, true, 400, "unsupported_grant_type"},
	}
	for _, tc := range cases {
		resp, b := postForm(t, base, tc.form, tc.basic)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", tc.name, resp.StatusCode, tc.status, b)
			continue
		}
		if tc.wantError != "" {
			var e oauthErrorBody
			if err := json.Unmarshal(b, &e); err != nil || e.Error != tc.wantError || e.ErrorDescription == "" || e.ErrorCode == "" {
				t.Errorf("%s: error body %s, want error %q", tc.name, b, tc.wantError)
			}
		}
	}
	if code, _ := getWSToken(t, base, "not-a-token"); code != 401 {
		t.Errorf("wstoken with unknown bearer: %d, want 401", code)
	}
}

func TestWSTokenIsReusableByDefault(t *testing.T) {
	_, base := startSim(t, Config{})
	_, wt, _ := connect(t, base)
	c2, resp, err := dialWS(t, wt, "")
	if err != nil {
		t.Fatalf("reusing the ws token within its lifetime: %v %v", err, resp)
	}
	c2.readType(typeConnectionDetails)
}

func TestStrictTokensRefuseReuseWith401(t *testing.T) {
	_, base := startSim(t, Config{StrictTokens: true})
	_, wt, _ := connect(t, base)
	_, resp, err := dialWS(t, wt, "")
	if err == nil || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("second use in strict mode: err %v resp %v, want HTTP 401", err, resp)
	}
}

func TestExpiredWSTokenIsRefused(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := &fakeClock{t: now}
	s, base := startSim(t, Config{Now: clock.Now})
	tr := login(t, base)
	_, wt := getWSToken(t, base, tr.AccessToken)
	clock.Add(DefaultWSTokenTTL + time.Second)
	_, resp, err := dialWS(t, wt, "")
	if err == nil || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("expired ws token: err %v resp %v, want HTTP 401", err, resp)
	}
	if got := s.Counters().Refused; got != 1 {
		t.Fatalf("refused counter %d, want 1", got)
	}
}

func TestRefuseNextTokenFailsOnlyOnce(t *testing.T) {
	s, base := startSim(t, Config{})
	tr := login(t, base)
	s.RefuseNextToken()
	if code, _ := getWSToken(t, base, tr.AccessToken); code != 503 {
		t.Fatalf("refused wstoken: %d, want 503", code)
	}
	if code, _ := getWSToken(t, base, tr.AccessToken); code != 200 {
		t.Fatalf("next wstoken: %d, want 200", code)
	}
}

func TestRequestedAccessTokenTTLIsHonoured(t *testing.T) {
	_, base := startSim(t, Config{})
	form := jwtGrant(DemoJWT)
	form.Set("access_token_ttl", "30")
	resp, b := postForm(t, base, form, true)
	var tr tokenResponse
	if resp.StatusCode != 200 || json.Unmarshal(b, &tr) != nil || tr.ExpiresIn != 30 {
		t.Fatalf("access_token_ttl=30: %d %s", resp.StatusCode, b)
	}
}

func TestExtensionInfoNeedsAValidBearer(t *testing.T) {
	_, base := startSim(t, Config{})
	tr := login(t, base)
	get := func(path, token string) int {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get("/restapi/v1.0/account/~/extension/~", tr.AccessToken); code != 200 {
		t.Fatalf("with token: %d", code)
	}
	if code := get("/restapi/v1.0/account/~/extension/~", ""); code != 401 {
		t.Fatalf("without token: %d", code)
	}
	if code := get("/restapi/v1.0/account/~/extension/999", tr.AccessToken); code != 404 {
		t.Fatalf("other extension: %d", code)
	}
}
