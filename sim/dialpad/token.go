package dialpad

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TokenType is the "typ" of a websocket URL token's JWS header, as in the
// spec's example URL.
const TokenType = "vnd.dialpad.websocket+jwt"

// TokenClaims are the claims of a websocket URL token. Iss, Sub, Iat and
// Exp are Dialpad's (spec example and a production token); Jti is
// evtap's: Dialpad signs with ES256, whose signatures differ every time,
// so two URLs minted in the same second still differ; HS256 is
// deterministic, and the nonce keeps every minted URL fresh.
type TokenClaims struct {
	Iss string `json:"iss"`
	Sub string `json:"sub"`
	Iat int64  `json:"iat"`
	Exp int64  `json:"exp"`
	Jti string `json:"jti,omitempty"`
}

// scope is what a token grants: every subscription of websocket ws
// (sub == 0), or the one subscription sub of type kind on it.
type scope struct {
	ws   int64
	kind string
	sub  int64
}

// subject is the token's "sub": endpoint:<ws>:* or
// endpoint:<ws>:<type>:<subscription>.
func (sc scope) subject() string {
	if sc.sub == 0 {
		return "endpoint:" + strconv.FormatInt(sc.ws, 10) + ":*"
	}
	return "endpoint:" + strconv.FormatInt(sc.ws, 10) + ":" + sc.kind + ":" + strconv.FormatInt(sc.sub, 10)
}

func (sc scope) String() string { return sc.subject() }

// parseSubject reads a "sub" claim back.
func parseSubject(sub string) (scope, error) {
	parts := strings.Split(sub, ":")
	bad := fmt.Errorf("sub %q is not endpoint:<id>:* or endpoint:<id>:<type>:<id>", sub)
	if len(parts) < 3 || parts[0] != "endpoint" {
		return scope{}, bad
	}
	ws, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || ws <= 0 {
		return scope{}, bad
	}
	switch {
	case len(parts) == 3 && parts[2] == "*":
		return scope{ws: ws}, nil
	case len(parts) == 4:
		if kindByName(parts[2]) == nil {
			return scope{}, bad
		}
		id, err := strconv.ParseInt(parts[3], 10, 64)
		if err != nil || id <= 0 {
			return scope{}, bad
		}
		return scope{ws: ws, kind: parts[2], sub: id}, nil
	}
	return scope{}, bad
}

// mintToken issues a URL token for sc, valid for the configured lifetime
// from now (whole seconds, as JWT times are).
func (s *Server) mintToken(sc scope, issuer string) string {
	iat := s.now().Unix()
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	claims, _ := json.Marshal(TokenClaims{
		Iss: issuer,
		Sub: sc.subject(),
		Iat: iat,
		Exp: iat + int64(s.cfg.TokenLifetime/time.Second),
		Jti: hex.EncodeToString(nonce[:]),
	})
	return signHS256(TokenType, claims, s.key)
}

var errTokenExpired = errors.New("the token has expired")

// checkToken verifies a URL token's signature, type and expiry and
// returns its claims and scope. It does not look the scope up.
func (s *Server) checkToken(tok string) (TokenClaims, scope, error) {
	var c TokenClaims
	h, payload, err := verifyHS256(tok, s.key)
	if err != nil {
		return c, scope{}, err
	}
	if h.Typ != TokenType {
		return c, scope{}, fmt.Errorf("the token's typ is %q, not %s", h.Typ, TokenType)
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return c, scope{}, errors.New("the token's claims are not valid JSON")
	}
	sc, err := parseSubject(c.Sub)
	if err != nil {
		return c, scope{}, err
	}
	if s.now().Unix() >= c.Exp {
		return c, sc, errTokenExpired
	}
	return c, sc, nil
}
