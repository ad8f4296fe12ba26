package ringcentral

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// FlexID is an identifier RingCentral writes sometimes as a JSON string
// ("233676004") and sometimes as a number (402853446008, as in the
// PubNub test vector of ringcentral.md §4). It decodes both and encodes
// as a string, which is what the current REST definitions declare.
type FlexID string

// UnmarshalJSON accepts a JSON string, a JSON number or null.
func (id *FlexID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*id = ""
		return nil
	}
	if len(b) > 1 && b[0] == '"' {
		// The common case, a plain string, needs no second parse; the
		// caller's decoder has already checked b is valid JSON.
		if inner := b[1 : len(b)-1]; b[len(b)-1] == '"' && bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
			*id = FlexID(inner)
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = FlexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*id = FlexID(n.String())
	return nil
}

// MessageParty is the sender or one recipient of a message
// (the from/to entries of SMS and voicemail bodies).
type MessageParty struct {
	PhoneNumber     string `json:"phoneNumber,omitempty"`
	ExtensionNumber string `json:"extensionNumber,omitempty"`
	ExtensionID     FlexID `json:"extensionId,omitempty"`
	Name            string `json:"name,omitempty"`
	Location        string `json:"location,omitempty"`
	// Target marks the recipient the notification is about (SMS only).
	Target bool `json:"target,omitempty"`
}

// MessageAttachment is one attachment of a message. Type is "Text" for
// an SMS text part and "AudioRecording" for a voicemail.
type MessageAttachment struct {
	ID          FlexID `json:"id"`
	URI         string `json:"uri,omitempty"`
	Type        string `json:"type"`
	ContentType string `json:"contentType,omitempty"`
	// VMDuration is the recording length in seconds (voicemail only).
	VMDuration int `json:"vmDuration,omitempty"`
}

// ConversationRef points at the conversation an SMS belongs to.
type ConversationRef struct {
	ID  FlexID `json:"id"`
	URI string `json:"uri,omitempty"`
}

// Message directions.
const (
	DirectionInbound  = "Inbound"
	DirectionOutbound = "Outbound"
)

// InstantMessageBody is the body of an instant SMS event (filter
// .../message-store/instant?type=SMS, ringcentral.md §6). Subject holds
// the SMS text.
type InstantMessageBody struct {
	ID               FlexID              `json:"id"`
	To               []MessageParty      `json:"to"`
	From             MessageParty        `json:"from"`
	Type             string              `json:"type"` // "SMS"
	CreationTime     string              `json:"creationTime"`
	LastModifiedTime string              `json:"lastModifiedTime,omitempty"`
	ReadStatus       string              `json:"readStatus,omitempty"` // Read, Unread
	Priority         string              `json:"priority,omitempty"`   // Normal, High
	Attachments      []MessageAttachment `json:"attachments,omitempty"`
	Direction        string              `json:"direction"`              // Inbound, Outbound
	Availability     string              `json:"availability,omitempty"` // Alive, Deleted, Purged
	Subject          string              `json:"subject"`
	MessageStatus    string              `json:"messageStatus,omitempty"` // Received, Queued, Sent, Delivered, ...
	ConversationID   FlexID              `json:"conversationId,omitempty"`
	Conversation     *ConversationRef    `json:"conversation,omitempty"`
	OwnerID          FlexID              `json:"ownerId,omitempty"`
}

// VoicemailBody is the body of a voicemail event (filter
// .../voicemail). The recording is the AudioRecording attachment.
type VoicemailBody struct {
	ID                    FlexID              `json:"id"`
	To                    []MessageParty      `json:"to"`
	From                  MessageParty        `json:"from"`
	Type                  string              `json:"type"` // "VoiceMail"
	CreationTime          string              `json:"creationTime"`
	LastModifiedTime      string              `json:"lastModifiedTime,omitempty"`
	ReadStatus            string              `json:"readStatus,omitempty"`
	Priority              string              `json:"priority,omitempty"`
	Attachments           []MessageAttachment `json:"attachments,omitempty"`
	Direction             string              `json:"direction,omitempty"`
	Availability          string              `json:"availability,omitempty"`
	Subject               string              `json:"subject,omitempty"`
	MessageStatus         string              `json:"messageStatus,omitempty"`
	VMTranscriptionStatus string              `json:"vmTranscriptionStatus,omitempty"`
	OwnerID               FlexID              `json:"ownerId,omitempty"`
}

// MessageStoreBody is the body of a message-store event (filter
// .../message-store): counts of new and changed messages per type.
type MessageStoreBody struct {
	AccountID   FlexID               `json:"accountId"`
	ExtensionID FlexID               `json:"extensionId"`
	LastUpdated string               `json:"lastUpdated"`
	Changes     []MessageStoreChange `json:"changes"`
	OwnerID     FlexID               `json:"ownerId,omitempty"`
}

// MessageStoreChange is one message type's share of a message-store
// event. Type is SMS, Pager, VoiceMail or Fax.
type MessageStoreChange struct {
	Type          string   `json:"type"`
	NewCount      int      `json:"newCount"`
	UpdatedCount  int      `json:"updatedCount"`
	NewMessageIDs []FlexID `json:"newMessageIds,omitempty"`
}

// Telephony (presence) statuses of an extension or one of its calls.
const (
	TelephonyNoCall        = "NoCall"
	TelephonyRinging       = "Ringing"
	TelephonyCallConnected = "CallConnected"
	TelephonyOnHold        = "OnHold"
	TelephonyParkedCall    = "ParkedCall"
)

