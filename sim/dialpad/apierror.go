package dialpad

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is a REST error. The spec documents no error body; the
// emulator answers in the Google Cloud Endpoints envelope that Dialpad's
// App Engine API uses (evtap's choice, docs/emulator-dialpad.md):
//
//	{"error":{"code":400,"message":"direction is required",
//	  "errors":[{"domain":"global","reason":"required","message":"direction is required","location":"direction","locationType":"body"}]}}
//
// Location names the field or parameter at fault, when one is.
type apiError struct {
	status   int
	reason   string
	message  string
	location string // field or parameter name
	where    string // body, parameter or path
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.reason, e.message) }

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    int         `json:"code"`
	Message string      `json:"message"`
	Errors  []errorItem `json:"errors"`
}

type errorItem struct {
	Domain       string `json:"domain"`
	Reason       string `json:"reason"`
	Message      string `json:"message"`
	Location     string `json:"location,omitempty"`
	LocationType string `json:"locationType,omitempty"`
}

func (e *apiError) body() errorBody {
	return errorBody{Error: errorDetail{Code: e.status, Message: e.message, Errors: []errorItem{{
		Domain: "global", Reason: e.reason, Message: e.message, Location: e.location, LocationType: e.where,
	}}}}
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, e.body())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":{"code":500,"message":"encoding failed","errors":[]}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// Error constructors, one per kind of answer.

func fieldError(field, format string, a ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, reason: "invalid", message: field + ": " + fmt.Sprintf(format, a...), location: field, where: "body"}
}

func requiredError(field string) *apiError {
	return &apiError{status: http.StatusBadRequest, reason: "required", message: field + " is required", location: field, where: "body"}
}

func paramError(param, format string, a ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, reason: "invalidParameter", message: param + ": " + fmt.Sprintf(format, a...), location: param, where: "parameter"}
}

func badRequest(format string, a ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, reason: "badRequest", message: fmt.Sprintf(format, a...)}
}

func notFound(format string, a ...any) *apiError {
	return &apiError{status: http.StatusNotFound, reason: "notFound", message: fmt.Sprintf(format, a...)}
}

func unauthorized(msg string) *apiError {
	return &apiError{status: http.StatusUnauthorized, reason: "unauthorized", message: msg}
}
