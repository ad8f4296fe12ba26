package pubnub

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// The service's reading of the PubNub wire format
// (ringcentral-pubnub.md §6.3, §6.5-§6.7), written from the documents.

// ContentType is what the real service sends on every answer, errors
// included. PN8 reads it to classify errors: without it a 403 becomes a
// PNBadRequestCategory with no error data (§6.7).
const ContentType = `text/javascript; charset="UTF-8"`

// cursor is a timetoken with its region: t in the subscribe answer and p
// in each envelope.
type cursor struct {
	T string `json:"t"`
	R int    `json:"r"`
}

// envelope is one message in a subscribe answer. p is required (PN4
// dereferences p.t); b and c are the channel (PN8 and later drop an
// envelope whose b, or c without b, is not a subscribed channel).
type envelope struct {
	A string          `json:"a"` // shard
	F int             `json:"f"` // flags
	I string          `json:"i"` // publisher
	P cursor          `json:"p"` // publish timetoken
	K string          `json:"k"` // subscribe key
	C string          `json:"c"` // channel
	B string          `json:"b"` // subscription match
	D json.RawMessage `json:"d"` // payload
}

// subscribeAnswer is the body of a successful subscribe.
type subscribeAnswer struct {
	T cursor     `json:"t"`
	M []envelope `json:"m"`
}

// The error bodies of the real service (§6.7), field order as it sends
// them.
type (
	accessDenied struct {
		Message string         `json:"message"`
		Payload deniedResource `json:"payload"`
		Error   bool           `json:"error"`
		Service string         `json:"service"`
		Status  int            `json:"status"`
	}
	deniedResource struct {
		Channels      []string `json:"channels"`
		ChannelGroups []string `json:"channel-groups"`
	}
	serviceError struct {
		Status  int    `json:"status"`
		Error   bool   `json:"error"`
		Message string `json:"message"`
		Service string `json:"service,omitempty"`
	}
	balancerError struct {
		Status  int    `json:"status"`
		Error   bool   `json:"error"`
		Service string `json:"service"`
		Message string `json:"message"`
	}
	invalidArguments struct {
		Status       int      `json:"status"`
		Error        bool     `json:"error"`
		ErrorMessage string   `json:"error_message"`
		Channels     struct{} `json:"channels"`
	}
	presenceAnswer struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
		Action  string `json:"action,omitempty"`
		Service string `json:"service"`
	}
)

// ErrorBody is the body the real service answers a refused subscribe
// with, for the statuses the documents give: 400 (an unknown subscribe
// key, in the Access Manager shape), 403 (Access Manager, naming the
// channels), 413 (Balancer) and 429. Any other status gets the generic
// {status, error, message, service} shape clients classify by.
func ErrorBody(status int, channels []string) any {
	switch status {
	case http.StatusForbidden:
		if channels == nil {
			channels = []string{}
		}
		return accessDenied{Message: "Forbidden", Payload: deniedResource{Channels: channels, ChannelGroups: []string{}},
			Error: true, Service: "Access Manager", Status: status}
	case http.StatusBadRequest:
		return serviceError{Status: status, Error: true, Message: "Invalid Subscribe Key", Service: "Access Manager"}
	case http.StatusRequestEntityTooLarge:
		return balancerError{Status: status, Error: true, Service: "Balancer", Message: "Request Entity Too Large."}
	case http.StatusTooManyRequests:
		return serviceError{Status: status, Error: true, Message: "Too many requests."}
	}
	return serviceError{Status: status, Error: true, Message: http.StatusText(status), Service: "Balancer"}
}

// invalidArgumentsBody is the 400 for a request the service cannot read
// (a tt that is not a timetoken).
func invalidArgumentsBody() any {
	return invalidArguments{Status: http.StatusBadRequest, Error: true, ErrorMessage: "Invalid Arguments"}
}

// encode writes v as compact JSON without HTML escaping, so payloads
// pass through byte for byte.
func encode(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.TrimRight(b.Bytes(), "\n")
}

// timeAnswer is the body of /time/0: a JSON array holding one number.
func timeAnswer(tt Timetoken) []byte {
	return append(strconv.AppendUint([]byte{'['}, uint64(tt), 10), ']')
}
