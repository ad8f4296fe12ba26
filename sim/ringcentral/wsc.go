package ringcentral

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash"
)

// A wsc token is base64url(version | sessionID | sequence | mac) with no
// padding, so it is URL-safe as the JS SDK needs (it does not escape the
// query). The HMAC lets the emulator tell a garbled or forged token
// (WSG-400) from a well-formed one whose session is gone (Failed).
const (
	wscVersion = 1
	wscMACLen  = 12
)

var errBadWSC = errors.New("malformed WebSocket session context token")

// wscCodec signs and checks wsc tokens with a per-server key. It keeps
// one HMAC state to reuse, so it is not safe for concurrent use: the
// server calls it with mu held.
type wscCodec struct {
	key []byte
	h   hash.Hash
	sum []byte
}

func newWSCCodec(key []byte) *wscCodec { return &wscCodec{key: key, h: hmac.New(sha256.New, key)} }

func (c *wscCodec) mac(payload []byte) []byte {
	c.h.Reset()
	c.h.Write(payload)
	c.sum = c.h.Sum(c.sum[:0])
	return c.sum[:wscMACLen]
}

// encode makes the token that recovers session sessionID at position seq.
func (c *wscCodec) encode(sessionID string, seq uint64) string {
	var buf [128]byte
	p := buf[:0]
	p = append(p, wscVersion)
	p = append(p, sessionID...)
	p = binary.BigEndian.AppendUint64(p, seq)
	p = append(p, c.mac(p)...)
	return base64.RawURLEncoding.EncodeToString(p)
}

// decode checks a token and returns its session id and position.
func (c *wscCodec) decode(token string) (string, uint64, error) {
	p, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(p) < 1+1+8+wscMACLen || p[0] != wscVersion {
		return "", 0, errBadWSC
	}
	body, mac := p[:len(p)-wscMACLen], p[len(p)-wscMACLen:]
	if !hmac.Equal(mac, c.mac(body)) {
		return "", 0, errBadWSC
	}
	id := string(body[1 : len(body)-8])
	return id, binary.BigEndian.Uint64(body[len(body)-8:]), nil
}
