package pubnub

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Cipher names RingCentral's payload encryption as evtap shows it.
const Cipher = "AES-128-ECB"

// Key is a subscription's deliveryMode.encryptionKey, decoded: 16 raw
// bytes used as they are (no hashing), AES-128.
type Key struct {
	raw   []byte
	block cipher.Block // the key schedule, made once
}

// redactedPrefix starts the placeholder a recording writes for a
// secret (record.PlaceholderPrefix; protocol imports nothing of ours).
const redactedPrefix = "REDACTED-"

// ErrKeyRedacted is ParseKey's error for a key a recording replaced by
// a placeholder: a replay of such a recording cannot decrypt, and shows
// the events as they were decrypted live (protocol.Seal.Redacted).
var ErrKeyRedacted = errors.New("the encryptionKey was redacted from this recording (a replay shows its events as decrypted live; record with --no-redact to keep the key)")

// ParseKey decodes a base64 encryptionKey (standard alphabet, padded,
// as the server sends it) into a 128-bit key.
func ParseKey(b64 string) (Key, error) {
	if strings.HasPrefix(b64, redactedPrefix) {
		return Key{}, ErrKeyRedacted
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return Key{}, errors.New("encryptionKey is not base64: " + err.Error())
	}
	if len(raw) != 16 {
		return Key{}, errors.New("encryptionKey is " + strconv.Itoa(len(raw)) + " bytes, not the 16 of AES-128")
	}
	b, err := aes.NewCipher(raw)
	if err != nil {
		return Key{}, err
	}
	return Key{raw: raw, block: b}, nil
}

// Valid reports whether k holds a key.
func (k Key) Valid() bool { return len(k.raw) == 16 }

// Equal reports whether k and o are the same key.
func (k Key) Equal(o Key) bool { return bytes.Equal(k.raw, o.raw) }

// Fingerprint names the key without revealing it: the first 8 hex
// digits of its SHA-256, so a rotation shows as a change on screen.
func (k Key) Fingerprint() string {
	if !k.Valid() {
		return ""
	}
	sum := sha256.Sum256(k.raw)
	return hex.EncodeToString(sum[:4])
}

// Encrypt encrypts plain as the server does: AES-128-ECB, PKCS#7
// padding, standard base64. (A client never encrypts; tests and
// round trips do.)
func (k Key) Encrypt(plain []byte) string {
	b := k.block
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	buf := make([]byte, len(plain)+pad)
	copy(buf, plain)
	for i := len(plain); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	for i := 0; i < len(buf); i += aes.BlockSize {
		b.Encrypt(buf[i:i+aes.BlockSize], buf[i:i+aes.BlockSize])
	}
	return base64.StdEncoding.EncodeToString(buf)
}

// Verdict is what decrypting one message came to.
type Verdict string

// The verdicts. Only VerdictOK and VerdictPlain give a notification the
// SDKs would read; the RingCentral SDKs hand every other one to the app
// as null.
const (
	VerdictOK     Verdict = "ok"    // decrypted into JSON
	VerdictPlain  Verdict = "plain" // an object, and the subscription has no key: as expected
	VerdictNoKey  Verdict = "no key"
	VerdictNotOn  Verdict = "plain although encrypted" // an object where the subscription has a key
	VerdictBase64 Verdict = "bad base64"
	VerdictLength Verdict = "bad length"
	VerdictPad    Verdict = "bad padding" // a wrong key, nearly always
	VerdictJSON   Verdict = "bad JSON"
	// VerdictWrongKey: the padding fitted (about one time in 200 for
	// a wrong key) but what came out is not text: a wrong key still.
	VerdictWrongKey Verdict = "wrong key"
	// VerdictFirstBlock is the useRandomIVs trap's signature: the
	// plaintext lacks its first 16 bytes ({"timestamp":"20 in the
	// document's vector), exactly what an SDK with useRandomIVs on
	// (pubnub ≥ 4.31's default) decrypts from an ECB message.
	VerdictFirstBlock Verdict = "first block dropped"
	// VerdictIVBlock is the mirror image: a 16-byte block precedes the
	// JSON, as random-IV ciphertext carries its IV. SDKs with
	// useRandomIVs off (@ringcentral/subscriptions ≥ 4.5) get null.
	VerdictIVBlock Verdict = "extra first block"
	// VerdictRedacted: the recording's key is a placeholder.
	VerdictRedacted Verdict = "key redacted"
	// VerdictOldKey: the message decrypts only with the key the last
	// renewal replaced (a key rotation with messages still queued).
	VerdictOldKey Verdict = "previous key"
)

// Decryption is the outcome of decrypting one message's d.
type Decryption struct {
	Verdict Verdict
	// Plain is the notification's JSON: decrypted, or d itself when it
	// came as an object. Nil when it could not be had.
	Plain []byte
	// Reason says in a line why a verdict other than ok or plain, and
	// what the SDKs do with such a message.
	Reason string
}

// OK reports whether the message gave a notification an SDK reads.
func (d Decryption) OK() bool { return d.Verdict == VerdictOK || d.Verdict == VerdictPlain }

