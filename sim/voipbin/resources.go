package voipbin

import "time"

// The resources the socket carries: VoIPBin's WebhookMessage structs
// (notes A11) with their JSON tags. Two encoding rules matter to clients:
// ids are uuid, so an unset one is the zero UUID and never absent; a time
// is a *time.Time, so an unset one is absent where the field is tagged
// omitempty and null where it is not. Set times are Go's RFC 3339 with
// nanoseconds (trailing zeros trimmed, as encoding/json writes them).
//
// Where the notes name a field but not its inner shape (action.option,
// message targets, groupcall beyond identity and owner) the shape here is
// evtap's choice and docs/emulator-voipbin.md says so.

// resource is what every resource begins with: its id and its customer.
type resource struct {
	ID         uuid `json:"id"`
	CustomerID uuid `json:"customer_id"`
}

// lifetime is what most resources end with: when they were created,
// last updated and deleted, null until then.
type lifetime struct {
	TMCreate *time.Time `json:"tm_create"`
	TMUpdate *time.Time `json:"tm_update"`
	TMDelete *time.Time `json:"tm_delete"`
}

// lifetimeOmit is lifetime for the resources that tag it omitempty (call,
// groupcall, recording): absent until set.
type lifetimeOmit struct {
	TMCreate *time.Time `json:"tm_create,omitempty"`
	TMUpdate *time.Time `json:"tm_update,omitempty"`
	TMDelete *time.Time `json:"tm_delete,omitempty"`
}

// address is VoIPBin's Address: every field omitempty.
type address struct {
	Type       string `json:"type,omitempty"`
	Target     string `json:"target,omitempty"`
	TargetName string `json:"target_name,omitempty"`
	Name       string `json:"name,omitempty"`
	Detail     string `json:"detail,omitempty"`
}

// flowAction is the call's current action.
type flowAction struct {
	ID        uuid           `json:"id"`
	NextID    uuid           `json:"next_id"`
	Type      string         `json:"type"`
	Option    map[string]any `json:"option,omitempty"`
	TMExecute *time.Time     `json:"tm_execute,omitempty"`
}

type call struct {
	resource
	OwnerType      string         `json:"owner_type"`
	OwnerID        uuid           `json:"owner_id"`
	FlowID         uuid           `json:"flow_id"`
	ActiveflowID   uuid           `json:"activeflow_id"`
	Type           string         `json:"type"`
	MasterCallID   uuid           `json:"master_call_id"`
	ChainedCallIDs []uuid         `json:"chained_call_ids"`
	RecordingID    uuid           `json:"recording_id"`
	RecordingIDs   []uuid         `json:"recording_ids"`
	GroupcallID    uuid           `json:"groupcall_id"`
	Source         address        `json:"source"`
	Destination    address        `json:"destination"`
	Status         string         `json:"status"`
	Action         flowAction     `json:"action"`
	Metadata       map[string]any `json:"metadata"`
	Direction      string         `json:"direction"`
	MuteDirection  string         `json:"mute_direction"`
	HangupBy       string         `json:"hangup_by"`
	HangupReason   string         `json:"hangup_reason"`
	TMProgressing  *time.Time     `json:"tm_progressing,omitempty"`
	TMRinging      *time.Time     `json:"tm_ringing,omitempty"`
	TMHangup       *time.Time     `json:"tm_hangup,omitempty"`
	lifetimeOmit
}

// groupcall: the notes give identity and owner only; the rest is evtap's
// choice.
type groupcall struct {
	resource
	OwnerType    string    `json:"owner_type"`
	OwnerID      uuid      `json:"owner_id"`
	FlowID       uuid      `json:"flow_id"`
	Source       address   `json:"source"`
	Destinations []address `json:"destinations"`
	CallIDs      []uuid    `json:"call_ids"`
	RingMethod   string    `json:"ring_method"`
	AnswerCallID uuid      `json:"answer_call_id"`
	Status       string    `json:"status"`
	lifetimeOmit
}

type recording struct {
	resource
	OwnerType     string     `json:"owner_type"`
	OwnerID       uuid       `json:"owner_id"`
	ActiveflowID  uuid       `json:"activeflow_id"`
	ReferenceType string     `json:"reference_type"`
	ReferenceID   uuid       `json:"reference_id"`
	Status        string     `json:"status"`
	Format        string     `json:"format"`
	OnEndFlowID   uuid       `json:"on_end_flow_id"`
	TMStart       *time.Time `json:"tm_start,omitempty"`
	TMEnd         *time.Time `json:"tm_end,omitempty"`
	lifetimeOmit
}

