package voipbin

// Payloads as the socket carries them (A11's WebhookMessage fields, with
// the encoding rules there: nil UUIDs for unset ids, RFC 3339 times with
// nanoseconds, absent or null unset times). The customer and the
// activeflow are the ones of the seed document's example.

const (
	customer  = "5013bc52-da9a-11ee-844f-2fa34248de28"
	agentID   = "9f3e1c2a-1b2c-4d5e-8f90-a1b2c3d4e5f6"
	otherID   = "11111111-2222-4333-8444-555555555555"
	callID    = "c0ffee00-1234-4abc-9def-0123456789ab"
	flowRunID = "74ac5405-7c70-4184-9388-1c9f8f8ce25f"
)

// callPayload is a call of agent agentID, in status, as call_<status>
// or call_updated carries it.
func callPayload(status, hangupBy, hangupReason, tmUpdate string) string {
	return `{"id":"` + callID + `","customer_id":"` + customer + `","owner_type":"agent","owner_id":"` + agentID + `",` +
		`"flow_id":"5f3e0b64-8a27-11ee-b9d1-0242ac120002","activeflow_id":"` + flowRunID + `","type":"flow",` +
		`"master_call_id":"00000000-0000-0000-0000-000000000000","chained_call_ids":[],` +
		`"recording_id":"00000000-0000-0000-0000-000000000000","recording_ids":[],` +
		`"groupcall_id":"00000000-0000-0000-0000-000000000000",` +
		`"source":{"type":"tel","target":"+821100000001"},"destination":{"type":"tel","target":"+821100000002"},` +
		`"status":"` + status + `","action":{"id":"00000000-0000-0000-0000-000000000001","next_id":"00000000-0000-0000-0000-000000000000","type":"answer","tm_execute":"2026-08-22T10:00:01.000000000Z"},` +
		`"metadata":{},"direction":"outgoing","mute_direction":"","hangup_by":"` + hangupBy + `","hangup_reason":"` + hangupReason + `",` +
		`"tm_create":"2026-08-22T10:00:00.123456789Z","tm_update":"` + tmUpdate + `"}`
}

const activeflowPayload = `{"id":"` + flowRunID + `","customer_id":"` + customer + `",` +
	`"flow_id":"5f3e0b64-8a27-11ee-b9d1-0242ac120002","status":"running","reference_type":"call","reference_id":"` + callID + `",` +
	`"reference_activeflow_id":"00000000-0000-0000-0000-000000000000","on_complete_flow_id":"00000000-0000-0000-0000-000000000000",` +
	`"webhook_uri":"","webhook_method":"","current_action":{"id":"a1","type":"talk","option":{"text":"hello"}},` +
	`"forward_action_id":"00000000-0000-0000-0000-000000000000","executed_actions":[{"type":"answer"}],` +
	`"tm_create":"2026-08-22T10:00:00.2Z","tm_update":"2026-08-22T10:00:02.5Z","tm_delete":null}`

func agentPayload(status, tmUpdate string) string {
	return `{"id":"` + agentID + `","customer_id":"` + customer + `","username":"alice@example.com","name":"Alice",` +
		`"detail":"","ring_method":"ringall","status":"` + status + `","permission":32,"tag_ids":[],` +
		`"addresses":[{"type":"tel","target":"+821100000003"}],"direct_hash":"",` +
		`"tm_create":"2026-01-01T00:00:00Z","tm_update":"` + tmUpdate + `"}`
}

const queuecallPayload = `{"id":"3a4b5c6d-0000-4000-8000-000000000001","customer_id":"` + customer + `",` +
	`"reference_type":"call","reference_id":"` + callID + `","status":"service",` +
	`"service_agent_id":"` + agentID + `","duration_waiting":12300,"duration_service":0,` +
	`"tm_create":"2026-08-22T10:00:03Z","tm_service":"2026-08-22T10:00:15.3Z","tm_update":"2026-08-22T10:00:15.3Z","tm_delete":null}`

const conferencePayload = `{"id":"7e8f9a0b-0000-4000-8000-000000000002","customer_id":"` + customer + `","type":"conference",` +
	`"status":"progressing","name":"Sales standup","detail":"","data":{},"timeout":3600,` +
	`"pre_flow_id":"00000000-0000-0000-0000-000000000000","post_flow_id":"00000000-0000-0000-0000-000000000000",` +
	`"conferencecall_ids":["a","b","c"],"recording_id":"00000000-0000-0000-0000-000000000000","recording_ids":[],` +
	`"transcribe_id":"00000000-0000-0000-0000-000000000000","transcribe_ids":[],"direct_hash":"",` +
	`"tm_end":null,"tm_create":"2026-08-22T09:59:00Z","tm_update":"2026-08-22T10:00:04Z","tm_delete":null}`

const messagePayload = `{"id":"8d7c6b5a-0000-4000-8000-000000000003","customer_id":"` + customer + `","type":"sms",` +
	`"source":{"type":"tel","target":"+15551230000"},"targets":[{"destination":{"type":"tel","target":"+821100000001"},"status":"sent"}],` +
	`"text":"Your code is 4242","direction":"inbound","tm_create":"2026-08-22T10:00:05Z","tm_update":"2026-08-22T10:00:05Z","tm_delete":null}`

const recordingPayload = `{"id":"5b6c7d8e-0000-4000-8000-000000000004","customer_id":"` + customer + `","owner_type":"agent","owner_id":"` + agentID + `",` +
	`"activeflow_id":"` + flowRunID + `","reference_type":"call","reference_id":"` + callID + `","status":"recording","format":"wav",` +
	`"on_end_flow_id":"00000000-0000-0000-0000-000000000000","tm_start":"2026-08-22T10:00:06Z","tm_create":"2026-08-22T10:00:06Z","tm_update":"2026-08-22T10:00:06Z"}`

const transcribePayload = `{"id":"6c7d8e9f-0000-4000-8000-000000000005","customer_id":"` + customer + `","activeflow_id":"` + flowRunID + `",` +
	`"on_end_flow_id":"00000000-0000-0000-0000-000000000000","reference_type":"call","reference_id":"` + callID + `",` +
	`"status":"progressing","language":"en-US","direction":"both","provider":"gcp",` +
	`"tm_create":"2026-08-22T10:00:07Z","tm_update":"2026-08-22T10:00:07Z","tm_delete":null}`

const transcriptPayload = `{"id":"7d8e9fa0-0000-4000-8000-000000000006","customer_id":"` + customer + `",` +
	`"transcribe_id":"6c7d8e9f-0000-4000-8000-000000000005","direction":"in","message":"I would like to check my order",` +
	`"tm_transcript":"2026-08-22T10:00:09Z","tm_create":"2026-08-22T10:00:09.5Z"}`

func speechPayload(id, message string) string {
	m := ""
	if message != "" {
		m = `"message":"` + message + `",`
	}
	return `{"id":"` + id + `","customer_id":"` + customer + `","streaming_id":"8e9fa0b1-0000-4000-8000-000000000007",` +
		`"transcribe_id":"6c7d8e9f-0000-4000-8000-000000000005","direction":"in",` + m +
		`"tm_event":"2026-08-22T10:00:08.25Z","tm_create":"2026-08-22T10:00:08.25Z"}`
}
