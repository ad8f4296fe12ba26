package dialpad

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// Resource is what a REST path names: the websocket collection or one
// websocket, a subscription collection or one subscription.
type Resource struct {
	Websocket bool   // /api/v2/websockets[/{id}]
	Type      Type   // /api/v2/subscriptions/{type}[/{id}]
	ID        string // the {id}; "" for a collection
}

// Key is how the subscriptions pane and Event.Subscription name the
// resource: "websocket 1000", "call 1001".
func (r Resource) Key() string {
	if r.ID == "" {
		return ""
	}
	if r.Websocket {
		return WebsocketKey(r.ID)
	}
	return SubscriptionKey(r.Type, r.ID)
}

// WebsocketKey names a websocket entity in the subscriptions pane.
func WebsocketKey(id string) string { return "websocket " + id }

// SubscriptionKey names a subscription in the subscriptions pane and in
// Event.Subscription.
func SubscriptionKey(t Type, id string) string { return string(t) + " " + id }

// ParseResource reads the resource a request URL names; ok is false
// for any other URL. A base URL with a path of its own (a proxy) is
// allowed before /api/v2.
func ParseResource(rawURL string) (r Resource, ok bool) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return r, false
	}
	p := u.Path
	i := strings.Index(p, "/api/v2/")
	if i < 0 {
		return r, false
	}
	parts := strings.Split(strings.Trim(p[i+len("/api/v2/"):], "/"), "/")
	switch {
	case parts[0] == "websockets" && len(parts) <= 2:
		r.Websocket = true
		if len(parts) == 2 {
			r.ID = parts[1]
		}
		return r, true
	case parts[0] == "subscriptions" && (len(parts) == 2 || len(parts) == 3):
		r.Type = Type(parts[1])
		if _, known := keysOf[r.Type]; !known {
			return r, false
		}
		if len(parts) == 3 {
			r.ID = parts[2]
		}
		return r, true
	}
	return r, false
}

// ErrorText reads a refusal's message from its body. Dialpad's error
// shape is not documented, so the usual ones are tried ({"error":
// {"message"}}, {"error": "…"}, {"message"}, {"detail"}); a body that is
// none of them is shown as text.
func ErrorText(body string) string {
	var v struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Detail  string          `json:"detail"`
	}
	if json.Unmarshal([]byte(body), &v) == nil {
		var nested struct {
			Message string `json:"message"`
			Code    any    `json:"code"`
		}
		var s string
		switch {
		case json.Unmarshal(v.Error, &nested) == nil && nested.Message != "":
			return clean(nested.Message, 200)
		case json.Unmarshal(v.Error, &s) == nil && s != "":
			if v.Message != "" {
				return clean(s+": "+v.Message, 200)
			}
			return clean(s, 200)
		case v.Message != "":
			return clean(v.Message, 200)
		case v.Detail != "":
			return clean(v.Detail, 200)
		}
	}
	return clean(strings.TrimSpace(body), 200)
}

// RetryAfter reads a 429's Retry-After header as seconds (the form rate
// limiters send); 0 when absent or a date.
func RetryAfter(header map[string]string) int {
	for k, v := range header {
		if strings.EqualFold(k, "Retry-After") {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err == nil && n > 0 {
				return n
			}
		}
	}
	return 0
}
