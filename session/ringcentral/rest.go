package ringcentral

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/session"
)

// tokenMargin: a token counts as expired this long before it does, as
// the JS SDK's Auth does.
const tokenMargin = 60 * time.Second

// errUnauthorized marks a 401 from wstoken so the caller can fetch a new
// access token once.
var errUnauthorized = errors.New("access token refused")

// post sends one REST request and decodes a 2xx JSON answer into out.
// A 4xx (except 408 and 429) is a *session.RejectedError; anything else a
// *session.Retryable.
func (p *Provider) post(ctx context.Context, where, path string, body io.Reader, header http.Header, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(p.cfg.Server, "/")+path, body)
	if err != nil {
		return &session.RejectedError{Where: where, Message: err.Error()}
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := p.cfg.HTTPClient.Do(req)
	if err != nil {
		return &session.Retryable{Err: fmt.Errorf("%s: %w", where, scrubURLError(err))}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return &session.Retryable{Status: resp.StatusCode, Err: fmt.Errorf("%s: reading the answer: %w", where, err)}
	}
	if resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(data, out); err != nil {
			return &session.Retryable{Status: resp.StatusCode, Err: fmt.Errorf("%s: the answer is not the expected JSON: %w", where, err)}
		}
		return nil
	}
	code, msg := session.RefusalText(data)
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	if resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests {
		rej := &session.RejectedError{Where: where, Status: resp.StatusCode, Code: code, Message: msg}
		if resp.StatusCode == http.StatusUnauthorized {
			return fmt.Errorf("%w: %w", errUnauthorized, rej)
		}
		return rej
	}
	return &session.Retryable{Status: resp.StatusCode, Err: fmt.Errorf("%s: %s", where, strings.TrimSpace(code+" "+msg))}
}

// scrubURLError drops the URL from a transport error (it holds no
// secret here, but the message is shorter and the same for every call).
func scrubURLError(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}

// accessToken returns a valid OAuth access token, asking for one with
// the JWT grant when none is cached or it is about to expire.
func (p *Provider) accessToken(ctx context.Context, fresh bool) (string, error) {
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
	if err := p.post(ctx, "token", rc.PathToken, strings.NewReader(form.Encode()), h, &tr); err != nil {
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
func (p *Provider) wsToken(ctx context.Context) (rc.WSTokenResponse, error) {
	var wt rc.WSTokenResponse
	for try := 0; try < 2; try++ {
		tok, err := p.accessToken(ctx, try > 0)
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
		err = p.post(ctx, "wstoken", rc.PathWSToken, nil, h, &wt)
		if err == nil {
			if wt.URI == "" || wt.WSAccessToken == "" {
				return wt, &session.Retryable{Err: errors.New("wstoken: the answer lacks uri or ws_access_token")}
			}
			return wt, nil
		}
		if !errors.Is(err, errUnauthorized) || try > 0 {
			return wt, unwrapUnauthorized(err)
		}
	}
	return wt, nil
}

func unwrapUnauthorized(err error) error {
	var rej *session.RejectedError
	if errors.As(err, &rej) {
		return rej
	}
	return err
}
