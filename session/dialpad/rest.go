package dialpad

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/evtap/evtap/protocol/dialpad"
	"github.com/evtap/evtap/session"
)

// call makes one REST request through the engine's helper (so it is
// published as http frames, the key masked) and decodes a 2xx JSON
// answer into out. Errors are the helper's: *session.RejectedError for a
// 4xx other than 408 and 429, *session.Retryable otherwise.
func (p *Provider) call(ctx context.Context, l session.Link, where, method, path string, body, out any) error {
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	h := http.Header{"Accept": {"application/json"}}
	if p.cfg.APIKey != "" {
		h.Set("Authorization", "Bearer "+p.cfg.APIKey)
	}
	if b != nil {
		h.Set("Content-Type", "application/json")
	}
	if p.cfg.CompanyID != "" {
		h.Set("DP-Company-ID", p.cfg.CompanyID)
	}
	var mask []string
	if p.cfg.APIKey != "" {
		mask = []string{p.cfg.APIKey}
	}
	resp, err := l.REST(ctx, session.Request{Where: where, Method: method, URL: strings.TrimRight(p.cfg.Server, "/") + path, Header: h, Body: b, Mask: mask})
	if err != nil {
		return err
	}
	if out == nil || resp.Status == http.StatusNoContent || len(resp.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &session.Retryable{Status: resp.Status, Err: fmt.Errorf("%s: the answer is not the expected JSON: %w", where, err)}
	}
	return nil
}

// status is the HTTP status of a REST error, or 0.
func status(err error) int {
	var rej *session.RejectedError
	if errors.As(err, &rej) {
		return rej.Status
	}
	var rt *session.Retryable
	if errors.As(err, &rt) {
		return rt.Status
	}
	return 0
}

// createWebsocket is POST /api/v2/websockets, with the secret if given.
func (p *Provider) createWebsocket(ctx context.Context, l session.Link) (dialpad.WebsocketProto, error) {
	var body dialpad.CreateWebsocket
	if p.cfg.Secret != "" {
		body.Secret = &p.cfg.Secret
	}
	var w dialpad.WebsocketProto
	err := p.call(ctx, l, "create websocket", http.MethodPost, dialpad.PathWebsockets, body, &w)
	if err == nil && w.ID == "" {
		err = &session.Retryable{Err: errors.New("create websocket: the answer has no id")}
	}
	return w, err
}

// getWebsocket is GET /api/v2/websockets/{id}: a fresh websocket_url.
func (p *Provider) getWebsocket(ctx context.Context, l session.Link, id string) (dialpad.WebsocketProto, error) {
	var w dialpad.WebsocketProto
	err := p.call(ctx, l, "fresh URL", http.MethodGet, dialpad.WebsocketPath(id), nil, &w)
	if err == nil && w.WebsocketURL == "" {
		err = &session.Retryable{Err: errors.New("fresh URL: the answer has no websocket_url")}
	}
	return w, err
}

// maxListPages bounds a list that keeps answering with a cursor.
const maxListPages = 20

// listAttached reads every subscription of type t attached to websocket
// ws, page by page. The Decoder shows them from the same answers.
func (p *Provider) listAttached(ctx context.Context, l session.Link, t dialpad.Type, ws string) ([]dialpad.SubscriptionProto, error) {
	var out []dialpad.SubscriptionProto
	cursor := ""
	for page := 0; page < maxListPages; page++ {
		path := dialpad.SubscriptionsPath(t)
		if cursor != "" {
			path += "?cursor=" + url.QueryEscape(cursor)
		}
		var c dialpad.SubscriptionCollection
		if err := p.call(ctx, l, "list "+string(t)+" subscriptions", http.MethodGet, path, nil, &c); err != nil {
			return out, err
		}
		for _, it := range c.Items {
			if id, isWS := it.EndpointID(); isWS && id == ws && it.ID != "" {
				out = append(out, it)
			}
		}
		if c.Cursor == "" || c.Cursor == cursor {
			break
		}
		cursor = c.Cursor
	}
	return out, nil
}

// saveSubscription is a create (POST) or, with an id, an update (PATCH)
// of a subscription attached to websocket ws.
func (p *Provider) saveSubscription(ctx context.Context, l session.Link, s dialpad.Spec, ws string) (dialpad.SubscriptionProto, error) {
	method, path, where := http.MethodPost, dialpad.SubscriptionsPath(s.Type), "create "+string(s.Type)+" subscription"
	if s.ID != "" {
		method, path, where = http.MethodPatch, dialpad.SubscriptionPath(s.Type, s.ID), "update "+dialpad.SubscriptionKey(s.Type, s.ID)
	}
	var sp dialpad.SubscriptionProto
	err := p.call(ctx, l, where, method, path, s.Body(ws), &sp)
	if err == nil && sp.ID == "" {
		if s.ID == "" {
			err = &session.Retryable{Err: fmt.Errorf("%s: the answer has no id", where)}
		}
		sp.ID = dialpad.ID(s.ID)
	}
	return sp, err
}

// deleteSubscription is DELETE /api/v2/subscriptions/{type}/{id}.
func (p *Provider) deleteSubscription(ctx context.Context, l session.Link, t dialpad.Type, id string) error {
	return p.call(ctx, l, "delete "+dialpad.SubscriptionKey(t, id), http.MethodDelete, dialpad.SubscriptionPath(t, id), nil, nil)
}