type activeflow struct {
	resource
	FlowID                uuid         `json:"flow_id"`
	Status                string       `json:"status"`
	ReferenceType         string       `json:"reference_type"`
	ReferenceID           uuid         `json:"reference_id"`
	ReferenceActiveflowID uuid         `json:"reference_activeflow_id"`
	OnCompleteFlowID      uuid         `json:"on_complete_flow_id"`
	WebhookURI            string       `json:"webhook_uri"`
	WebhookMethod         string       `json:"webhook_method"`
	CurrentAction         flowAction   `json:"current_action"`
	ForwardActionID       uuid         `json:"forward_action_id"`
	ExecutedActions       []flowAction `json:"executed_actions"`
	lifetime
}

// agent is what the socket's agent and the JWT's agent claim share.
type agent struct {
	resource
	Username   string    `json:"username"`
	Name       string    `json:"name"`
	Detail     string    `json:"detail"`
	RingMethod string    `json:"ring_method"`
	Status     string    `json:"status"`
	Permission uint64    `json:"permission"`
	TagIDs     []uuid    `json:"tag_ids"`
	Addresses  []address `json:"addresses"`
}

// agentEvent is the agent as the socket carries it: no owner_id, so it
// reaches only customer_id topics.
type agentEvent struct {
	agent
	DirectHash string `json:"direct_hash"`
	lifetime
}

// agentClaim is the agent as the JWT's agent claim carries it: the
// socket's fields plus direct_id (the password hash is never encoded).
type agentClaim struct {
	agent
	DirectID   uuid   `json:"direct_id"`
	DirectHash string `json:"direct_hash"`
	lifetime
}

type queuecall struct {
	resource
	ReferenceType   string     `json:"reference_type"`
	ReferenceID     uuid       `json:"reference_id"`
	Status          string     `json:"status"`
	ServiceAgentID  uuid       `json:"service_agent_id"`
	DurationWaiting int64      `json:"duration_waiting"` // ms
	DurationService int64      `json:"duration_service"` // ms
	TMCreate        *time.Time `json:"tm_create"`
	TMService       *time.Time `json:"tm_service"`
	TMUpdate        *time.Time `json:"tm_update"`
	TMDelete        *time.Time `json:"tm_delete"`
}

type conference struct {
	resource
	Type              string         `json:"type"`
	Status            string         `json:"status"`
	Name              string         `json:"name"`
	Detail            string         `json:"detail"`
	Data              map[string]any `json:"data"`
	Timeout           int            `json:"timeout"` // s
	PreFlowID         uuid           `json:"pre_flow_id"`
	PostFlowID        uuid           `json:"post_flow_id"`
	ConferencecallIDs []uuid         `json:"conferencecall_ids"`
	RecordingID       uuid           `json:"recording_id"`
	RecordingIDs      []uuid         `json:"recording_ids"`
	TranscribeID      uuid           `json:"transcribe_id"`
	TranscribeIDs     []uuid         `json:"transcribe_ids"`
	DirectHash        string         `json:"direct_hash"`
	TMEnd             *time.Time     `json:"tm_end"`
	lifetime
}

// messageTarget is one destination of an SMS: its shape is evtap's choice
// (the notes give targets[{…}]).
type messageTarget struct {
	Destination address    `json:"destination"`
	Status      string     `json:"status"`
	Parts       int        `json:"parts"`
	TMUpdate    *time.Time `json:"tm_update"`
}

type message struct {
	resource
	Type      string          `json:"type"`
	Source    address         `json:"source"`
	Targets   []messageTarget `json:"targets"`
	Text      string          `json:"text"`
	Direction string          `json:"direction"`
	lifetime
}

type transcribe struct {
	resource
	ActiveflowID  uuid   `json:"activeflow_id"`
	OnEndFlowID   uuid   `json:"on_end_flow_id"`
	ReferenceType string `json:"reference_type"`
	ReferenceID   uuid   `json:"reference_id"`
	Status        string `json:"status"`
	Language      string `json:"language"`
	Direction     string `json:"direction"`
	Provider      string `json:"provider"`
	lifetime
}

type transcript struct {
	resource
	TranscribeID uuid       `json:"transcribe_id"`
	Direction    string     `json:"direction"`
	Message      string     `json:"message"`
	TMTranscript *time.Time `json:"tm_transcript"`
	TMCreate     *time.Time `json:"tm_create"`
}

// speech is a transcribe_speech_* event: its id is fresh for every event,
// and message is absent on started and ended.
type speech struct {
	resource
	StreamingID  uuid       `json:"streaming_id"`
	TranscribeID uuid       `json:"transcribe_id"`
	Direction    string     `json:"direction"`
	Message      string     `json:"message,omitempty"`
	TMEvent      *time.Time `json:"tm_event"`
	TMCreate     *time.Time `json:"tm_create"`
}
