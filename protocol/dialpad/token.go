package dialpad

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"
)

// TokenType is the JOSE header typ of a websocket URL token.
const TokenType = "vnd.dialpad.websocket+jwt"

// EventsPrefix starts the path of a websocket URL; the token is the
// segment after it.
const EventsPrefix = "/events/"

// Token is a websocket URL token, decoded but not verified: production
// signs it with ES256 and Dialpad's key, which a client cannot check, so
// evtap treats it as opaque and reads only what it shows (scope, issue
// and expiry). Raw is a credential: never show it.
type Token struct {
	Raw       string
	Alg, Typ  string    // JOSE header
	Issuer    string    // iss
	Subject   string    // sub: endpoint:<websocket>:* or endpoint:<websocket>:<type>:<subscription>
	IssuedAt  time.Time // iat; zero when absent
	ExpiresAt time.Time // exp; zero when absent
	Scope     Scope     // sub, parsed; zero when sub is not in either form
	// Problems says what in the token is not as Dialpad issues it (a
	// typ, a sub in another form); it is still usable.
	Problems []string
}

// Lifetime is exp − iat, or 0 when either is missing.
func (t Token) Lifetime() time.Duration {
	if t.IssuedAt.IsZero() || t.ExpiresAt.IsZero() {
		return 0
	}
	return t.ExpiresAt.Sub(t.IssuedAt)
}

// Scope is what a token lets a connection receive: every subscription
// of a websocket (Type empty, sub "endpoint:<ws>:*"), or one
// subscription (sub "endpoint:<ws>:<type>:<id>").
type Scope struct {
	Websocket    string
	Type         Type
	Subscription string
}

// WebsocketWide reports whether the scope covers every subscription of
// its websocket.
func (s Scope) WebsocketWide() bool { return s.Websocket != "" && s.Type == "" }

// String is the scope as the token's sub writes it.
func (s Scope) String() string {
	if s.Websocket == "" {
		return ""
	}
	if s.Type == "" {
		return "endpoint:" + s.Websocket + ":*"
	}
	return "endpoint:" + s.Websocket + ":" + string(s.Type) + ":" + s.Subscription
}

// Describe says the scope in words.
func (s Scope) Describe() string {
	switch {
	case s.Websocket == "":
		return "unknown"
	case s.Type == "":
		return "every subscription of websocket " + s.Websocket
	}
	return "only " + string(s.Type) + " subscription " + s.Subscription
}

// ParseScope reads a token's sub.
func ParseScope(sub string) (Scope, error) {
	parts := strings.Split(sub, ":")
	bad := fmt.Errorf("sub %q is neither endpoint:<websocket>:* nor endpoint:<websocket>:<type>:<subscription>", clip(sub, 80))
	if len(parts) < 3 || parts[0] != "endpoint" || parts[1] == "" {
		return Scope{}, bad
	}
	s := Scope{Websocket: parts[1]}
	switch {
	case len(parts) == 3 && parts[2] == "*":
		return s, nil
	case len(parts) == 4 && parts[2] != "" && parts[3] != "":
		s.Type, s.Subscription = Type(parts[2]), parts[3]
		return s, nil
	}
	return Scope{}, bad
}

// TokenFromURL returns the token in a websocket_url: the path segment
// after /events/.
func TokenFromURL(websocketURL string) (string, error) {
	u, err := url.Parse(websocketURL)
	if err != nil {
		return "", errors.New("websocket_url is not a URL")
	}
	i := strings.Index(u.Path, EventsPrefix)
	if i < 0 {
		return "", fmt.Errorf("websocket_url has no %s<token> path", EventsPrefix)
	}
	tok := u.Path[i+len(EventsPrefix):]
	if j := strings.IndexByte(tok, '/'); j >= 0 {
		tok = tok[:j]
	}
	if tok == "" {
		return "", errors.New("websocket_url has an empty token")
	}
	return tok, nil
}

// MaskURL returns a websocket URL with its token (and anything after
// it) replaced by ***, for display: the token is a credential.
func MaskURL(websocketURL string) string {
	i := strings.Index(websocketURL, EventsPrefix)
	if i < 0 {
		return websocketURL
	}
	// The prefix must be in the path, after the scheme and host.
	if j := strings.Index(websocketURL, "://"); j >= 0 && i < j+3 {
		return websocketURL
	}
	return websocketURL[:i+len(EventsPrefix)] + "***"
}

// DecodeToken reads a URL token's header and claims. It checks nothing
// cryptographic. An error means the token is not a readable JWT; evtap
// then treats it as opaque with the documented one-hour lifetime.
func DecodeToken(raw string) (Token, error) {
	t := Token{Raw: raw}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return t, fmt.Errorf("the token is not a JWT (%d parts, want 3)", len(parts))
	}
	var h struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
	}
	if err := decodeSegment(parts[0], &h); err != nil {
		return t, fmt.Errorf("the token's header: %w", err)
	}
	var c struct {
		Iss string      `json:"iss"`
		Sub string      `json:"sub"`
		Iat json.Number `json:"iat"`
		Exp json.Number `json:"exp"`
	}
	if err := decodeSegment(parts[1], &c); err != nil {
		return t, fmt.Errorf("the token's claims: %w", err)
	}
	t.Alg, t.Typ, t.Issuer, t.Subject = h.Alg, h.Typ, c.Iss, c.Sub
	var err error
	if t.IssuedAt, err = numericDate(c.Iat); err != nil {
		t.Problems = append(t.Problems, "iat: "+err.Error())
	}
	if t.ExpiresAt, err = numericDate(c.Exp); err != nil {
		t.Problems = append(t.Problems, "exp: "+err.Error())
	}
	if t.Typ != TokenType {
		t.Problems = append(t.Problems, fmt.Sprintf("typ %q, want %s", clip(t.Typ, 40), TokenType))
	}
	if t.Scope, err = ParseScope(t.Subject); err != nil {
		t.Problems = append(t.Problems, err.Error())
	}
	if t.ExpiresAt.IsZero() {
		t.Problems = append(t.Problems, "no exp: the documented lifetime (1 h) is assumed")
	}
	return t, nil
}

// decodeSegment reads one base64url JSON segment of a JWT.
func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return errors.New("not base64url")
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return errors.New("not a JSON object")
	}
	return nil
}

// numericDate reads a JWT NumericDate: seconds since the epoch, possibly
// fractional (RFC 7519 §2). Absent is the zero time.
func numericDate(n json.Number) (time.Time, error) {
	if n == "" {
		return time.Time{}, nil
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || f < 0 || f > 1e11 {
		return time.Time{}, fmt.Errorf("%q is not a date", clip(string(n), 30))
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC(), nil
}

// clip cuts s to n bytes for an error message, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
