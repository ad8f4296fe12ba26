package voipbin

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Permission bits of an agent (A4; bin-agent-manager's agent model).
const (
	PermProjectSuperAdmin uint64 = 0x1
	PermCustomerAgent     uint64 = 0x10
	PermCustomerAdmin     uint64 = 0x20
	PermCustomerManager   uint64 = 0x40
)

// ExpireLayout is how VoIPBin writes the JWT's expire claim (A0): a
// string, compared by the server as a string, never the standard exp.
const ExpireLayout = "2006-01-02T15:04:05.000000Z"

// Token types, the JWT's "type" claim (A2). A missing type means agent.
const (
	TokenAgent    = "agent"
	TokenDirect   = "direct"
	TokenDelegate = "delegate"
)

// Claims are the parts of a VoIPBin JWT a client can use: who the token
// speaks for, with which permission, and until when. They are read from
// the token's payload without checking its signature (only the server
// holds the key), so they say what the server will be told, not that it
// will agree.
type Claims struct {
	Type   string       `json:"type"`
	Agent  *AgentClaim  `json:"agent,omitempty"`
	Direct *DirectClaim `json:"direct,omitempty"`
	// Expire is the expire claim verbatim ("2026-08-29T10:00:00.000000Z").
	Expire string `json:"expire,omitempty"`
}

// AgentClaim is the agent object of an agent token (the fields evtap
// uses; the token carries the whole Agent).
type AgentClaim struct {
	ID         string `json:"id"`
	CustomerID string `json:"customer_id"`
	Username   string `json:"username,omitempty"`
	Name       string `json:"name,omitempty"`
	Permission uint64 `json:"permission"`
}

// DirectClaim is the direct object of a direct token.
type DirectClaim struct {
	CustomerID           string   `json:"customer_id"`
	ResourceType         string   `json:"resource_type,omitempty"`
	ResourceID           string   `json:"resource_id,omitempty"`
	AllowedResourceTypes []string `json:"allowed_resource_types,omitempty"`
}

// ExpireTime parses Expire; ok is false when it is absent or unreadable.
func (c Claims) ExpireTime() (t time.Time, ok bool) {
	if c.Expire == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{ExpireLayout, time.RFC3339Nano} {
		if t, err := time.Parse(layout, c.Expire); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// DecodeJWT reads the claims of a JWT without verifying it. An error
// means the text is not a JWT whose payload is a JSON object.
func DecodeJWT(token string) (Claims, error) {
	var c Claims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c, errors.New("not a JWT: expected three dot-separated parts")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return c, errors.New("not a JWT: the payload is not base64url")
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return c, errors.New("not a JWT: the payload is not the expected JSON object: " + err.Error())
	}
	if c.Type == "" {
		c.Type = TokenAgent // the server's reading of a missing type (A2)
	}
	return c, nil
}

// CredentialKind says what kind of identity opens the socket.
type CredentialKind int

// The identities (A2). CredentialUnknown is a token whose claims could
// not be read: only the grammar can be checked for it.
const (
	CredentialUnknown CredentialKind = iota
	CredentialAgent
	CredentialAccessKey
	CredentialDirect
	CredentialDelegate
)

// Credential is what is known locally of the identity the server will
// check topics against (A4). Empty ids mean unknown, not "none".
type Credential struct {
	Kind       CredentialKind
	AgentID    string
	CustomerID string
	Permission uint64
	// AllowedResourceTypes, ResourceType and ResourceID are a direct
	// token's.
	AllowedResourceTypes     []string
	ResourceType, ResourceID string
}

// CredentialOf turns a token's claims into what the validator checks.
func CredentialOf(c Claims) Credential {
	switch {
	case c.Type == TokenDirect && c.Direct != nil:
		return Credential{Kind: CredentialDirect, CustomerID: c.Direct.CustomerID, AllowedResourceTypes: c.Direct.AllowedResourceTypes,
			ResourceType: c.Direct.ResourceType, ResourceID: c.Direct.ResourceID}
	case c.Type == TokenDelegate:
		return Credential{Kind: CredentialDelegate}
	case c.Type == TokenAgent && c.Agent != nil:
		return Credential{Kind: CredentialAgent, AgentID: c.Agent.ID, CustomerID: c.Agent.CustomerID, Permission: c.Agent.Permission}
	}
	return Credential{}
}

// AccessKeyCredential is an access key: it counts as CustomerAdmin and
// has no agent id (A4). Its customer is not in the key; pass it when
// known.
func AccessKeyCredential(customerID string) Credential {
	return Credential{Kind: CredentialAccessKey, CustomerID: customerID, Permission: PermCustomerAdmin}
}

// CanOpenSocket reports whether this identity may open /v1.0/ws at all:
// agent, access key and direct only (A2). A delegate token gets HTTP 200
// with no upgrade.
func (c Credential) CanOpenSocket() bool { return c.Kind != CredentialDelegate }

// Role words the permission for a person: "super admin", "admin",
// "manager", "agent", or "" when unknown.
func (c Credential) Role() string {
	switch {
	case c.Kind == CredentialAccessKey:
		return "access key (counts as admin)"
	case c.Kind == CredentialDirect:
		return "direct token"
	case c.Kind != CredentialAgent:
		return ""
	case c.Permission&PermProjectSuperAdmin != 0:
		return "super admin"
	case c.Permission&PermCustomerAdmin != 0:
		return "admin"
	case c.Permission&PermCustomerManager != 0:
		return "manager"
	case c.Permission&PermCustomerAgent != 0:
		return "agent"
	}
	return "no permission bits"
}
