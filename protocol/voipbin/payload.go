package voipbin

import (
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Shape is what a payload is, read from its fields: frames carry no event
// type (A6), so the shape decides, as VoIPBin's own client does (A10).
type Shape string

// The shapes evtap recognises (A11). ShapeSpeech is a transcribe_speech_*
// event; ShapeUnknown is a VoIPBin resource (it has an id and a
// customer_id) of a kind not recognised.
const (
	ShapeCall       Shape = "call"
	ShapeActiveflow Shape = "activeflow"
	ShapeAgent      Shape = "agent"
	ShapeQueuecall  Shape = "queuecall"
	ShapeConference Shape = "conference"
	ShapeMessage    Shape = "message"
	ShapeRecording  Shape = "recording"
	ShapeTranscribe Shape = "transcribe"
	ShapeTranscript Shape = "transcript"
	ShapeSpeech     Shape = "speech"
	ShapeUnknown    Shape = "resource"
)

// Address is a call or message endpoint (A11).
type Address struct {
	Type       string `json:"type,omitempty"`
	Target     string `json:"target,omitempty"`
	TargetName string `json:"target_name,omitempty"`
	Name       string `json:"name,omitempty"`
	Detail     string `json:"detail,omitempty"`
}

// Payload is one resource as the socket carries it: the union of the
// fields of every A11 type that evtap reads, decoded in one pass. Pointer
// and raw fields tell a field that is absent from one that is empty,
// which is what the shape is read from.
type Payload struct {
	ID         string `json:"id"`
	CustomerID string `json:"customer_id"`
	OwnerType  string `json:"owner_type"`
	OwnerID    string `json:"owner_id"`

	// Type is a call's, conference's or message's type, or the event
	// type of the legacy wrapped shape {"type","data"} (A6).
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`

	Status    string `json:"status"`
	Direction string `json:"direction"`
	Name      string `json:"name"`

	// call
	HangupBy       string          `json:"hangup_by"`
	HangupReason   string          `json:"hangup_reason"`
	Source         *Address        `json:"source"`
	Destination    *Address        `json:"destination"`
	MasterCallID   *string         `json:"master_call_id"`
	ChainedCallIDs json.RawMessage `json:"chained_call_ids"`

	// activeflow, recording, transcribe, queuecall
	FlowID          string                 `json:"flow_id"`
	ReferenceType   string                 `json:"reference_type"`
	ReferenceID     string                 `json:"reference_id"`
	CurrentAction   *struct{ Type string } `json:"current_action"`
	ExecutedActions json.RawMessage        `json:"executed_actions"`

	// agent
	Username   *string `json:"username"`
	RingMethod *string `json:"ring_method"`

	// queuecall
	ServiceAgentID  *string  `json:"service_agent_id"`
	DurationWaiting *float64 `json:"duration_waiting"`
	DurationService *float64 `json:"duration_service"`

	// conference
	ConferencecallIDs json.RawMessage `json:"conferencecall_ids"`
	PreFlowID         *string         `json:"pre_flow_id"`

	// message
	Targets json.RawMessage `json:"targets"`
	Text    *string         `json:"text"`

	// recording
	Format *string `json:"format"`

	// transcribe
	Language *string `json:"language"`
	Provider *string `json:"provider"`

	// transcript and speech
	TranscribeID *string         `json:"transcribe_id"`
	StreamingID  *string         `json:"streaming_id"`
	Message      *string         `json:"message"`
	OffsetMS     json.RawMessage `json:"offset_ms"`
	TmTranscript *string         `json:"tm_transcript"`
	TmEvent      *string         `json:"tm_event"`

	// the ids A7's special cases publish under
	AicallID  string `json:"aicall_id"`
	ChatID    string `json:"chat_id"`
	SessionID string `json:"session_id"`

	TmCreate *string `json:"tm_create"`
	TmUpdate *string `json:"tm_update"`
	TmDelete *string `json:"tm_delete"`
	TmHangup *string `json:"tm_hangup"`
}

// errNotObject is returned for a JSON value that is not an object.
var errNotObject = errors.New("not a JSON object")

// decodePayload reads one payload object. A field of an unexpected type
// is tolerated (the rest is still read): a resource the server grew
// cannot stop a debugger from showing it.
func decodePayload(data []byte, p *Payload) error {
	if firstByte(data) != '{' {
		return errNotObject
	}
	err := json.Unmarshal(data, p)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return nil
	}
	return err
}

func firstByte(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c
	}
	return 0
}

// wrapped reports whether p is the legacy {"type":"<event_type>","data":{…}}
// shape rather than a resource: an event type has an underscore (or, for
// call.outbound_whitelist_rejected, a dot), a conference's "type" never
// does, and a wrapper has no id of its own.
func (p *Payload) wrapped() bool {
	return p.ID == "" && strings.ContainsAny(p.Type, "_.") && firstByte(p.Data) == '{'
}

// Shape reads what p is from the fields present (A11, and voipbin-mcp's
// rules of A10: streaming_id is speech, offset_ms a transcript, status
// with an incoming/outgoing direction a call).
func (p *Payload) Shape() Shape {
	switch {
	case p.StreamingID != nil:
		return ShapeSpeech
	case p.ConferencecallIDs != nil || p.PreFlowID != nil:
		return ShapeConference
	case p.ServiceAgentID != nil || p.DurationWaiting != nil:
		return ShapeQueuecall
	case p.TranscribeID != nil && (p.TmTranscript != nil || p.OffsetMS != nil || p.Message != nil):
		return ShapeTranscript
	case p.Language != nil:
		return ShapeTranscribe
	case p.Format != nil:
		return ShapeRecording
	case p.ExecutedActions != nil || p.CurrentAction != nil:
		return ShapeActiveflow
	case p.RingMethod != nil || p.Username != nil:
		return ShapeAgent
	case p.Targets != nil || p.Text != nil || p.Type == "sms":
		return ShapeMessage
	case p.Status != "" && (p.Direction == "incoming" || p.Direction == "outgoing"),
		p.ChainedCallIDs != nil, p.MasterCallID != nil, p.HangupReason != "":
		return ShapeCall
	case p.ID != "" && p.CustomerID != "":
		return ShapeUnknown
	}
	return ""
}

// Resource is the topic resource (A7's X) a shape is published under.
func (s Shape) Resource() string {
	switch s {
	case ShapeSpeech:
		return "transcribe"
	case ShapeUnknown, "":
		return ""
	}
	return string(s)
}

// deleted reports a resource whose tm_delete is set: VoIPBin writes
// unset times as absent or null, older rows as year 9999.
func (p *Payload) deleted() bool {
	return p.TmDelete != nil && *p.TmDelete != "" && !strings.HasPrefix(*p.TmDelete, "9999")
}

// Timestamp is the payload's own time of the change it reports: the
// speech event's, then the last update, the transcript's, the hangup,
// the creation. Zero when none can be read.
func (p *Payload) Timestamp() time.Time {
	for _, s := range []*string{p.TmEvent, p.TmUpdate, p.TmTranscript, p.TmHangup, p.TmCreate} {
		if t, ok := parseTime(s); ok {
			return t
		}
	}
	return time.Time{}
}

// parseTime reads a time as VoIPBin writes it: RFC 3339 with nanoseconds
// (A6), or the docs' "2022-05-01 15:10:38.721000".
func parseTime(s *string) (time.Time, bool) {
	if s == nil || *s == "" || strings.HasPrefix(*s, "9999") {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, *s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// typeCandidates lists the event types a payload of shape s may have been
// published as, the likeliest first. The status says most, never all:
// call_updated is sent for any status (A8).
func (p *Payload) typeCandidates(s Shape, speechSeen bool) []string {
	pick := func(ts ...string) []string { return ts }
	if p.deleted() {
		switch s {
		case ShapeCall, ShapeActiveflow, ShapeAgent, ShapeQueuecall, ShapeConference, ShapeMessage:
			return pick(string(s) + "_deleted")
		}
	}
	switch s {
	case ShapeCall:
		switch p.Status {
		case "dialing":
			return pick("call_dialing", "call_created", "call_updated")
		case "ringing", "progressing", "terminating", "canceling":
			return pick("call_"+p.Status, "call_updated")
		case "hangup":
			return pick("call_hangup", "call_updated")
		}
		return pick("call_updated", "call_created")
	case ShapeActiveflow:
		if len(p.ExecutedActions) == 0 || string(p.ExecutedActions) == "[]" || string(p.ExecutedActions) == "null" {
			return pick("activeflow_created", "activeflow_updated")
		}
		return pick("activeflow_updated", "activeflow_created")
	case ShapeAgent:
		return pick("agent_status_updated", "agent_updated", "agent_created")
	case ShapeQueuecall:
		switch p.Status {
		case "initiating":
			return pick("queuecall_created")
		case "waiting":
			return pick("queuecall_waiting", "queuecall_created")
		case "connecting":
			return pick("queuecall_connecting")
		case "service":
			return pick("queuecall_serviced")
		case "done":
			return pick("queuecall_done")
		case "abandoned":
			return pick("queuecall_abandoned")
		}
		return EventTypes["queuecall"]
	case ShapeConference:
		if p.Status == "starting" {
			return pick("conference_created", "conference_updated")
		}
		return pick("conference_updated", "conference_created")
	case ShapeMessage:
		return pick("message_created", "message_updated")
	case ShapeRecording:
		switch p.Status {
		case "initiating", "recording":
			return pick("recording_started")
		case "stopping", "ended":
			return pick("recording_finished")
		}
		return pick("recording_started", "recording_finished")
	case ShapeTranscribe:
		switch p.Status {
		case "progressing":
			return pick("transcribe_progressing", "transcribe_created")
		case "done":
			return pick("transcribe_done")
		}
		return pick("transcribe_created", "transcribe_progressing", "transcribe_done")
	case ShapeTranscript:
		return pick("transcript_created")
	case ShapeSpeech:
		if p.Message != nil && *p.Message != "" {
			return pick("transcribe_speech_interim")
		}
		if speechSeen {
			return pick("transcribe_speech_ended", "transcribe_speech_started")
		}
		return pick("transcribe_speech_started", "transcribe_speech_ended")
	}
	return nil
}
