package ringcentral

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/session"
)

// tokenMargin: a token counts as expired this long before it does, as
// the JS SDK's Auth does.
const tokenMargin = 60 * time.Second

// post sends one REST request through the engine's REST helper, which
// publishes it and its answer as http frames with the client's
// credentials masked, and decodes a 2xx JSON answer into out. The helper
// classifies the rest: a 4xx (except 408 and 429) is a
// *session.RejectedError, anything else a *session.Retryable.
func (p *Provider) post(ctx context.Context, l session.Link, where, path string, body []byte, header http.Header, out any) error {
	resp, err := l.REST(ctx, session.Request{Where: where, Method: http.MethodPost,
		URL: strings.TrimRight(p.cfg.Server, "/") + path, Header: header, Body: body})
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &session.Retryable{Status: resp.Status, Err: fmt.Errorf("%s: the answer is not the expected JSON: %w", where, err)}
	}
	return nil
}

// accessToken returns a valid OAuth access token, asking for one with
// the JWT grant when none is cached or it is about to expire.
func (p *Provider) accessToken(ctx context.Context, l session.Link, fresh bool) (string, error) {
	p.mu.Lock()
	tok, exp := p.access, p.accessExp
	p.mu.Unlock()
	if !fresh && tok != "" && p.cfg.Now().Add(tokenMargin).Before(exp) {
		return tok, nil
	}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	form := rc.JWTGrant(p.cfg.JWT)
	if p.cfg.ClientSecret != "" {
		r, _ := http.NewRequest(http.MethodPost, "/", nil)
		r.SetBasicAuth(p.cfg.ClientID, p.cfg.ClientSecret)
		h.Set("Authorization", r.Header.Get("Authorization"))
	} else {
		form.Set("client_id", p.cfg.ClientID)
	}
	var tr rc.TokenResponse
	if err := p.post(ctx, l, "token", rc.PathToken, []byte(form.Encode()), h, &tr); err != nil {
		return "", err
	}
	if tr.AccessToken == "" {
		return "", &session.Retryable{Err: errors.New("token: the answer has no access_token")}
	}
	p.mu.Lock()
	p.access, p.accessType = tr.AccessToken, tr.TokenType
	p.accessExp = p.cfg.Now().Add(time.Duration(tr.ExpiresIn) * time.Second)
	p.mu.Unlock()
	return tr.AccessToken, nil
}

// wsToken asks for a fresh ws_access_token (the documents call it
// single-use, so every connection gets its own). A 401 means the access
// token went stale: get a new one and ask once more.
func (p *Provider) wsToken(ctx context.Context, l session.Link) (rc.WSTokenResponse, error) {
	var wt rc.WSTokenResponse
	for try := 0; try < 2; try++ {
		tok, err := p.accessToken(ctx, l, try > 0)
		if err != nil {
			return wt, err
		}
		p.mu.Lock()
		scheme := p.accessType
		p.mu.Unlock()
		if scheme == "" {
			scheme = "Bearer"
		}
		h := http.Header{"Content-Type": {"application/json"}, "Authorization": {scheme + " " + tok}}
		if p.cfg.ClientID != "" {
			h.Set("Client-Id", p.cfg.ClientID)
		}
		err = p.post(ctx, l, "wstoken", rc.PathWSToken, nil, h, &wt)
		if err == nil {
			if wt.URI == "" || wt.WSAccessToken == "" {
				return wt, &session.Retryable{Err: errors.New("wstoken: the answer lacks uri or ws_access_token")}
			}
			return wt, nil
		}
		var rej *session.RejectedError
		if !errors.As(err, &rej) || rej.Status != http.StatusUnauthorized || try > 0 {
			return wt, err
		}
	}
	return wt, nil
}
