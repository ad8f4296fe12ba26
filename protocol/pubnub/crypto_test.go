package pubnub

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// The document's test vector (§5.1, from @ringcentral/subscriptions'
// own tests).
const (
	vectorKey    = "e0bMTqmumPfFUbwzppkSbA=="
	vectorCipher = "gkw8EU4G1SDVa2/hrlv6+0ViIxB7N1i1z5MU/Hu2xkIKzH6yQzhr3vIc27IAN558kTOkacqE5DkLpRdnN1orwtI" +
		"BsUHmPMkMWTOLDzVr6eRk+2Gcj2Wft7ZKrCD+FCXlKYIoa98tUD2xvoYnRwxiE2QaNywl8UtjaqpTk1+WDImBrt" +
		"6uabB1WICY/qE0It3DqQ6vdUWISoTfjb+vT5h9kfZxWYUP4ykN2UtUW1biqCjj1Rb6GWGnTx6jPqF77ud0XgV1r" +
		"k/Q6heSFZWV/GP23/iytDPK1HGJoJqXPx7ErQU="
	vectorPlain = `{"timestamp":"2014-03-12T20:47:54.712+0000","body":{"extensionId":402853446008,"telephonyStatus":"OnHold"},"event":"/restapi/v1.0/account/~/extension/402853446008/presence","uuid":"db01e7de-5f3c-4ee5-ab72-f8bd3b77e308"}`
)

func quoted(s string) json.RawMessage { b, _ := json.Marshal(s); return b }

func mustKey(t testing.TB, b64 string) Key {
	t.Helper()
	k, err := ParseKey(b64)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestDecryptTheDocumentVector(t *testing.T) {
	k := mustKey(t, vectorKey)
	d := Decrypt(k, nil, quoted(vectorCipher))
	if d.Verdict != VerdictOK || string(d.Plain) != vectorPlain {
		t.Fatalf("%s %q %s", d.Verdict, d.Plain, d.Reason)
	}
	// and back: the server's encryption is byte-identical
	if got := k.Encrypt([]byte(vectorPlain)); got != vectorCipher {
		t.Fatalf("Encrypt:\n got %s\nwant %s", got, vectorCipher)
	}
}

func TestDecryptVerdicts(t *testing.T) {
	k := mustKey(t, vectorKey)
	other := mustKey(t, "fNP0fszFJdc/thDO90/B3A==") // the seed's example key
	ct, _ := base64.StdEncoding.DecodeString(vectorCipher)
	withoutFirst := base64.StdEncoding.EncodeToString(ct[16:])
	// An IV-like block in front: the ECB encryption of 16 bytes of junk.
	junk := k.Encrypt([]byte("0123456789abcdef"))
	jb, _ := base64.StdEncoding.DecodeString(junk)
	withIV := base64.StdEncoding.EncodeToString(append(jb[:16:16], ct...))
	_, redactedErr := ParseKey("REDACTED-encryptionKey-1")

	for _, c := range []struct {
		name   string
		key    Key
		keyErr error
		d      json.RawMessage
		want   Verdict
		reason string
	}{
		{"plain, as expected", Key{}, nil, json.RawMessage(vectorPlain), VerdictPlain, ""},
		{"plain on an encrypted subscription", k, nil, json.RawMessage(vectorPlain), VerdictNotOn, "unencrypted although"},
		{"ciphertext without a key", Key{}, nil, quoted(vectorCipher), VerdictNoKey, "no encryptionKey"},
		{"key redacted from a recording", Key{}, redactedErr, quoted(vectorCipher), VerdictRedacted, "--no-redact"},
		{"wrong key", other, nil, quoted(vectorCipher), VerdictPad, "wrong key"},
		{"not base64", k, nil, quoted("%%%not base64%%%"), VerdictBase64, "base64"},
		{"not whole blocks", k, nil, quoted(base64.StdEncoding.EncodeToString(ct[:20])), VerdictLength, "16-byte blocks"},
		{"the useRandomIVs trap: first block gone", k, nil, quoted(withoutFirst), VerdictFirstBlock, "useRandomIVs"},
		{"an IV block in front", k, nil, quoted(withIV), VerdictIVBlock, "useRandomIVs"},
		{"decrypts, but not JSON", k, nil, quoted(k.Encrypt([]byte("hello, world"))), VerdictJSON, "not JSON"},
		{"padding fits, bytes are no text", k, nil, quoted(k.Encrypt([]byte("\xd4*u6d\xee\x99\x12"))), VerdictWrongKey, "wrong key"},
		{"d neither", k, nil, json.RawMessage(`nope`), VerdictJSON, ""},
	} {
		got := Decrypt(c.key, c.keyErr, c.d)
		if got.Verdict != c.want || !strings.Contains(got.Reason, c.reason) {
			t.Errorf("%s: %s (%s), want %s with %q", c.name, got.Verdict, got.Reason, c.want, c.reason)
		}
		if got.OK() != (c.want == VerdictPlain) {
			t.Errorf("%s: OK %v", c.name, got.OK())
		}
	}
	// The IV-block case still recovers the notification, for showing.
	if d := Decrypt(k, nil, quoted(withIV)); string(d.Plain) != vectorPlain {
		t.Fatalf("IV block: %q", d.Plain)
	}
}

func TestParseKey(t *testing.T) {
	for _, s := range []string{"", "not base64!", "AAAA", base64.StdEncoding.EncodeToString(make([]byte, 32))} {
		if _, err := ParseKey(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	a, b := mustKey(t, vectorKey), mustKey(t, "fNP0fszFJdc/thDO90/B3A==")
	if a.Fingerprint() == b.Fingerprint() || len(a.Fingerprint()) != 8 || !a.Equal(mustKey(t, vectorKey)) {
		t.Fatal("fingerprints")
	}
	if strings.Contains(a.Fingerprint(), "e0bM") {
		t.Fatal("the fingerprint shows the key")
	}
}

func TestEncryptDecryptRoundTrip(t *testing.T) {
	k := mustKey(t, vectorKey)
	for _, n := range []int{0, 1, 15, 16, 17, 31, 32, 100} {
		v, _ := json.Marshal(strings.Repeat("x", n))
		d := Decrypt(k, nil, quoted(k.Encrypt(v)))
		if d.Verdict != VerdictOK || string(d.Plain) != string(v) {
			t.Errorf("%d bytes: %s", n, d.Verdict)
		}
	}
}
