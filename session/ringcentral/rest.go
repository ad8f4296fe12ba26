package ringcentral

import (
	"context"
	"errors"
	"net/http"

	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/session"
)

// wsToken asks for a fresh ws_access_token (the documents call it
// single-use, so every connection gets its own). A 401 means the access
// token went stale: get a new one and ask once more.
func (p *Provider) wsToken(ctx context.Context, l session.Link) (rc.WSTokenResponse, error) {
	var wt rc.WSTokenResponse
	for try := 0; try < 2; try++ {
		scheme, tok, err := p.auth.Token(ctx, l, try > 0)
		if err != nil {
			return wt, err
		}
		err = PostJSON(ctx, l, "wstoken", trimServer(p.cfg.Server)+rc.PathWSToken, nil, p.auth.Header(scheme, tok), &wt)
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
