package pubnub

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Category is a PubNub client's name for how a request went: what an
// app's status listener is told, and what evtap shows beside the HTTP
// status (shared/protocols/ringcentral-pubnub.md §6.8, §6.9).
type Category string

// The categories a subscribe loop reports.
const (
	CategoryConnected                Category = "PNConnectedCategory"
	CategoryReconnected              Category = "PNReconnectedCategory"
	CategoryNetworkIssues            Category = "PNNetworkIssuesCategory"
	CategoryTimeout                  Category = "PNTimeoutCategory"
	CategoryAccessDenied             Category = "PNAccessDeniedCategory"
	CategoryBadRequest               Category = "PNBadRequestCategory"
	CategoryMalformedResponse        Category = "PNMalformedResponseCategory"
	CategoryUnknown                  Category = "PNUnknownCategory"
	CategoryDisconnectedUnexpectedly Category = "PNDisconnectedUnexpectedlyCategory"
)

// Permanent reports whether the official clients stop their subscribe
// loop for good on c: a 403 or a 400 (PN4/PN7/PN8 stop; PN12 does not
// retry them). Nothing but the app can restart it.
func (c Category) Permanent() bool {
	return c == CategoryAccessDenied || c == CategoryBadRequest
}

// Failure is a PubNub request that did not succeed, classified the way
// the clients classify it (pubnub-api-error: 400 is a bad request, 403
// access denied, anything else unknown; a network error or a timeout
// when no answer came).
type Failure struct {
	Category Category
	// Status is the HTTP status, or the status the body states when it
	// is a PubNub error object (the clients prefer it); 0 when no
	// answer came.
	Status  int
	Service string // "Access Manager", "Balancer", … when the body says
	Message string // the body's message (or error_message), sanitised later by whoever shows it
	// Channels and Groups are what an Access Manager refusal names in
	// its payload.
	Channels, Groups []string
	// ContentType is false when a 4xx or 5xx came without a JSON
	// Content-Type: PubNub 8 then misreads a 403 as a bad request.
	ContentType bool
}

// Error says what happened in a line: "PNAccessDeniedCategory: HTTP 403
// Access Manager: Forbidden (channels 222_abc)".
func (f *Failure) Error() string {
	var b strings.Builder
	b.WriteString(string(f.Category))
	b.WriteString(": ")
	if f.Status != 0 {
		b.WriteString("HTTP " + strconv.Itoa(f.Status))
		if f.Service != "" {
			b.WriteString(" " + f.Service)
		}
		if f.Message != "" {
			b.WriteString(": " + f.Message)
		}
	} else if f.Message != "" {
		b.WriteString(f.Message)
	}
	if len(f.Channels) > 0 {
		b.WriteString(" (channels " + strings.Join(f.Channels, ",") + ")")
	}
	if len(f.Groups) > 0 {
		b.WriteString(" (groups " + strings.Join(f.Groups, ",") + ")")
	}
	return b.String()
}

// Meaning says in words what a category means for a RingCentral
// subscriber.
func (f *Failure) Meaning() string {
	switch f.Category {
	case CategoryAccessDenied:
		return "access denied: PubNub's Access Manager refuses this sub key or channel (a revoked or expired subscription); the official clients stop polling for good"
	case CategoryBadRequest:
		return "bad request: PubNub does not accept the sub key or the request (an invalid subscribe key); the official clients stop polling for good"
	case CategoryNetworkIssues:
		return "no answer from PubNub (network); clients resume from their last timetoken and catch up"
	case CategoryTimeout:
		return "the poll had no answer within the client's timeout; clients poll again with the same timetoken"
	case CategoryMalformedResponse:
		return "PubNub's answer could not be read (a proxy or captive portal?); the cursor cannot move"
	}
	return "PubNub answered an error; clients retry"
}

// NoAnswer classifies a request that got no answer: timeout says it ran
// out of time, else the network failed. cause is the transport's words.
func NoAnswer(cause string, timeout bool) *Failure {
	f := &Failure{Category: CategoryNetworkIssues, Message: cause}
	if timeout {
		f.Category = CategoryTimeout
	}
	return f
}

// Classify reads an answer with status other than 2xx, or a 2xx whose
// body is a PubNub error object, and returns the Failure the clients
// would see; nil for a success. contentType is the answer's
// Content-Type header.
//
// The bodies of the real service (pubnub/rust error_response.rs):
//
//	403 {"message":"Forbidden","payload":{"channels":[…],"channel-groups":[…]},"error":true,"service":"Access Manager","status":403}
//	413 {"status":413,"error":true,"service":"Balancer","message":"Request Entity Too Large."}
//	429 {"status":429,"error":true,"message":"Too many requests."}
//	400 {"status":400,"error":true,"error_message":"Invalid Arguments","channels":{}}
//	[0,"Invalid Subscribe Key"]
func Classify(status int, contentType string, body []byte) *Failure {
	f := &Failure{Status: status, ContentType: jsonType(contentType)}
	errObj := readErrorBody(body, f)
	if status/100 == 2 && !errObj {
		return nil
	}
	switch f.Status {
	case 400:
		f.Category = CategoryBadRequest
	case 403:
		f.Category = CategoryAccessDenied
	default:
		f.Category = CategoryUnknown
	}
	if f.Message == "" {
		f.Message = statusText(f.Status)
	}
	return f
}

// jsonType reports a Content-Type the clients read as JSON.
func jsonType(ct string) bool {
	ct = strings.ToLower(ct)
	return strings.Contains(ct, "application/json") || strings.Contains(ct, "text/javascript")
}

// readErrorBody fills f from a PubNub error body and reports whether it
// was an error object ({error: true or 1, status: n, …}), whose status
// then replaces the HTTP one as the clients do.
func readErrorBody(body []byte, f *Failure) bool {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return false
	}
	switch body[0] {
	case '[':
		// [0,"message"]: the older array form.
		var arr []json.RawMessage
		if json.Unmarshal(body, &arr) == nil && len(arr) >= 2 {
			if n, ok := looseInt(arr[0]); ok && n == 0 {
				f.Message = looseString(arr[1])
			}
		}
		return false
	case '{':
	default:
		f.Message = clip(string(body), 200)
		return false
	}
	var w struct {
		Error        json.RawMessage `json:"error"`
		Status       json.RawMessage `json:"status"`
		Message      json.RawMessage `json:"message"`
		ErrorMessage json.RawMessage `json:"error_message"`
		Service      json.RawMessage `json:"service"`
		Payload      struct {
			Channels []string `json:"channels"`
			Groups   []string `json:"channel-groups"`
		} `json:"payload"`
	}
	if json.Unmarshal(body, &w) != nil {
		return false
	}
	f.Message = looseString(w.Message)
	if f.Message == "" {
		f.Message = looseString(w.ErrorMessage)
	}
	f.Service = looseString(w.Service)
	f.Channels, f.Groups = w.Payload.Channels, w.Payload.Groups
	errSet := false
	switch strings.TrimSpace(string(w.Error)) {
	case "true", "1":
		errSet = true
	}
	if n, ok := looseInt(w.Status); ok && errSet && n >= 100 && n <= 599 {
		f.Status = n
	}
	return errSet
}

func statusText(status int) string {
	switch status {
	case 0:
		return ""
	case 400:
		return "Bad Request"
	case 403:
		return "Forbidden"
	case 413:
		return "Request Entity Too Large"
	case 429:
		return "Too Many Requests"
	}
	if status >= 500 {
		return "server error"
	}
	return ""
}

// clip cuts s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
