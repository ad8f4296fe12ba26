package ringcentral

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

// The vector of @ringcentral/subscriptions 4.7.4's own tests
// (ringcentral-pubnub.md §5.1), which Node's aes-128-ecb re-encrypts
// byte for byte.
const (
	vectorKey        = "e0bMTqmumPfFUbwzppkSbA=="
	vectorCiphertext = "gkw8EU4G1SDVa2/hrlv6+0ViIxB7N1i1z5MU/Hu2xkIKzH6yQzhr3vIc27IAN558kTOkacqE5DkLpRdnN1orwtI" +
		"BsUHmPMkMWTOLDzVr6eRk+2Gcj2Wft7ZKrCD+FCXlKYIoa98tUD2xvoYnRwxiE2QaNywl8UtjaqpTk1+WDImBrt" +
		"6uabB1WICY/qE0It3DqQ6vdUWISoTfjb+vT5h9kfZxWYUP4ykN2UtUW1biqCjj1Rb6GWGnTx6jPqF77ud0XgV1r" +
		"k/Q6heSFZWV/GP23/iytDPK1HGJoJqXPx7ErQU="
	vectorPlaintext = `{"timestamp":"2014-03-12T20:47:54.712+0000","body":{"extensionId":402853446008,"telephonyStatus":"OnHold"},"event":"/restapi/v1.0/account/~/extension/402853446008/presence","uuid":"db01e7de-5f3c-4ee5-ab72-f8bd3b77e308"}`
)

func TestPushCipherVector(t *testing.T) {
	plain, err := decryptPush(vectorKey, vectorCiphertext)
	if err != nil {
		t.Fatal(err)
	}
	if string(plain) != vectorPlaintext {
		t.Fatalf("decrypted\n%s\nwant\n%s", plain, vectorPlaintext)
	}
	ct, err := encryptPush(vectorKey, []byte(vectorPlaintext))
	if err != nil {
		t.Fatal(err)
	}
	if ct != vectorCiphertext {
		t.Fatalf("encrypted\n%s\nwant\n%s", ct, vectorCiphertext)
	}
}

// Every length round-trips, padding included (a whole block of 16 when
// the plaintext is a multiple of 16); a wrong key fails on the padding.
func TestPushCipherRoundTrip(t *testing.T) {
	key := newPushKey()
	for n := 0; n <= 48; n++ {
		plain := bytes.Repeat([]byte{'x'}, n)
		ct, err := encryptPush(key, plain)
		if err != nil {
			t.Fatal(err)
		}
		if want := (n/16 + 1) * 16; len(ct) != (want+2)/3*4 {
			t.Errorf("%d bytes: ciphertext of %d base64 chars, want %d bytes", n, len(ct), want)
		}
		back, err := decryptPush(key, ct)
		if err != nil || !bytes.Equal(back, plain) {
			t.Fatalf("%d bytes: round trip %q, %v", n, back, err)
		}
	}
	if newPushKey() == key {
		t.Error("two keys are the same")
	}
	// A wrong key gives valid padding by chance about 1 time in 256, so
	// the keys are fixed: the result is the same every run.
	wrong := 0
	for i := 0; i < 20; i++ {
		k := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{byte(i + 1)}, 16))
		if _, err := decryptPush(k, vectorCiphertext); err != nil {
			wrong++
		}
	}
	if wrong < 18 {
		t.Errorf("a wrong key decrypted %d times in 20", 20-wrong)
	}
	for _, tc := range []struct{ key, ct, why string }{
		{"short", vectorCiphertext, "16 bytes"},
		{vectorKey, "%%%", "not base64"},
		{vectorKey, "AAAA", "whole AES blocks"},
	} {
		if _, err := decryptPush(tc.key, tc.ct); err == nil || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("decrypt(%q, %q): %v, want %q", tc.key, tc.ct, err, tc.why)
		}
	}
}
