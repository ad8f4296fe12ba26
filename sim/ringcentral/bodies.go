package ringcentral

// Notification bodies the generator makes, with the field names of
// shared/protocols/ringcentral.md §6 (from @rc-ex/core's *EventBody
// definitions). Ids are JSON strings, as the current REST definitions
// declare them.

// Directions of a message or call.
const (
	directionInbound  = "Inbound"
	directionOutbound = "Outbound"
)

// Presence telephonyStatus values (§6, detailed presence).
const (
	telephonyNoCall        = "NoCall"
	telephonyRinging       = "Ringing"
	telephonyCallConnected = "CallConnected"
	telephonyOnHold        = "OnHold"
)

// Telephony session party status codes (§6, telephony sessions).
const (
	partySetup        = "Setup"
	partyProceeding   = "Proceeding"
	partyAnswered     = "Answered"
	partyHold         = "Hold"
	partyDisconnected = "Disconnected"
)

// messageParty is the sender or a recipient of a message.
type messageParty struct {
	PhoneNumber string `json:"phoneNumber,omitempty"`
	Name        string `json:"name,omitempty"`
	Location    string `json:"location,omitempty"`
	Target      bool   `json:"target,omitempty"` // the recipient the notification is about (SMS)
}

// messageAttachment is one attachment: "Text" for an SMS, an
// "AudioRecording" for a voicemail.
type messageAttachment struct {
	ID          string `json:"id"`
	URI         string `json:"uri"`
	Type        string `json:"type"`
	ContentType string `json:"contentType"`
	VMDuration  int    `json:"vmDuration,omitempty"`
}

// conversationRef names the conversation an SMS belongs to.
type conversationRef struct {
	ID  string `json:"id"`
	URI string `json:"uri"`
}

// messageBody is what an SMS and a voicemail share: the message
// record, up to its status.
type messageBody struct {
	ID               string              `json:"id"`
	To               []messageParty      `json:"to"`
	From             messageParty        `json:"from"`
	Type             string              `json:"type"`
	CreationTime     string              `json:"creationTime"`
	LastModifiedTime string              `json:"lastModifiedTime"`
	ReadStatus       string              `json:"readStatus"`
	Priority         string              `json:"priority"`
	Attachments      []messageAttachment `json:"attachments"`
	Direction        string              `json:"direction"`
	Availability     string              `json:"availability"`
	Subject          string              `json:"subject"`
	MessageStatus    string              `json:"messageStatus"`
}

// smsBody is an instant SMS (message-store/instant?type=SMS).
type smsBody struct {
	messageBody
	ConversationID string           `json:"conversationId,omitempty"`
	Conversation   *conversationRef `json:"conversation,omitempty"`
	OwnerID        string           `json:"ownerId"`
}

// voicemailBody is a voicemail message (voicemail).
type voicemailBody struct {
	messageBody
	VMTranscriptionStatus string `json:"vmTranscriptionStatus"`
	OwnerID               string `json:"ownerId"`
}

// messageStoreBody counts new and changed messages (message-store).
type messageStoreBody struct {
	AccountID   string               `json:"accountId"`
	ExtensionID string               `json:"extensionId"`
	LastUpdated string               `json:"lastUpdated"`
	Changes     []messageStoreChange `json:"changes"`
	OwnerID     string               `json:"ownerId"`
}

// messageStoreChange is one entry of messageStoreBody.Changes.
type messageStoreChange struct {
	Type          string   `json:"type"`
	NewCount      int      `json:"newCount"`
	UpdatedCount  int      `json:"updatedCount"`
	NewMessageIDs []string `json:"newMessageIds"`
}

// presenceBody is the extension's presence (presence, detailed when the
// filter asks for detailedTelephonyState).
type presenceBody struct {
	ExtensionID         string       `json:"extensionId"`
	TelephonyStatus     string       `json:"telephonyStatus"`
	ActiveCalls         []activeCall `json:"activeCalls,omitempty"`
	Sequence            int64        `json:"sequence"`
	PresenceStatus      string       `json:"presenceStatus"`
	UserStatus          string       `json:"userStatus"`
	DNDStatus           string       `json:"dndStatus"`
	MeetingStatus       string       `json:"meetingStatus"`
	AllowSeeMyPresence  bool         `json:"allowSeeMyPresence"`
	RingOnMonitoredCall bool         `json:"ringOnMonitoredCall"`
	PickUpCallsOnHold   bool         `json:"pickUpCallsOnHold"`
	TotalActiveCalls    int          `json:"totalActiveCalls"`
	OwnerID             string       `json:"ownerId"`
}

// activeCall is one call of a detailed presence.
type activeCall struct {
	ID                 string `json:"id"`
	Direction          string `json:"direction"`
	From               string `json:"from"`
	FromName           string `json:"fromName"`
	To                 string `json:"to"`
	ToName             string `json:"toName"`
	StartTime          string `json:"startTime"`
	TelephonyStatus    string `json:"telephonyStatus"`
	SessionID          string `json:"sessionId"`
	TelephonySessionID string `json:"telephonySessionId"`
	PartyID            string `json:"partyId"`
	TerminationType    string `json:"terminationType"`
}

// telephonyBody is a telephony session event (telephony/sessions).
type telephonyBody struct {
	Sequence           int64            `json:"sequence"`
	SessionID          string           `json:"sessionId"`
	TelephonySessionID string           `json:"telephonySessionId"`
	ServerID           string           `json:"serverId"`
	EventTime          string           `json:"eventTime"`
	Origin             sessionOrigin    `json:"origin"`
	Parties            []telephonyParty `json:"parties"`
	OwnerID            string           `json:"ownerId"`
}

// sessionOrigin says what started a telephony session.
type sessionOrigin struct {
	Type string `json:"type"`
}

// telephonyParty is one party of a telephony session.
type telephonyParty struct {
	AccountID   string            `json:"accountId"`
	ExtensionID string            `json:"extensionId"`
	ID          string            `json:"id"`
	Direction   string            `json:"direction"`
	From        telephonyEndpoint `json:"from"`
	To          telephonyEndpoint `json:"to"`
	Status      partyStatus       `json:"status"`
	MissedCall  bool              `json:"missedCall"`
	StandAlone  bool              `json:"standAlone"`
	Muted       bool              `json:"muted"`
}

// telephonyEndpoint is a party's from or to.
type telephonyEndpoint struct {
	PhoneNumber string `json:"phoneNumber,omitempty"`
	Name        string `json:"name,omitempty"`
	ExtensionID string `json:"extensionId,omitempty"`
}

// partyStatus is a party's state in the call.
type partyStatus struct {
	Code string `json:"code"`
}
