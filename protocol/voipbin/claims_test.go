package voipbin

import (
	"encoding/base64"
	"testing"
	"time"
)

// jwt builds an unsigned-looking JWT around claims (the signature is
// never checked by a client).
func jwt(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc([]byte(claims)) + ".c2ln"
}

// The claims login mints (A0): type agent, the agent object with its
// permission bitmask, and a string expire, no exp.
func TestDecodeJWTReadsTheAgentAndTheStringExpire(t *testing.T) {
	tok := jwt(`{"type":"agent","agent":{"id":"` + agentID + `","customer_id":"` + customer + `","username":"alice@example.com",` +
		`"name":"Alice","permission":64,"status":"available","tag_ids":[]},"expire":"2026-08-29T10:00:00.000000Z"}`)
	c, err := DecodeJWT(tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.Type != TokenAgent || c.Agent == nil || c.Agent.ID != agentID || c.Agent.CustomerID != customer || c.Agent.Permission != PermCustomerManager {
		t.Fatalf("claims = %+v (agent %+v)", c, c.Agent)
	}
	exp, ok := c.ExpireTime()
	if !ok || !exp.Equal(time.Date(2026, 8, 29, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("expire = %v, %v", exp, ok)
	}
	cred := CredentialOf(c)
	if cred.Kind != CredentialAgent || cred.Role() != "manager" || cred.AgentID != agentID {
		t.Fatalf("credential = %+v (%s)", cred, cred.Role())
	}
}

// A missing type is read as agent, as the server does (A2).
func TestDecodeJWTWithoutTypeIsAnAgentToken(t *testing.T) {
	c, err := DecodeJWT(jwt(`{"agent":{"id":"` + agentID + `","customer_id":"` + customer + `","permission":16}}`))
	if err != nil || c.Type != TokenAgent || CredentialOf(c).Role() != "agent" {
		t.Fatalf("claims = %+v, %v", c, err)
	}
}

func TestDecodeJWTDirectAndDelegate(t *testing.T) {
	c, err := DecodeJWT(jwt(`{"type":"direct","direct":{"customer_id":"` + customer + `","resource_type":"call","resource_id":"` + callID + `","allowed_resource_types":["call","recording"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	cred := CredentialOf(c)
	if cred.Kind != CredentialDirect || cred.CustomerID != customer || len(cred.AllowedResourceTypes) != 2 {
		t.Fatalf("direct credential = %+v", cred)
	}
	c, err = DecodeJWT(jwt(`{"type":"delegate","aud":"voipbin-api"}`))
	if err != nil || CredentialOf(c).CanOpenSocket() {
		t.Fatalf("a delegate token may open the socket: %+v, %v", c, err)
	}
}

func TestDecodeJWTRefusesWhatIsNotAJWT(t *testing.T) {
	for _, tok := range []string{"", "vb_abc123", "a.b", "a.!!!.c", "a." + base64.RawURLEncoding.EncodeToString([]byte("[1]")) + ".c"} {
		if _, err := DecodeJWT(tok); err == nil {
			t.Errorf("DecodeJWT(%q) accepted it", tok)
		}
	}
}

func TestExpireInRFC3339AndGarbage(t *testing.T) {
	if _, ok := (Claims{Expire: "2026-08-29T10:00:00Z"}).ExpireTime(); !ok {
		t.Error("RFC 3339 expire not read")
	}
	if _, ok := (Claims{Expire: "next week"}).ExpireTime(); ok {
		t.Error("garbage expire read as a time")
	}
}
