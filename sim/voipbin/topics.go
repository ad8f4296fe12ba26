package voipbin

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Topic scopes (parts[0]).
const (
	scopeCustomer = "customer_id"
	scopeAgent    = "agent_id"
)

// validateTopic applies VoIPBin's validateTopics rules (notes A4) to one
// topic for identity who. A non-nil error means the server would drop
// the connection; its text says why, for the operator log.
func validateTopic(who identity, topic string) error {
	parts := strings.Split(topic, ":")
	if len(parts) < 2 {
		return errors.New("fewer than 2 parts")
	}
	id, err := parseUUID(parts[1])
	if err != nil || id.IsNil() {
		return fmt.Errorf("%q is not a non-nil UUID", parts[1])
	}
	if parts[0] != scopeCustomer && parts[0] != scopeAgent {
		return fmt.Errorf("scope %q is neither customer_id nor agent_id", parts[0])
	}
	if who.permission&PermProjectSuperAdmin != 0 {
		return nil
	}
	if parts[0] == scopeAgent {
		if who.agentID.IsNil() {
			return fmt.Errorf("a %s has no agent id, so no agent_id topic", who.kind)
		}
		if id != who.agentID {
			return errors.New("agent_id topics are only for the agent itself")
		}
		return nil
	}
	if id != who.customerID {
		return errors.New("another customer's topic")
	}
	if who.kind == kindDirect {
		if len(parts) != 4 {
			return fmt.Errorf("a direct token may use only 4-part customer topics, not %d parts", len(parts))
		}
		if !slices.Contains(who.allowed, parts[2]) {
			return fmt.Errorf("resource %q is not in the direct token's allowed_resource_types", parts[2])
		}
		return nil
	}
	if who.permission&(PermCustomerAdmin|PermCustomerManager) == 0 {
		return errors.New("customer_id topics need CustomerAdmin (0x20) or CustomerManager (0x40)")
	}
	return nil
}

// topicFields are the fields of an event's data that its topics are
// built from; the special cases (aimessage, chat, webchat) add theirs.
type topicFields struct {
	ID             uuid   `json:"id"`
	CustomerID     uuid   `json:"customer_id"`
	OwnerID        uuid   `json:"owner_id"`
	AIcallID       uuid   `json:"aicall_id"`
	ChatID         uuid   `json:"chat_id"`
	SessionID      uuid   `json:"session_id"`
	ParticipantIDs []uuid `json:"participant_ids"`
}

// resourceOf is X of an event type X_Y: the text before the first "_".
func resourceOf(eventType string) string {
	x, _, _ := strings.Cut(eventType, "_")
	return x
}

// publishTopics is every topic string VoIPBin publishes an event under
// (notes A7, createTopics): the old 4-part form (with its special cases)
// and the new 5-part form that names the event type, each for the
// customer and, when the data has an owner, for the owning agent. A
// missing customer_id (an injected resource without one) counts as
// defaultCustomer so the event can still reach a subscriber.
func publishTopics(eventType string, data []byte, defaultCustomer uuid) []string {
	var f topicFields
	_ = json.Unmarshal(data, &f) // a field of another type stays unset, as it would in Go
	if f.CustomerID.IsNil() {
		f.CustomerID = defaultCustomer
	}
	x := resourceOf(eventType)
	c := scopeCustomer + ":" + f.CustomerID.String()
	var out []string
	switch {
	case x == "aimessage":
		out = append(out, c+":aicall:"+f.AIcallID.String())
	case x == "chat" || x == "chatmessage" || x == "chatparticipant":
		chat := f.ChatID
		if x == "chat" && chat.IsNil() {
			chat = f.ID
		}
		out = append(out, c+":chat:"+chat.String())
		agents := append([]uuid{f.OwnerID}, f.ParticipantIDs...)
		for i, a := range agents {
			if !a.IsNil() && !slices.Contains(agents[:i], a) {
				out = append(out, scopeAgent+":"+a.String()+":chat:"+chat.String())
			}
		}
	case x == "webchat":
		sess := f.SessionID
		if sess.IsNil() {
			sess = f.ID
		}
		out = append(out, c+":webchat_session:"+sess.String())
	default:
		out = append(out, c+":"+x+":"+f.ID.String())
		if !f.OwnerID.IsNil() {
			out = append(out, scopeAgent+":"+f.OwnerID.String()+":"+x+":"+f.ID.String())
		}
	}
	out = append(out, c+":"+x+":"+eventType+":"+f.ID.String())
	if !f.OwnerID.IsNil() {
		out = append(out, scopeAgent+":"+f.OwnerID.String()+":"+x+":"+eventType+":"+f.ID.String())
	}
	return out
}
