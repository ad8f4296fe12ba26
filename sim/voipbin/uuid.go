package voipbin

import (
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"strings"
)

// uuid is VoIPBin's id type (gofrs/uuid.UUID): sixteen bytes that always
// encode, so an unset id is "00000000-0000-0000-0000-000000000000" and
// never absent, whatever the field's tag says.
type uuid [16]byte

// nilUUID is the unset id.
var nilUUID uuid

func (u uuid) String() string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// IsNil reports whether u is the unset id.
func (u uuid) IsNil() bool { return u == nilUUID }

// MarshalText writes the canonical lowercase form.
func (u uuid) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// UnmarshalText reads what parseUUID reads.
func (u *uuid) UnmarshalText(b []byte) error {
	v, err := parseUUID(string(b))
	if err != nil {
		return err
	}
	*u = v
	return nil
}

var errBadUUID = errors.New("not a UUID")

// parseUUID accepts the text forms gofrs/uuid accepts: canonical
// (8-4-4-4-12), the same in braces, a "urn:uuid:" prefix, and 32 hex
// digits with or without braces, in either case. VoIPBin validates topic
// ids with gofrs, so an upper-case or braced id passes validation even
// though no published topic string (always canonical lower case) starts
// with it.
func parseUUID(s string) (uuid, error) {
	var u uuid
	s = strings.TrimPrefix(s, "urn:uuid:")
	if len(s) >= 2 && s[0] == '{' && s[len(s)-1] == '}' {
		s = s[1 : len(s)-1]
	}
	switch len(s) {
	case 36:
		if s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
			return u, errBadUUID
		}
		s = s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	case 32:
	default:
		return u, errBadUUID
	}
	if _, err := hex.Decode(u[:], []byte(s)); err != nil {
		return uuid{}, errBadUUID
	}
	return u, nil
}

// mustUUID is parseUUID for constants.
func mustUUID(s string) uuid {
	u, err := parseUUID(s)
	if err != nil {
		panic("voipbin: bad constant UUID " + s)
	}
	return u
}

// newUUID draws a version-4 id from r, so a seed repeats every id.
func newUUID(r *rand.Rand) uuid {
	var u uuid
	a, b := r.Uint64(), r.Uint64()
	for i := 0; i < 8; i++ {
		u[i] = byte(a >> (8 * i))
		u[8+i] = byte(b >> (8 * i))
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}
