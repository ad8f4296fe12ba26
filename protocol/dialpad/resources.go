package dialpad

// The REST resources that manage the socket, as the spec "api v2"
// defines them (schemas.websocket.*, schemas.*_event_subscription.*).
// Every field the spec marks nullable is a pointer or omitted when empty,
// so a body evtap sends says only what the user asked for.

// API paths.
const (
	PathWebsockets    = "/api/v2/websockets"
	PathSubscriptions = "/api/v2/subscriptions"
)

// WebsocketPath is the path of one websocket.
func WebsocketPath(id string) string { return PathWebsockets + "/" + id }

// SubscriptionsPath is the collection of one kind of subscription.
func SubscriptionsPath(t Type) string { return PathSubscriptions + "/" + string(t) }

// SubscriptionPath is the path of one subscription.
func SubscriptionPath(t Type, id string) string { return SubscriptionsPath(t) + "/" + id }

// WebsocketProto is a websocket entity (schemas.websocket.WebsocketProto).
// A GET of it mints a fresh websocket_url each time.
type WebsocketProto struct {
	ID           ID              `json:"id,omitempty"`
	Signature    *SignatureProto `json:"signature,omitempty"`
	WebsocketURL string          `json:"websocket_url,omitempty"`
}

// SignatureProto says how events are signed: algo "HS256", type "jwt",
// and the shared secret, which the server echoes back.
type SignatureProto struct {
	Algo   string `json:"algo,omitempty"`
	Secret string `json:"secret,omitempty"`
	Type   string `json:"type,omitempty"`
}

// WebhookProto is the other kind of endpoint a subscription can point
// at; evtap only shows that a subscription is on one.
type WebhookProto struct {
	HookURL   string          `json:"hook_url,omitempty"`
	ID        ID              `json:"id,omitempty"`
	Signature *SignatureProto `json:"signature,omitempty"`
}

// WebsocketCollection is one page of GET /api/v2/websockets.
type WebsocketCollection struct {
	Cursor string           `json:"cursor,omitempty"`
	Items  []WebsocketProto `json:"items,omitempty"`
}

// CreateWebsocket is the body of POST /api/v2/websockets. With a secret,
// events are sent as HS256 JWTs signed with it; without, as plain JSON.
type CreateWebsocket struct {
	Secret *string `json:"secret,omitempty"`
}

// UpdateWebsocket is the body of PATCH /api/v2/websockets/{id}: it
// changes the secret, which applies to the next event.
type UpdateWebsocket struct {
	Secret *string `json:"secret,omitempty"`
}

// Type is a kind of event subscription: the last segment of its path.
type Type string

// The five kinds of event subscription.
const (
	TypeCall        Type = "call"
	TypeSMS         Type = "sms"
	TypeAgentStatus Type = "agent_status"
	TypeContact     Type = "contact"
	TypeChangelog   Type = "changelog"
)

// Types lists them in the order evtap shows them.
var Types = []Type{TypeCall, TypeSMS, TypeAgentStatus, TypeContact, TypeChangelog}

// Attachment is what every subscription Proto carries besides its own
// fields: its id and the endpoint it sends to.
type Attachment struct {
	ID        ID              `json:"id,omitempty"`
	Webhook   *WebhookProto   `json:"webhook,omitempty"`
	Websocket *WebsocketProto `json:"websocket,omitempty"`
}

// CallSubscriptionProto is schemas.call_event_subscription.CallEventSubscriptionProto.
type CallSubscriptionProto struct {
	CallStates     []string `json:"call_states,omitempty"`
	Enabled        *bool    `json:"enabled,omitempty"`
	GroupCallsOnly *bool    `json:"group_calls_only,omitempty"`
	TargetID       ID       `json:"target_id,omitempty"`
	TargetType     string   `json:"target_type,omitempty"`
	Attachment
}

// CallSubscriptionBody is the body of a call subscription's create and
// update (the spec's Create… and Update… schemas have the same fields).
type CallSubscriptionBody struct {
	CallStates     []string `json:"call_states,omitempty"`
	Enabled        *bool    `json:"enabled,omitempty"`
	EndpointID     IntID    `json:"endpoint_id,omitempty"`
	GroupCallsOnly *bool    `json:"group_calls_only,omitempty"`
	TargetID       IntID    `json:"target_id,omitempty"`
	TargetType     string   `json:"target_type,omitempty"`
}

