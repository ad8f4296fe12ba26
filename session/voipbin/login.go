package voipbin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"

	vb "github.com/evtap/evtap/protocol/voipbin"
	"github.com/evtap/evtap/session"
)

// login exchanges the username and password for a JWT at POST
// /auth/login (A0), through the engine's REST helper, so the request
// (its password masked) and the answer are http frames in the list, the
// headless output and recordings.
//
// Any failure of a login is a bare 400 with an empty body, so a 400 is a
// refusal of the credentials (final: exit 3); the helper retries 5xx,
// 408, 429 and transport errors.
func (p *Provider) login(ctx context.Context, l session.Link) (string, error) {
	body, _ := json.Marshal(vb.LoginRequest{Username: p.cfg.Username, Password: p.cfg.Password})
	resp, err := l.REST(ctx, session.Request{Where: "login", Method: http.MethodPost, URL: p.base + vb.PathLogin,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: body, Mask: []string{p.cfg.Password}})
	var rej *session.RejectedError
	if errors.As(err, &rej) && rej.Status == http.StatusBadRequest && resp != nil && len(bytes.TrimSpace(resp.Body)) == 0 {
		return "", &session.RejectedError{Where: "login", Status: rej.Status,
			Message: "username or password refused (VoIPBin answers every failed login with a bare 400)"}
	}
	if err != nil {
		return "", err
	}
	var lr vb.LoginResponse
	if err := json.Unmarshal(resp.Body, &lr); err != nil || lr.Token == "" {
		return "", &session.Retryable{Status: resp.Status, Err: errors.New("login: the answer has no token")}
	}
	return lr.Token, nil
}
