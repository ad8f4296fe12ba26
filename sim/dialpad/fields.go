package dialpad

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// maxBody bounds a REST request body.
const maxBody = 1 << 20

// body is a request body as its top-level fields. Every reader below
// treats a field that is absent or null the same: not given (the
// resources are protobuf messages, where null means unset). Unknown
// fields are ignored, as a protobuf JSON parser configured to be lenient
// would; what the emulator ignores it logs.
type body map[string]json.RawMessage

// readBody parses a JSON object body; an empty body is an empty object.
func readBody(r *http.Request) (body, *apiError) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, badRequest("could not read the request body: %v", err)
	}
	if len(data) > maxBody {
		return nil, badRequest("the request body is larger than %d bytes", maxBody)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return body{}, nil
	}
	var b body
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, badRequest("the request body is not a JSON object: %v", err)
	}
	if b == nil { // the body was "null"
		b = body{}
	}
	return b, nil
}

// given reports whether field is present and not null.
func (b body) given(field string) bool {
	v, ok := b[field]
	return ok && !bytes.Equal(bytes.TrimSpace(v), []byte("null"))
}

// boolean reads a boolean field.
func (b body) boolean(field string) (v, ok bool, e *apiError) {
	if !b.given(field) {
		return false, false, nil
	}
	if err := json.Unmarshal(b[field], &v); err != nil {
		return false, false, fieldError(field, "must be true or false, not %s", clip(b[field]))
	}
	return v, true, nil
}

// str reads a string field.
func (b body) str(field string) (v string, ok bool, e *apiError) {
	if !b.given(field) {
		return "", false, nil
	}
	if err := json.Unmarshal(b[field], &v); err != nil {
		return "", false, fieldError(field, "must be a string, not %s", clip(b[field]))
	}
	return v, true, nil
}

// enum reads a string field that must be one of allowed.
func (b body) enum(field string, allowed []string) (string, bool, *apiError) {
	v, ok, e := b.str(field)
	if e != nil || !ok {
		return "", false, e
	}
	if !oneOf(v, allowed) {
		return "", false, fieldError(field, "%q is not one of %s", v, strings.Join(allowed, ", "))
	}
	return v, true, nil
}

// enumList reads an array of strings that must each be one of allowed.
func (b body) enumList(field string, allowed []string) ([]string, bool, *apiError) {
	if !b.given(field) {
		return nil, false, nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b[field], &raw); err != nil {
		return nil, false, fieldError(field, "must be an array of strings, not %s", clip(b[field]))
	}
	out := make([]string, 0, len(raw))
	for i, item := range raw {
		var v string
		if err := json.Unmarshal(item, &v); err != nil {
			return nil, false, fieldError(field+"["+strconv.Itoa(i)+"]", "must be a string, not %s", clip(item))
		}
		if !oneOf(v, allowed) {
			return nil, false, fieldError(field+"["+strconv.Itoa(i)+"]", "%q is not one of %s", v, strings.Join(allowed, ", "))
		}
		out = append(out, v)
	}
	return out, true, nil
}

// id reads an int64 field given as a JSON string ("1000", the protobuf
// convention the spec's examples use) or a JSON number (what the spec's
// type says).
func (b body) id(field string) (int64, bool, *apiError) {
	if !b.given(field) {
		return 0, false, nil
	}
	raw := bytes.TrimSpace(b[field])
	text := string(raw)
	if len(raw) > 0 && raw[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			return 0, false, fieldError(field, "must be an integer id, not %s", clip(raw))
		}
	}
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, false, fieldError(field, "must be an int64 id (a number or a string of digits), not %s", clip(raw))
	}
	return v, true, nil
}

// parseID reads an id from a path segment or query parameter.
func parseID(name, v string) (int64, *apiError) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, paramError(name, "%q is not an int64 id", clip([]byte(v)))
	}
	return id, nil
}

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// clip keeps error messages short whatever the client sent.
func clip(b []byte) string {
	const max = 60
	s := string(b)
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}
