package ringcentral

import (
	"encoding/json"
	"time"
)

// ConnectionDetails is the body of the first frame the server sends on
// every connection. RecoveryState is present only when the client
// presented a wsc token.
type ConnectionDetails struct {
	CreationTime             string `json:"creationTime"`
	MaxConnectionsPerSession int    `json:"maxConnectionsPerSession"`
	RecoveryBufferSize       int    `json:"recoveryBufferSize"`
	RecoveryTimeout          int    `json:"recoveryTimeout"` // seconds
	IdleTimeout              int    `json:"idleTimeout"`     // seconds
	AbsoluteTimeout          int    `json:"absoluteTimeout"` // seconds
	MaxActiveRequests        int    `json:"maxActiveRequests"`
	RecoveryState            string `json:"recoveryState,omitempty"`
	RecoveryErrorCode        string `json:"recoveryErrorCode,omitempty"`
}

// Recovery outcomes, as the server spells them in recoveryState.
const (
	RecoverySuccessful = "Successful"
	RecoveryFailed     = "Failed"
)

// TimeLayout is how RingCentral writes creationTime in ConnectionDetails
// ("2020-09-07T21:50:02.737+0000").
const TimeLayout = "2006-01-02T15:04:05.000-0700"

// DeliveryMode says how a subscription's notifications travel.
type DeliveryMode struct {
	TransportType       string `json:"transportType"`
	Encryption          *bool  `json:"encryption,omitempty"`
	Address             string `json:"address,omitempty"`
	SubscriberKey       string `json:"subscriberKey,omitempty"`
	SecretKey           string `json:"secretKey,omitempty"`
	EncryptionAlgorithm string `json:"encryptionAlgorithm,omitempty"`
	EncryptionKey       string `json:"encryptionKey,omitempty"`
}

// Transport types.
const (
	TransportWebSocket = "WebSocket"
	TransportPubNub    = "PubNub"
)

// SubscriptionRequest is the body of POST (create) and PUT (update)
// /restapi/v1.0/subscription.
type SubscriptionRequest struct {
	EventFilters []string     `json:"eventFilters"`
	DeliveryMode DeliveryMode `json:"deliveryMode"`
	ExpiresIn    int          `json:"expiresIn,omitempty"`
}

// SubscriptionInfo is the server's answer to a subscription request.
type SubscriptionInfo struct {
	URI            string       `json:"uri"`
	ID             string       `json:"id"`
	CreationTime   string       `json:"creationTime"`
	Status         string       `json:"status"`
	EventFilters   []string     `json:"eventFilters"`
	ExpirationTime string       `json:"expirationTime"`
	ExpiresIn      int          `json:"expiresIn"`
	DeliveryMode   DeliveryMode `json:"deliveryMode"`
}

// Notification is the body of a ServerNotification: the same payload a
// webhook would receive.
type Notification struct {
	UUID           string          `json:"uuid"`
	Event          string          `json:"event"`
	Timestamp      string          `json:"timestamp"`
	SubscriptionID string          `json:"subscriptionId"`
	OwnerID        string          `json:"ownerId,omitempty"`
	Body           json.RawMessage `json:"body"`
}

// UnmarshalJSON reads a notification envelope, accepting numbers where
// the ids are normally strings: a server that writes ownerId as a
// number must not cost the user the whole notification.
func (n *Notification) UnmarshalJSON(b []byte) error {
	var raw struct {
		UUID           FlexID          `json:"uuid"`
		Event          string          `json:"event"`
		Timestamp      string          `json:"timestamp"`
		SubscriptionID FlexID          `json:"subscriptionId"`
		OwnerID        FlexID          `json:"ownerId"`
		Body           json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*n = Notification{UUID: string(raw.UUID), Event: raw.Event, Timestamp: raw.Timestamp,
		SubscriptionID: string(raw.SubscriptionID), OwnerID: string(raw.OwnerID), Body: raw.Body}
	return nil
}

// Time parses the notification's timestamp; zero if it cannot.
func (n Notification) Time() time.Time {
	for _, layout := range []string{time.RFC3339Nano, TimeLayout} {
		if t, err := time.Parse(layout, n.Timestamp); err == nil {
			return t
		}
	}
	return time.Time{}
}

// ErrorBody is the body of an Error frame and of a failed ClientRequest
// response, in the RingCentral REST error format.
type ErrorBody struct {
	ErrorCode string        `json:"errorCode"`
	Message   string        `json:"message"`
	Errors    []ErrorDetail `json:"errors,omitempty"`
}

// ErrorDetail is one entry of ErrorBody.Errors.
type ErrorDetail struct {
	ErrorCode string `json:"errorCode"`
	Message   string `json:"message"`
	Parameter string `json:"parameterName,omitempty"`
}

// WSG error codes the gateway uses.
const (
	WSGBadContext      = "WSG-400"  // malformed wsc token
	WSGIdleTimeout     = "WSG-902"  // no activity for idleTimeout
	WSGAbsoluteTimeout = "WSG-903"  // absoluteTimeout reached
	WSGOtherSession    = "WSG-1003" // wsc belongs to another OAuth session
	WSGNoSubscription  = "WSG-1005" // nothing to recover
)

// Paths of the REST API used around the WebSocket.
const (
	PathToken        = "/restapi/oauth/token"
	PathRevoke       = "/restapi/oauth/revoke"
	PathWSToken      = "/restapi/oauth/wstoken"
	PathSubscription = "/restapi/v1.0/subscription"
)
