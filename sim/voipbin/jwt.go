package voipbin

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash"
	"strings"
	"time"
)

// expireLayout is VoIPBin's ISO8601Layout: the expire claim is a string
// such as "2026-08-29T10:00:00.000000Z", not the standard exp.
const expireLayout = "2006-01-02T15:04:05.000000Z"

// Token types of the type claim (missing means agent).
const (
	tokenAgent    = "agent"
	tokenDirect   = "direct"
	tokenDelegate = "delegate"
)

// delegateAudience is the aud a delegate token must carry.
const delegateAudience = "voipbin-api"

// Claims are the claims of a VoIPBin JWT. Agent is set for type agent,
// Direct for type direct; Aud only matters to delegate tokens.
type Claims struct {
	Type   string          `json:"type,omitempty"`
	Agent  json.RawMessage `json:"agent,omitempty"`
	Direct *DirectClaim    `json:"direct,omitempty"`
	Expire string          `json:"expire,omitempty"`
	Aud    any             `json:"aud,omitempty"`
}

// DirectClaim is the direct claim of a direct token: access scoped to
// the resource types it lists.
type DirectClaim struct {
	CustomerID           string   `json:"customer_id"`
	ResourceType         string   `json:"resource_type"`
	ResourceID           string   `json:"resource_id"`
	AllowedResourceTypes []string `json:"allowed_resource_types"`
}

// ExpireAt formats t as the expire claim.
func ExpireAt(t time.Time) string { return t.UTC().Format(expireLayout) }

// SignJWT mints an HS256 JWT with claims c, as VoIPBin's login does.
func SignJWT(key string, c Claims) string {
	header := b64(`{"alg":"HS256","typ":"JWT"}`)
	body, _ := json.Marshal(c)
	unsigned := header + "." + b64(string(body))
	return unsigned + "." + base64.RawURLEncoding.EncodeToString(mac(sha256.New, key, unsigned))
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func mac(h func() hash.Hash, key, msg string) []byte {
	m := hmac.New(h, []byte(key))
	m.Write([]byte(msg))
	return m.Sum(nil)
}

var errBadToken = errors.New("malformed or badly signed token")

// verifyJWT checks the signature (any HMAC method, as a jwt-go keyfunc
// that tests for SigningMethodHMAC allows) and returns the claims. It
// does not look at expire: the caller does, as a string.
func verifyJWT(key, tok string) (Claims, error) {
	var c Claims
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return c, errBadToken
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return c, errBadToken
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(hb, &h) != nil {
		return c, errBadToken
	}
	var sum func() hash.Hash
	switch h.Alg {
	case "HS256":
		sum = sha256.New
	case "HS384":
		sum = sha512.New384
	case "HS512":
		sum = sha512.New
	default:
		return c, errBadToken
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac(sum, key, parts[0]+"."+parts[1])) {
		return c, errBadToken
	}
	body, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(body, &c) != nil {
		return c, errBadToken
	}
	return c, nil
}

// audIs reports whether the aud claim (a string or an array of strings)
// names want.
func audIs(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		for _, v := range a {
			if s, ok := v.(string); ok && s == want {
				return true
			}
		}
	}
	return false
}
