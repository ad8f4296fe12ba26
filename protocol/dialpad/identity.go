package dialpad

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
)

var (
	errNotObject = errors.New("not a JSON object")
	errNotJSON   = errors.New("not JSON (or more than one JSON value)")
)

// digest is a payload's SHA-256, in hex, cut to 128 bits: enough to tell
// payloads apart, short enough to keep thousands.
func digest(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:16])
}
