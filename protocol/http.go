package protocol

// A REST exchange a provider makes alongside its socket (a token, a
// subscription, a fresh socket URL, one long-poll) is published as two
// Frames with Op "http": a sent one whose Data is an HTTPRequest and a
// received one whose Data is the matching HTTPResponse, each encoded as
// JSON. So REST traffic is seen in the list, in headless output and in
// recordings, and a replay can decode it again like any frame.
//
// Credentials the client put on the request (an Authorization header, a
// password field, an api key in the query) are masked by the session
// before the Frame is published; what the server answers (issued tokens,
// keys, URLs with tokens in them) is kept verbatim and redacted by the
// recorder with the provider's rules.

// HTTPRequest is the Data of a sent http Frame.
type HTTPRequest struct {
	ID     int               `json:"id"` // pairs the request with its response within a session
	Method string            `json:"method"`
	URL    string            `json:"url"`
	Header map[string]string `json:"header,omitempty"`
	Body   string            `json:"body,omitempty"`
}

// HTTPResponse is the Data of a received http Frame. Status 0 with Error
// set means no answer came (connection refused, timeout).
type HTTPResponse struct {
	ID       int               `json:"id"` // the HTTPRequest's ID
	Method   string            `json:"method"`
	URL      string            `json:"url"`
	Status   int               `json:"status,omitempty"`
	Header   map[string]string `json:"header,omitempty"`
	Body     string            `json:"body,omitempty"`
	Error    string            `json:"error,omitempty"`
	Duration Millis            `json:"duration_ms"`
}
