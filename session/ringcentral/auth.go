package ringcentral

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/session"
)

// tokenMargin: a token counts as expired this long before it does, as
// the JS SDK's Auth does.
const tokenMargin = 60 * time.Second

// Auth is a RingCentral OAuth access token got with the JWT grant
// through the engine's REST helper and kept until a minute before it
// expires. Both transports log in with it: the WebSocket one here, and
// REST subscriptions over PubNub (session/pubnub). It is safe for
// concurrent use.
type Auth struct {
	// Server is the REST base URL; ClientID and ClientSecret identify
	// the app (Basic auth when there is a secret, else client_id in the
	// form); JWT is the user's credential.
	Server, ClientID, ClientSecret, JWT string
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu     sync.Mutex
	access string
	scheme string // token_type, as the server wrote it
	exp    time.Time
}

func (a *Auth) now() time.Time {
	if a.Now == nil {
		return time.Now()
	}
	return a.Now()
}

// Token returns a valid access token and the scheme to send it with
// ("bearer" as the server spells token_type, else "Bearer"), asking for
// a new one when none is kept, it is about to expire, or fresh is set
// (a call answered 401).
func (a *Auth) Token(ctx context.Context, l session.Link, fresh bool) (scheme, token string, err error) {
	a.mu.Lock()
	tok, sch, exp := a.access, a.scheme, a.exp
	a.mu.Unlock()
	if !fresh && tok != "" && a.now().Add(tokenMargin).Before(exp) {
		return orBearer(sch), tok, nil
	}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	form := rc.JWTGrant(a.JWT)
	if a.ClientSecret != "" {
		r, _ := http.NewRequest(http.MethodPost, "/", nil)
		r.SetBasicAuth(a.ClientID, a.ClientSecret)
		h.Set("Authorization", r.Header.Get("Authorization"))
	} else {
		form.Set("client_id", a.ClientID)
	}
	var tr rc.TokenResponse
	if err := PostJSON(ctx, l, "token", a.Server+rc.PathToken, []byte(form.Encode()), h, &tr); err != nil {
		return "", "", err
	}
	if tr.AccessToken == "" {
		return "", "", &session.Retryable{Err: errors.New("token: the answer has no access_token")}
	}
	a.mu.Lock()
	a.access, a.scheme = tr.AccessToken, tr.TokenType
	a.exp = a.now().Add(time.Duration(tr.ExpiresIn) * time.Second)
	a.mu.Unlock()
	return orBearer(tr.TokenType), tr.AccessToken, nil
}

func orBearer(scheme string) string {
	if scheme == "" {
		return "Bearer"
	}
	return scheme
}

// Header is the headers of an authorised API call: Authorization with
// the token, Client-Id, and a JSON body.
func (a *Auth) Header(scheme, token string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}, "Authorization": {scheme + " " + token}}
	if a.ClientID != "" {
		h.Set("Client-Id", a.ClientID)
	}
	return h
}

// PostJSON sends one POST through the engine's REST helper, which
// publishes it and its answer as http frames with the client's
// credentials masked, and decodes a 2xx JSON answer into out. The helper
// classifies the rest: a 4xx (except 408 and 429) is a
// *session.RejectedError, anything else a *session.Retryable.
func PostJSON(ctx context.Context, l session.Link, where, url string, body []byte, header http.Header, out any) error {
	resp, err := l.REST(ctx, session.Request{Where: where, Method: http.MethodPost, URL: url, Header: header, Body: body})
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &session.Retryable{Status: resp.Status, Err: fmt.Errorf("%s: the answer is not the expected JSON: %w", where, err)}
	}
	return nil
}

// trimServer is the server URL without a trailing slash.
func trimServer(s string) string { return strings.TrimRight(s, "/") }