// SMSSubscriptionProto is schemas.sms_event_subscription.SmsEventSubscriptionProto.
type SMSSubscriptionProto struct {
	Direction       string `json:"direction,omitempty"`
	Enabled         *bool  `json:"enabled,omitempty"`
	IncludeInternal *bool  `json:"include_internal,omitempty"`
	Status          *bool  `json:"status,omitempty"`
	TargetID        ID     `json:"target_id,omitempty"`
	TargetType      string `json:"target_type,omitempty"`
	Attachment
}

// SMSSubscriptionBody is the body of an SMS subscription's create and
// update; direction is required on create.
type SMSSubscriptionBody struct {
	Direction       string `json:"direction,omitempty"`
	Enabled         *bool  `json:"enabled,omitempty"`
	EndpointID      IntID  `json:"endpoint_id,omitempty"`
	IncludeInternal *bool  `json:"include_internal,omitempty"`
	Status          *bool  `json:"status,omitempty"`
	TargetID        IntID  `json:"target_id,omitempty"`
	TargetType      string `json:"target_type,omitempty"`
}

// AgentStatusSubscriptionProto is
// schemas.agent_status_event_subscription.AgentStatusEventSubscriptionProto.
type AgentStatusSubscriptionProto struct {
	AgentType string `json:"agent_type,omitempty"`
	Enabled   *bool  `json:"enabled,omitempty"`
	Attachment
}

// AgentStatusSubscriptionBody is the body of an agent-status
// subscription's create (agent_type required) and update.
type AgentStatusSubscriptionBody struct {
	AgentType  string `json:"agent_type,omitempty"`
	Enabled    *bool  `json:"enabled,omitempty"`
	EndpointID IntID  `json:"endpoint_id,omitempty"`
}

// ContactSubscriptionProto is
// schemas.contact_event_subscription.ContactEventSubscriptionProto.
type ContactSubscriptionProto struct {
	ContactType string `json:"contact_type,omitempty"`
	Enabled     *bool  `json:"enabled,omitempty"`
	Attachment
}

// ContactSubscriptionBody is the body of a contact subscription's create
// and update; contact_type is required on both.
type ContactSubscriptionBody struct {
	ContactType string `json:"contact_type,omitempty"`
	Enabled     *bool  `json:"enabled,omitempty"`
	EndpointID  IntID  `json:"endpoint_id,omitempty"`
}

// ChangelogSubscriptionProto is
// schemas.change_log_event_subscription.ChangeLogEventSubscriptionProto.
type ChangelogSubscriptionProto struct {
	Enabled *bool `json:"enabled,omitempty"`
	Attachment
}

// ChangelogSubscriptionBody is the body of a change-log subscription's
// create and update.
type ChangelogSubscriptionBody struct {
	Enabled    *bool `json:"enabled,omitempty"`
	EndpointID IntID `json:"endpoint_id,omitempty"`
}

// SubscriptionProto is any of the five Protos, read loosely: the union
// of their fields, so one answer type serves every path.
type SubscriptionProto struct {
	CallStates      []string `json:"call_states,omitempty"`
	Direction       string   `json:"direction,omitempty"`
	AgentType       string   `json:"agent_type,omitempty"`
	ContactType     string   `json:"contact_type,omitempty"`
	Enabled         *bool    `json:"enabled,omitempty"`
	GroupCallsOnly  *bool    `json:"group_calls_only,omitempty"`
	IncludeInternal *bool    `json:"include_internal,omitempty"`
	Status          *bool    `json:"status,omitempty"`
	TargetID        ID       `json:"target_id,omitempty"`
	TargetType      string   `json:"target_type,omitempty"`
	Attachment
}

// SubscriptionCollection is one page of a subscription list.
type SubscriptionCollection struct {
	Cursor string              `json:"cursor,omitempty"`
	Items  []SubscriptionProto `json:"items,omitempty"`
}

// IsEnabled is the proto's enabled, true when absent (the spec's
// default).
func (p *SubscriptionProto) IsEnabled() bool { return p.Enabled == nil || *p.Enabled }

// EndpointID is the websocket (or webhook) the subscription sends to,
// and which of the two it is.
func (p *SubscriptionProto) EndpointID() (id string, websocket bool) {
	switch {
	case p.Websocket != nil:
		return string(p.Websocket.ID), true
	case p.Webhook != nil:
		return string(p.Webhook.ID), false
	}
	return "", false
}