// PresenceBody is the body of a presence event; ActiveCalls is filled
// only with ?detailedTelephonyState=true (filter .../presence).
type PresenceBody struct {
	ExtensionID         FlexID       `json:"extensionId"`
	TelephonyStatus     string       `json:"telephonyStatus,omitempty"`
	ActiveCalls         []ActiveCall `json:"activeCalls,omitempty"`
	Sequence            int64        `json:"sequence"`
	PresenceStatus      string       `json:"presenceStatus,omitempty"` // Offline, Busy, Available
	UserStatus          string       `json:"userStatus,omitempty"`
	DNDStatus           string       `json:"dndStatus,omitempty"`
	MeetingStatus       string       `json:"meetingStatus,omitempty"`
	AllowSeeMyPresence  *bool        `json:"allowSeeMyPresence,omitempty"`
	RingOnMonitoredCall *bool        `json:"ringOnMonitoredCall,omitempty"`
	PickUpCallsOnHold   *bool        `json:"pickUpCallsOnHold,omitempty"`
	TotalActiveCalls    *int         `json:"totalActiveCalls,omitempty"`
	OwnerID             FlexID       `json:"ownerId,omitempty"`
}

// ActiveCall is one call in a detailed presence body. From and To are
// phone or extension numbers as plain strings.
type ActiveCall struct {
	ID                 string `json:"id"`
	Direction          string `json:"direction"`
	From               string `json:"from,omitempty"`
	FromName           string `json:"fromName,omitempty"`
	To                 string `json:"to,omitempty"`
	ToName             string `json:"toName,omitempty"`
	StartTime          string `json:"startTime,omitempty"`
	TelephonyStatus    string `json:"telephonyStatus"`
	SessionID          string `json:"sessionId,omitempty"`
	TelephonySessionID string `json:"telephonySessionId,omitempty"`
	PartyID            string `json:"partyId,omitempty"`
	TerminationType    string `json:"terminationType,omitempty"`
}

// Call party status codes of a telephony session event.
const (
	PartySetup        = "Setup"
	PartyProceeding   = "Proceeding"
	PartyAnswered     = "Answered"
	PartyDisconnected = "Disconnected"
	PartyGone         = "Gone"
	PartyHold         = "Hold"
	PartyParked       = "Parked"
	PartyVoiceMail    = "VoiceMail"
)

// TelephonySessionBody is the body of a telephony session event
// (filter .../telephony/sessions): the session and each party's state.
type TelephonySessionBody struct {
	Sequence           int64            `json:"sequence"`
	SessionID          string           `json:"sessionId"`
	TelephonySessionID string           `json:"telephonySessionId"`
	ServerID           string           `json:"serverId,omitempty"`
	EventTime          string           `json:"eventTime"`
	Origin             *SessionOrigin   `json:"origin,omitempty"`
	Parties            []TelephonyParty `json:"parties"`
	OwnerID            FlexID           `json:"ownerId,omitempty"`
}

// SessionOrigin says how a telephony session began (Call, RingOut,
// RingMe, Conference, GreetingsRecording, VerificationCall, Zoom, ...).
type SessionOrigin struct {
	Type string `json:"type"`
}

// TelephonyParty is one leg of a telephony session.
type TelephonyParty struct {
	AccountID      FlexID             `json:"accountId,omitempty"`
	ExtensionID    FlexID             `json:"extensionId,omitempty"`
	ID             string             `json:"id"`
	Direction      string             `json:"direction"`
	From           *TelephonyEndpoint `json:"from,omitempty"`
	To             *TelephonyEndpoint `json:"to,omitempty"`
	Status         PartyStatus        `json:"status"`
	MissedCall     bool               `json:"missedCall"`
	StandAlone     bool               `json:"standAlone"`
	Muted          bool               `json:"muted"`
	Park           *Park              `json:"park,omitempty"`
	Recordings     []CallRecording    `json:"recordings,omitempty"`
	QueueCall      bool               `json:"queueCall,omitempty"`
	ConferenceRole string             `json:"conferenceRole,omitempty"`
	// SIPData and UICallInfo are passed through untouched: evtap shows
	// them but never interprets them.
	SIPData    json.RawMessage `json:"sipData,omitempty"`
	UICallInfo json.RawMessage `json:"uiCallInfo,omitempty"`
}

// TelephonyEndpoint is the caller or callee of a telephony party.
type TelephonyEndpoint struct {
	PhoneNumber string `json:"phoneNumber,omitempty"`
	Name        string `json:"name,omitempty"`
	ExtensionID FlexID `json:"extensionId,omitempty"`
	DeviceID    FlexID `json:"deviceId,omitempty"`
}

// PartyStatus is a party's call state; Reason explains Disconnected.
type PartyStatus struct {
	Code   string `json:"code"`
	Reason string `json:"reason,omitempty"`
	RCC    bool   `json:"rcc,omitempty"`
}

// Park is where a parked call waits.
type Park struct {
	ID string `json:"id,omitempty"`
}

// CallRecording is an active or finished recording of a party.
type CallRecording struct {
	ID     string `json:"id"`
	Active bool   `json:"active"`
}

// String returns the identifier as written.
func (id FlexID) String() string { return string(id) }

// Int returns the identifier as a number, and whether it is one.
func (id FlexID) Int() (int64, bool) {
	n, err := strconv.ParseInt(string(id), 10, 64)
	return n, err == nil
}