// RandomIVsNote is what every ECB-encrypted subscription should tell
// its developer (shared/protocols/ringcentral-pubnub.md §5.2).
const RandomIVsNote = "apps on pubnub ≥ 4.31 need useRandomIVs:false, else every notification reaches them as null (ringcentral 3.1–3.3, @ringcentral/subscriptions 4.4.2 do not pass it)"

// Decrypt reads one message's payload d with the subscription's key (k
// zero when it has none; keyErr why the key could not be read, if
// so). A string d is base64 ciphertext; an object d came plain.
func Decrypt(k Key, keyErr error, d json.RawMessage) Decryption {
	d = bytes.TrimSpace(d)
	if len(d) == 0 || d[0] != '"' {
		if !json.Valid(d) {
			return Decryption{Verdict: VerdictJSON, Reason: "d is neither a string of ciphertext nor JSON"}
		}
		if k.Valid() {
			return Decryption{Verdict: VerdictNotOn, Plain: d,
				Reason: "came unencrypted although the subscription has an encryptionKey: the RingCentral SDKs try to decrypt it and hand the app null"}
		}
		return Decryption{Verdict: VerdictPlain, Plain: d}
	}
	var text string
	if err := json.Unmarshal(d, &text); err != nil {
		return Decryption{Verdict: VerdictJSON, Reason: "d: " + err.Error()}
	}
	if !k.Valid() {
		if errors.Is(keyErr, ErrKeyRedacted) {
			return Decryption{Verdict: VerdictRedacted, Reason: ErrKeyRedacted.Error()}
		}
		r := "d is a string (ciphertext?) but the subscription has no encryptionKey"
		if keyErr != nil {
			r = "d is a string but the subscription's key cannot be used: " + keyErr.Error()
		}
		return Decryption{Verdict: VerdictNoKey, Reason: r}
	}
	ct, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return Decryption{Verdict: VerdictBase64, Reason: "the ciphertext is not standard base64: " + err.Error()}
	}
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return Decryption{Verdict: VerdictLength, Reason: strconv.Itoa(len(ct)) + " bytes of ciphertext, not a whole number of 16-byte blocks: not AES-128-ECB"}
	}
	plain := k.decryptECB(ct)
	plain, ok := unpad(plain)
	if !ok {
		return Decryption{Verdict: VerdictPad, Reason: "the PKCS#7 padding is wrong after decrypting: a wrong key (rotated at a renewal?) or not AES-128-ECB; the SDKs hand the app null"}
	}
	if json.Valid(plain) {
		return Decryption{Verdict: VerdictOK, Plain: plain}
	}
	if len(plain) > aes.BlockSize && json.Valid(plain[aes.BlockSize:]) {
		return Decryption{Verdict: VerdictIVBlock, Plain: plain[aes.BlockSize:],
			Reason: "a 16-byte block precedes the JSON, as random-IV ciphertext carries its IV: clients with useRandomIVs off (@ringcentral/subscriptions ≥ 4.5, ringcentral with useRandomIVs:false) hand the app null; RingCentral sends plain ECB"}
	}
	if looksTruncatedObject(plain) {
		return Decryption{Verdict: VerdictFirstBlock,
			Reason: "the plaintext lacks its first 16 bytes — the useRandomIVs trap: what a client with useRandomIVs on (pubnub ≥ 4.31 default) decrypts from ECB, so it hands the app null"}
	}
	if !utf8.Valid(plain) {
		return Decryption{Verdict: VerdictWrongKey, Reason: "the padding fitted by chance but the plaintext is not text: a wrong key (rotated at a renewal?); the SDKs hand the app null"}
	}
	return Decryption{Verdict: VerdictJSON, Reason: "decrypted, but the plaintext is not JSON: " + strconv.Quote(clip(string(plain), 48))}
}

func (k Key) decryptECB(ct []byte) []byte {
	b := k.block
	out := make([]byte, len(ct))
	for i := 0; i < len(ct); i += aes.BlockSize {
		b.Decrypt(out[i:i+aes.BlockSize], ct[i:i+aes.BlockSize])
	}
	return out
}

// unpad strips PKCS#7 padding: 1 to 16 bytes, all equal to their count.
func unpad(b []byte) ([]byte, bool) {
	if len(b) == 0 {
		return nil, false
	}
	n := int(b[len(b)-1])
	if n == 0 || n > aes.BlockSize || n > len(b) {
		return nil, false
	}
	for _, c := range b[len(b)-n:] {
		if int(c) != n {
			return nil, false
		}
	}
	return b[:len(b)-n], true
}

// looksTruncatedObject reports text that reads as the tail of a JSON
// object: printable, ends with '}', and has a "key": pair in it, but
// does not start with '{'.
func looksTruncatedObject(b []byte) bool {
	t := bytes.TrimSpace(b)
	if len(t) == 0 || t[0] == '{' || t[len(t)-1] != '}' || !bytes.Contains(t, []byte(`":`)) {
		return false
	}
	for _, c := range t {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}
