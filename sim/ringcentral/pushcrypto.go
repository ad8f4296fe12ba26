package ringcentral

import (
	"crypto/aes"
	"crypto/rand"
	"encoding/base64"
	"errors"
)

// The notification cipher of the PubNub transport
// (ringcentral-pubnub.md §5.1): AES-128 in ECB mode with PKCS#7 padding
// and no IV, the key being the 16 raw bytes of the base64 encryptionKey,
// the ciphertext standard base64. The standard library has no ECB mode
// on purpose (it is weak); here it is what the wire format is, so it is a
// loop over blocks.

// newPushKey makes a fresh encryption key, as base64.
func newPushKey() string {
	k := make([]byte, 16)
	_, _ = rand.Read(k)
	return base64.StdEncoding.EncodeToString(k)
}

// encryptPush encrypts plaintext with the base64 key and returns the
// base64 ciphertext.
func encryptPush(key string, plaintext []byte) (string, error) {
	block, err := pushCipher(key)
	if err != nil {
		return "", err
	}
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	buf := make([]byte, len(plaintext)+pad)
	copy(buf, plaintext)
	for i := len(plaintext); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	for i := 0; i < len(buf); i += aes.BlockSize {
		block.Encrypt(buf[i:i+aes.BlockSize], buf[i:i+aes.BlockSize])
	}
	return base64.StdEncoding.EncodeToString(buf), nil
}

// decryptPush is the reverse of encryptPush; it fails on bad base64, a
// length that is not whole blocks, or bad padding (the usual sign of a
// wrong key).
func decryptPush(key, ciphertext string) ([]byte, error) {
	block, err := pushCipher(key)
	if err != nil {
		return nil, err
	}
	buf, err := base64.StdEncoding.DecodeString(ciphertext)
	if err != nil {
		return nil, errors.New("ciphertext is not base64")
	}
	if len(buf) == 0 || len(buf)%aes.BlockSize != 0 {
		return nil, errors.New("ciphertext is not whole AES blocks")
	}
	for i := 0; i < len(buf); i += aes.BlockSize {
		block.Decrypt(buf[i:i+aes.BlockSize], buf[i:i+aes.BlockSize])
	}
	pad := int(buf[len(buf)-1])
	if pad < 1 || pad > aes.BlockSize {
		return nil, errors.New("bad PKCS#7 padding (wrong key?)")
	}
	for _, b := range buf[len(buf)-pad:] {
		if int(b) != pad {
			return nil, errors.New("bad PKCS#7 padding (wrong key?)")
		}
	}
	return buf[:len(buf)-pad], nil
}

func pushCipher(key string) (interface {
	Encrypt(dst, src []byte)
	Decrypt(dst, src []byte)
}, error) {
	k, err := base64.StdEncoding.DecodeString(key)
	if err != nil || len(k) != 16 {
		return nil, errors.New("encryption key must be 16 bytes in base64")
	}
	return aes.NewCipher(k)
}
