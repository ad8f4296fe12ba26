package dialpad

// The enums of the spec's subscription schemas, verbatim.
var (
	// CallStates is the call_states enum. "all" is a filter that matches
	// every state; the others are the states a call event carries.
	CallStates = []string{"admin", "admin_recording", "ai_playbook", "all", "barge", "blocked",
		"call_transcription", "calling", "connected", "csat", "dispositions", "eavesdrop", "hangup",
		"hold", "merged", "missed", "monitor", "parked", "pcsat", "postcall", "preanswer", "queued",
		"recap_action_items", "recap_outcome", "recap_purposes", "recap_summary", "recording",
		"ringing", "takeover", "transcription", "voicemail", "voicemail_uploaded"}
	// TargetTypes is the target_type enum of call and sms subscriptions.
	TargetTypes = []string{"callcenter", "callrouter", "channel", "coachinggroup", "coachingteam",
		"department", "office", "room", "staffgroup", "unknown", "user"}
	// SMSDirections is the sms subscriptions' direction enum.
	SMSDirections = []string{"all", "inbound", "outbound"}
	// AgentTypes is the agent_status subscriptions' agent_type enum.
	AgentTypes = []string{"callcenter"}
	// ContactTypes is the contact subscriptions' contact_type enum.
	ContactTypes = []string{"local", "shared"}
)

// Event subscription types: the path segment under /api/v2/subscriptions/,
// the type in a subscription-scoped token's sub, and the type of a
// ledger entry.
const (
	KindCall        = "call"
	KindSMS         = "sms"
	KindAgentStatus = "agent_status"
	KindContact     = "contact"
	KindChangelog   = "changelog"
)

// Kinds lists the subscription types in the spec's order of paths.
var Kinds = []string{KindAgentStatus, KindCall, KindChangelog, KindContact, KindSMS}

// subKind describes one event subscription resource.
type subKind struct {
	name     string // path segment: call
	title    string // for messages: call event subscription
	op       string // operationId prefix, for rate-limit buckets and logs
	targeted bool   // takes target_type/target_id and filters lists by them
	// required fields on create and on update (beyond what every type
	// shares); the spec's "required" lists.
	required, requiredUpdate []string
}

var kinds = map[string]*subKind{
	KindCall:        {name: KindCall, title: "call event subscription", op: "webhook_call_event_subscription", targeted: true},
	KindSMS:         {name: KindSMS, title: "SMS event subscription", op: "webhook_sms_event_subscription", targeted: true, required: []string{"direction"}},
	KindAgentStatus: {name: KindAgentStatus, title: "agent status event subscription", op: "webhook_agent_status_event_subscription", required: []string{"agent_type"}},
	KindContact:     {name: KindContact, title: "contact event subscription", op: "webhook_contact_event_subscription", required: []string{"contact_type"}, requiredUpdate: []string{"contact_type"}},
	KindChangelog:   {name: KindChangelog, title: "change log event subscription", op: "webhook_change_log_event_subscription"},
}

func kindByName(name string) *subKind { return kinds[name] }
