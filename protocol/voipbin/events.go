package voipbin

import "strings"

// EventTypes lists, per topic resource, the event types VoIPBin publishes
// to customers (A8), in the order a resource usually passes through them.
// queue_* and conferencecall_* are defined in VoIPBin's source but never
// published, so they are absent.
var EventTypes = map[string][]string{
	"call": {"call_created", "call_dialing", "call_ringing", "call_progressing", "call_updated",
		"call_terminating", "call_canceling", "call_hangup", "call_deleted"},
	"groupcall":  {"groupcall_created", "groupcall_progressing", "groupcall_hangup", "groupcall_deleted"},
	"recording":  {"recording_started", "recording_finished"},
	"activeflow": {"activeflow_created", "activeflow_updated", "activeflow_deleted"},
	"agent":      {"agent_created", "agent_updated", "agent_status_updated", "agent_deleted"},
	"queuecall": {"queuecall_created", "queuecall_waiting", "queuecall_connecting", "queuecall_serviced",
		"queuecall_done", "queuecall_abandoned", "queuecall_deleted"},
	"conference": {"conference_created", "conference_updated", "conference_deleted"},
	"message":    {"message_created", "message_updated", "message_deleted"},
	"transcribe": {"transcribe_created", "transcribe_progressing", "transcribe_done",
		"transcribe_speech_started", "transcribe_speech_interim", "transcribe_speech_ended"},
	"transcript": {"transcript_created"},
}

// Resources are the topic resources of EventTypes in a stable order, plus
// the others VoIPBin is known to publish (A8's "also published"), whose
// names matter for prefix surprises (…:campaign also matches campaigncall).
var Resources = []string{"call", "groupcall", "recording", "activeflow", "agent", "queuecall", "conference",
	"message", "transcribe", "transcript", "campaign", "campaigncall", "outdial", "number", "ai", "aicall",
	"aimessage", "team", "summary", "email", "conversation", "account", "chat", "chatmessage",
	"chatparticipant", "webchat"}

// ResourceOf is the topic resource of an event type: the text before its
// first "_" (A7).
func ResourceOf(eventType string) string {
	r, _, _ := strings.Cut(eventType, "_")
	return r
}

// EventTypePrefixes are the 4-part event-type prefixes of scope:id for
// the event types of resources, the pattern VoIPBin's own client uses
// (A10): each prefix matches only the new-format topic string, so each
// event arrives once and the topic names its type.
func EventTypePrefixes(scope, id string, resources ...string) []string {
	var out []string
	for _, r := range resources {
		for _, t := range EventTypes[r] {
			out = append(out, scope+":"+id+":"+r+":"+t)
		}
	}
	return out
}

// MCPTopics are the five topics VoIPBin's own client (voipbin-mcp's
// EventHub) subscribes for a customer (A10).
func MCPTopics(customerID string) []string {
	p := ScopeCustomer + ":" + customerID + ":"
	return []string{p + "call:call_created", p + "call:call_progressing", p + "call:call_hangup",
		p + "transcript:transcript_created", p + "transcribe:transcribe_speech_interim"}
}

// commonResources are the resources a debugging session watches by
// default: those whose events the notes describe (A8, A11).
var commonResources = []string{"call", "activeflow", "agent", "queuecall", "conference", "message", "recording", "transcribe", "transcript"}

// DefaultTopics are the topics to subscribe when none are given, for
// what credential c may subscribe (A4). Each is ResourceTopic of a
// resource: every event of it, once. For a customer's admin or manager
// (or an access key whose customer is known) the common resources of
// the customer; for a plain agent those that carry an owner (calls, group
// calls, recordings) under its agent_id; for a direct token the 4-part
// topic of its own resource. nil when c does not say enough (an access
// key alone does not name its customer).
func DefaultTopics(c Credential) []string {
	each := func(scope, id string, resources []string) []string {
		out := make([]string, len(resources))
		for i, r := range resources {
			out[i] = ResourceTopic(scope, id, r)
		}
		return out
	}
	switch {
	case c.Kind == CredentialDirect:
		if c.CustomerID == "" || c.ResourceType == "" || c.ResourceID == "" {
			return nil
		}
		return []string{ScopeCustomer + ":" + c.CustomerID + ":" + c.ResourceType + ":" + c.ResourceID}
	case c.CustomerID != "" && (c.Kind == CredentialAccessKey || c.Permission&(PermProjectSuperAdmin|PermCustomerAdmin|PermCustomerManager) != 0):
		return each(ScopeCustomer, c.CustomerID, commonResources)
	case c.Kind == CredentialAgent && c.AgentID != "":
		return each(ScopeAgent, c.AgentID, []string{"call", "groupcall", "recording"})
	}
	return nil
}

// ResourceTopic is the topic that receives every event of a resource
// exactly once: "<scope>:<id>:<resource>:<resource>_". It is a raw
// prefix (A5) of the new-format topic string of every event type of the
// resource ("…:call:call_hangup:<id>"), and of no old-format string,
// whose fourth part is an id. A 3-part prefix would match both strings
// and receive every event twice.
func ResourceTopic(scope, id, resource string) string {
	return scope + ":" + id + ":" + resource + ":" + resource + "_"
}
