package dialpad

// The event payloads, shaped as the provider notes (B6) give them: no
// envelope and no event-type field, ids as JSON numbers (unlike the REST
// resources' string ids), times in Unix milliseconds. Field order follows
// the notes' example.

// ref is a target, contact or other party inside an event. An empty ref
// is encoded {} (entry_point_target, proxy_target, transferred_from).
type ref struct {
	ID       int64  `json:"id,omitempty"`
	Type     string `json:"type,omitempty"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Name     string `json:"name,omitempty"`
	OfficeID int64  `json:"office_id,omitempty"`
}

// callEvent is one state transition of one call leg.
type callEvent struct {
	CallID                   int64        `json:"call_id"`
	State                    string       `json:"state"`
	Direction                string       `json:"direction"`
	DateStarted              *int64       `json:"date_started"`
	DateRang                 *int64       `json:"date_rang"`
	DateFirstRang            *int64       `json:"date_first_rang"`
	DateQueued               *int64       `json:"date_queued"`
	DateConnected            *int64       `json:"date_connected"`
	DateEnded                *int64       `json:"date_ended"`
	TalkTime                 int64        `json:"talk_time"`
	HoldTime                 int64        `json:"hold_time"`
	Duration                 int64        `json:"duration"`
	TotalDuration            float64      `json:"total_duration"`
	ExternalNumber           string       `json:"external_number"`
	InternalNumber           string       `json:"internal_number"`
	SelectedCallerID         *string      `json:"selected_caller_id"`
	Target                   ref          `json:"target"`
	Contact                  ref          `json:"contact"`
	EntryPointCallID         *int64       `json:"entry_point_call_id"`
	EntryPointTarget         ref          `json:"entry_point_target"`
	OperatorCallID           *int64       `json:"operator_call_id"`
	ProxyTarget              ref          `json:"proxy_target"`
	MasterCallID             *int64       `json:"master_call_id"`
	GroupID                  *int64       `json:"group_id"`
	IsInternal               bool         `json:"is_internal"`
	IsTransferred            bool         `json:"is_transferred"`
	TransferredFrom          ref          `json:"transferred_from"`
	TargetAvailabilityStatus string       `json:"target_availability_status"`
	CSATScore                *float64     `json:"csat_score"`
	RoutingBreadcrumbs       []breadcrumb `json:"routing_breadcrumbs"`
	EventTimestamp           int64        `json:"event_timestamp"`
	MOSScore                 *float64     `json:"mos_score"`
	Labels                   []string     `json:"labels"`
	WasRecorded              bool         `json:"was_recorded"`
	VoicemailLink            *string      `json:"voicemail_link"`
	CallRecordingIDs         []int64      `json:"call_recording_ids"`
	TranscriptionText        *string      `json:"transcription_text"`
	RecordingDetails         []recording  `json:"recording_details"`
	Integrations             struct{}     `json:"integrations"`
}

// breadcrumb is one routing step of a call (IVR, queue). The notes give
// only an empty list; the shape is evtap's.
type breadcrumb struct {
	Date       int64  `json:"date"`
	TargetID   int64  `json:"target_id"`
	TargetType string `json:"target_type"`
	TargetName string `json:"target_name"`
}

// recording describes a call recording (shape evtap's; the notes name
// only the field).
type recording struct {
	ID            int64  `json:"id"`
	Duration      int64  `json:"duration"`
	RecordingType string `json:"recording_type"`
	StartTime     int64  `json:"start_time"`
	URL           string `json:"url"`
}

// smsEvent is one SMS event: a message sent or received, or (with a
// subscription's status flag) a delivery-status update of one sent.
type smsEvent struct {
	ID                    int64    `json:"id"`
	CreatedDate           int64    `json:"created_date"`
	Direction             string   `json:"direction"`
	Target                ref      `json:"target"`
	Contact               ref      `json:"contact"`
	SenderID              *int64   `json:"sender_id"`
	FromNumber            string   `json:"from_number"`
	ToNumber              []string `json:"to_number"`
	MMS                   bool     `json:"mms"`
	MMSURL                *string  `json:"mms_url"`
	IsInternal            bool     `json:"is_internal"`
	Text                  string   `json:"text"`
	MessageStatus         string   `json:"message_status"`
	MessageDeliveryResult *string  `json:"message_delivery_result"`
	EventTimestamp        int64    `json:"event_timestamp"`
}

// agentEvent is a call-centre agent's status change.
type agentEvent struct {
	AvailabilityStatus string   `json:"availability_status"`
	CallCenterIDs      []string `json:"call_center_ids"`
	Date               int64    `json:"date"`
	EventTimestamp     int64    `json:"event_timestamp"`
	OnDutyStatus       string   `json:"on_duty_status"`
	OnDutyStatusReason *string  `json:"on_duty_status_reason"`
	PowerdialerMode    *string  `json:"powerdialer_mode"`
	PowerdialerSession *string  `json:"powerdialer_session"`
	Target             ref      `json:"target"`
}

// contactEvent and changelogEvent: the notes found no fields for these
// ([U]); the shapes are evtap's, built from the spec's ContactProto, and
// docs/emulator-dialpad.md says so.
type contactEvent struct {
	EventType      string      `json:"event_type"` // created, updated, deleted
	Contact        contactJSON `json:"contact"`
	EventTimestamp int64       `json:"event_timestamp"`
}

type contactJSON struct {
	ID           string   `json:"id"`
	Type         string   `json:"type"`
	DisplayName  string   `json:"display_name"`
	FirstName    string   `json:"first_name"`
	LastName     string   `json:"last_name"`
	Emails       []string `json:"emails"`
	Phones       []string `json:"phones"`
	PrimaryEmail string   `json:"primary_email"`
	PrimaryPhone string   `json:"primary_phone"`
	OwnerID      string   `json:"owner_id,omitempty"`
}

type changelogEvent struct {
	ID             int64    `json:"id"`
	Action         string   `json:"action"` // created, updated, deleted
	ObjectType     string   `json:"object_type"`
	ObjectID       int64    `json:"object_id"`
	ChangedFields  []string `json:"changed_fields"`
	ActorID        int64    `json:"actor_id"`
	EventTimestamp int64    `json:"event_timestamp"`
}
