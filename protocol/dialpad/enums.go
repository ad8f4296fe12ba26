package dialpad

// The enums below are copied from the OpenAPI spec "api v2" shipped in
// dialpad/dialpad-python-sdk (dialpad_api_spec.json): the schemas
// CreateCallEventSubscription, CreateSmsEventSubscription,
// CreateAgentStatusEventSubscription and CreateContactEventSubscription.

// CallStates are the values of a call subscription's call_states. "all"
// is a filter that matches every state, not a state an event carries.
var CallStates = []string{
	"admin", "admin_recording", "ai_playbook", "all", "barge", "blocked",
	"call_transcription", "calling", "connected", "csat", "dispositions",
	"eavesdrop", "hangup", "hold", "merged", "missed", "monitor", "parked",
	"pcsat", "postcall", "preanswer", "queued", "recap_action_items",
	"recap_outcome", "recap_purposes", "recap_summary", "recording",
	"ringing", "takeover", "transcription", "voicemail", "voicemail_uploaded",
}

// TargetTypes are the values of target_type.
var TargetTypes = []string{
	"callcenter", "callrouter", "channel", "coachinggroup", "coachingteam",
	"department", "office", "room", "staffgroup", "unknown", "user",
}

// SMSDirections are the values of an SMS subscription's direction.
var SMSDirections = []string{"all", "inbound", "outbound"}

// AgentTypes are the values of an agent-status subscription's
// agent_type: the spec allows one.
var AgentTypes = []string{"callcenter"}

// ContactTypes are the values of a contact subscription's contact_type.
var ContactTypes = []string{"local", "shared"}

// OnDutyStatuses are the agent-status event's on_duty_status values
// named by the agent-status events page.
var OnDutyStatuses = []string{"available", "unavailable", "occupied", "wrapup", "busy"}
