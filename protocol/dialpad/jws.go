package dialpad

// Signed frames are compact JWS (RFC 7515) with HS256: three base64url
// segments, the HMAC-SHA256 of "header.payload" keyed with the
// websocket's secret. That is a dozen lines of crypto/hmac, so no JWT
// library is used: such libraries also judge claims (exp, nbf, aud) that
// an event payload does not carry, and refuse a token whole, where evtap
// must show every frame and say exactly what is wrong with its seal.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// SealVia is protocol.Seal.Via for a Dialpad frame.
const SealVia = "HS256 JWT"

// JWS is a compact JWS read from a frame, not yet verified.
type JWS struct {
	Alg, Typ string
	Payload  []byte // the decoded payload: the event JSON
	input    string // header.payload, what the signature covers
	sig      []byte
}

// LooksLikeJWS reports whether a frame is shaped as a compact JWS (three
// dot-separated base64url segments), before it is parsed.
func LooksLikeJWS(b []byte) bool {
	if len(b) < 5 || b[0] == '{' || b[0] == '[' {
		return false
	}
	dots := 0
	for _, c := range b {
		switch {
		case c == '.':
			dots++
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '=':
		default:
			return false
		}
	}
	return dots == 2
}

// ParseJWS splits and decodes a compact JWS.
func ParseJWS(s string) (JWS, error) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) != 3 {
		return JWS{}, errors.New("not a compact JWS (want header.payload.signature)")
	}
	enc := base64.RawURLEncoding
	hb, err := enc.DecodeString(strings.TrimRight(parts[0], "="))
	if err != nil {
		return JWS{}, errors.New("the JWS header is not base64url")
	}
	var h struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
	}
	if err := json.Unmarshal(hb, &h); err != nil {
		return JWS{}, errors.New("the JWS header is not a JSON object")
	}
	pb, err := enc.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return JWS{}, errors.New("the JWS payload is not base64url")
	}
	sig, err := enc.DecodeString(strings.TrimRight(parts[2], "="))
	if err != nil {
		return JWS{}, errors.New("the JWS signature is not base64url")
	}
	return JWS{Alg: h.Alg, Typ: h.Typ, Payload: pb, input: parts[0] + "." + parts[1], sig: sig}, nil
}

// Verify checks j's signature with secret and says why it fails: ""
// when it is good.
func (j JWS) Verify(secret string) string {
	switch {
	case j.Alg != "HS256":
		return "alg " + clip(j.Alg, 20) + " where HS256 was expected"
	case secret == "":
		return "not verified: no secret known (--secret or DIALPAD_WEBSOCKET_SECRET)"
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(j.input))
	if !hmac.Equal(m.Sum(nil), j.sig) {
		return "bad signature: not signed with the websocket's secret"
	}
	return ""
}
