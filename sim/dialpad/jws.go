package dialpad

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// The emulator signs two things with HS256 compact JWS: the URL tokens
// (with its own key) and, for a websocket that has a secret, every event
// frame (with that secret). Both are a few lines over crypto/hmac; the
// module's stack has no JWT library and this needs none of one's
// generality (no key sets, no other algorithms).

// b64 is base64url without padding; strict, so that each token has one
// spelling (a variant in the unused low bits would otherwise verify too).
var b64 = base64.RawURLEncoding.Strict()

// jwsHeader is the protected header of a compact JWS.
type jwsHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ,omitempty"`
}

// signHS256 returns header.payload.signature, with payload base64url
// encoded as given (the exact bytes, so a verifier sees the event JSON
// the emulator generated).
func signHS256(typ string, payload, key []byte) string {
	h, _ := json.Marshal(jwsHeader{Alg: "HS256", Typ: typ})
	input := b64.EncodeToString(h) + "." + b64.EncodeToString(payload)
	return input + "." + b64.EncodeToString(mac(input, key))
}

func mac(input string, key []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(input))
	return m.Sum(nil)
}

var (
	errJWSShape     = errors.New("not a compact JWS (want three base64url parts)")
	errJWSHeader    = errors.New("the JWS header is not valid")
	errJWSAlg       = errors.New("the JWS algorithm is not HS256")
	errJWSSignature = errors.New("the JWS signature does not verify")
)

// verifyHS256 checks a compact HS256 JWS and returns its header and
// payload.
func verifyHS256(token string, key []byte) (jwsHeader, []byte, error) {
	var h jwsHeader
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return h, nil, errJWSShape
	}
	hb, err := b64.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &h) != nil {
		return h, nil, errJWSHeader
	}
	if h.Alg != "HS256" {
		return h, nil, errJWSAlg
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac(parts[0]+"."+parts[1], key)) {
		return h, nil, errJWSSignature
	}
	payload, err := b64.DecodeString(parts[1])
	if err != nil {
		return h, nil, errJWSShape
	}
	return h, payload, nil
}
