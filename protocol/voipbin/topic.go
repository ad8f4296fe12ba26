package voipbin

import (
	"fmt"
	"slices"
	"strings"
)

// Topic scopes, the first part of every topic (A4).
const (
	ScopeCustomer = "customer_id"
	ScopeAgent    = "agent_id"
)

// Reason names which of the server's checks a topic fails (A4).
type Reason string

// The reasons a topic is refused.
const (
	ReasonGrammar    Reason = "grammar"     // not <scope>:<uuid>[:…]
	ReasonPermission Reason = "permission"  // the credential lacks the permission bit
	ReasonCustomer   Reason = "customer id" // another customer's topic
	ReasonAgent      Reason = "agent id"    // another agent's topic, or an identity with no agent
	ReasonDirect     Reason = "direct token"
)

// TopicError says why the server would refuse a topic. VoIPBin refuses by
// dropping the connection without a close frame or a message (A3), so
// this is the only explanation a user gets.
type TopicError struct {
	Topic  string
	Reason Reason
	Msg    string
}

func (e *TopicError) Error() string { return string(e.Reason) + ": " + e.Msg }

// Topic is a topic split into its parts.
type Topic struct {
	Scope    string   // customer_id or agent_id
	ID       string   // parts[1] as written
	Resource string   // parts[2], "" when absent
	Rest     []string // parts[3:]
	Parts    int      // how many ":"-separated parts
}

// ParseTopic checks the grammar the server checks (A4): at least two
// parts, a non-nil UUID second, and customer_id or agent_id first, in the
// server's order.
func ParseTopic(topic string) (Topic, error) {
	parts := strings.Split(topic, ":")
	if len(parts) < 2 {
		return Topic{}, &TopicError{topic, ReasonGrammar, "a topic is <customer_id|agent_id>:<uuid>[:<resource>[:<id or event type>]]"}
	}
	id, ok := parseUUID(parts[1])
	if !ok {
		return Topic{}, &TopicError{topic, ReasonGrammar, fmt.Sprintf("%q (the second part) is not a UUID", clean(parts[1], 40))}
	}
	if id == NilUUID {
		return Topic{}, &TopicError{topic, ReasonGrammar, "the second part is the nil UUID"}
	}
	if parts[0] != ScopeCustomer && parts[0] != ScopeAgent {
		return Topic{}, &TopicError{topic, ReasonGrammar, fmt.Sprintf("%q must be customer_id or agent_id", clean(parts[0], 40))}
	}
	t := Topic{Scope: parts[0], ID: parts[1], Parts: len(parts)}
	if len(parts) > 2 {
		t.Resource, t.Rest = parts[2], parts[3:]
	}
	return t, nil
}

// ValidateTopic says why the server would refuse topic for credential c,
// or nil when it would accept it as far as can be known locally (A4). An
// unknown credential is checked for grammar only; an unknown customer or
// agent id is not held against the topic.
func ValidateTopic(topic string, c Credential) error {
	t, err := ParseTopic(topic)
	if err != nil {
		return err
	}
	refuse := func(r Reason, format string, args ...any) error {
		return &TopicError{topic, r, fmt.Sprintf(format, args...)}
	}
	id, _ := parseUUID(t.ID)
	switch c.Kind {
	case CredentialUnknown:
		return nil
	case CredentialDelegate:
		return refuse(ReasonPermission, "a delegate token cannot open the socket at all")
	}
	if c.Kind == CredentialAgent && c.Permission&PermProjectSuperAdmin != 0 {
		return nil
	}
	otherCustomer := c.CustomerID != "" && !sameUUID(c.CustomerID, id)
	if t.Scope == ScopeAgent {
		switch {
		case c.Kind == CredentialAccessKey:
			return refuse(ReasonAgent, "an access key has no agent id, so no agent_id topic is allowed; use a customer_id topic")
		case c.Kind == CredentialDirect:
			return refuse(ReasonAgent, "a direct token has no agent id, so no agent_id topic is allowed")
		case c.AgentID != "" && !sameUUID(c.AgentID, id):
			return refuse(ReasonAgent, "agent_id topics are allowed only for the caller's own agent id %s", clean(c.AgentID, 40))
		}
		return nil
	}
	if otherCustomer {
		return refuse(ReasonCustomer, "the credential belongs to customer %s", clean(c.CustomerID, 40))
	}
	if c.Kind == CredentialDirect {
		if t.Parts != 4 {
			return refuse(ReasonDirect, "a direct token may subscribe only 4-part customer_id topics")
		}
		if !slices.Contains(c.AllowedResourceTypes, t.Resource) {
			return refuse(ReasonDirect, "%q is not among the token's allowed_resource_types %v", clean(t.Resource, 40), c.AllowedResourceTypes)
		}
		return nil
	}
	if c.Permission&(PermCustomerAdmin|PermCustomerManager) == 0 {
		return refuse(ReasonPermission, "customer_id topics need CustomerAdmin (0x20) or CustomerManager (0x40); this agent has permission 0x%x, so only agent_id:<its own id> topics", c.Permission)
	}
	return nil
}

// ValidateTopics checks every topic, as the server does before applying
// any (A3), and returns the reasons for all the refused ones.
func ValidateTopics(topics []string, c Credential) error {
	var errs []string
	for _, t := range topics {
		if err := ValidateTopic(t, c); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", clean(t, 120), err))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("the server would drop the connection on %d topic(s): %s", len(errs), strings.Join(errs, "; "))
}

// sameUUID compares two ids as UUIDs, as the server does (it parses
// both), so case and braces do not matter.
func sameUUID(a, canonicalB string) bool {
	ca, ok := parseUUID(a)
	return ok && ca == canonicalB
}

// Match is the server's matching rule (A5): a subscription matches a
// published topic when it is a raw string prefix of it, segment
// boundaries ignored.
func Match(subscription, published string) bool { return strings.HasPrefix(published, subscription) }
