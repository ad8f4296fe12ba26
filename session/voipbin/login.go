package voipbin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	vb "github.com/evtap/evtap/protocol/voipbin"
	"github.com/evtap/evtap/session"
)

// login exchanges the username and password for a JWT at POST
// /auth/login (A0). It is VoIPBin's one REST call, made here with
// net/http until the engine's REST helper (which publishes requests and
// answers as http frames) lands; only this function changes then.
//
// Any failure of a login is a bare 400 with an empty body, so a 400 is
// a refusal of the credentials (final: exit 3); 5xx, 408, 429 and
// transport errors are retried.
func (p *Provider) login(ctx context.Context) (string, error) {
	body, _ := json.Marshal(vb.LoginRequest{Username: p.cfg.Username, Password: p.cfg.Password})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.base+vb.PathLogin, bytes.NewReader(body))
	if err != nil {
		return "", &session.RejectedError{Where: "login", Message: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.cfg.HTTPClient.Do(req)
	if err != nil {
		var ue interface{ Unwrap() error }
		if errors.As(err, &ue) && ue.Unwrap() != nil {
			err = ue.Unwrap() // the URL holds no secret, but says nothing new
		}
		return "", &session.Retryable{Err: fmt.Errorf("login: %w", err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", &session.Retryable{Status: resp.StatusCode, Err: fmt.Errorf("login: reading the answer: %w", err)}
	}
	switch s := resp.StatusCode; {
	case s == http.StatusOK:
		var lr vb.LoginResponse
		if err := json.Unmarshal(data, &lr); err != nil || lr.Token == "" {
			return "", &session.Retryable{Status: s, Err: errors.New("login: the answer has no token")}
		}
		return lr.Token, nil
	case s == http.StatusBadRequest && len(bytes.TrimSpace(data)) == 0:
		return "", &session.RejectedError{Where: "login", Status: s,
			Message: "username or password refused (VoIPBin answers every failed login with a bare 400)"}
	case s/100 == 4 && s != http.StatusRequestTimeout && s != http.StatusTooManyRequests:
		code, msg := session.RefusalText(data)
		if msg == "" {
			msg = http.StatusText(s)
		}
		return "", &session.RejectedError{Where: "login", Status: s, Code: code, Message: msg}
	default:
		code, msg := session.RefusalText(data)
		return "", &session.Retryable{Status: s, Err: fmt.Errorf("login: %s", strings.TrimSpace(code+" "+msg))}
	}
}
