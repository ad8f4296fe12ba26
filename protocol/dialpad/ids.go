package dialpad

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// ID is a Dialpad resource id. The spec declares ids integer/int64, but
// every example writes them as JSON strings ("id":"1000"), protobuf's
// JSON form of a 64-bit integer, and events carry them as plain numbers.
// ID reads either and writes a string, as the server does. An id is kept
// as its digits: 16-digit datastore ids do not survive a float64.
type ID string

// UnmarshalJSON reads a string, a number or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*id = ""
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("id: want a string or a number, got %.40s", b)
	}
	*id = ID(n.String())
	return nil
}

// MarshalJSON writes a string.
func (id ID) MarshalJSON() ([]byte, error) { return json.Marshal(string(id)) }

// IntID is an id in a request body (endpoint_id, target_id). The spec's
// schema says integer/int64, so it is written as a JSON number, digit for
// digit (a server built from the spec parses an integer; protobuf's JSON
// parser accepts one too); it reads a string or a number.
type IntID string

// MarshalJSON writes the id as a number when it is one, else as a string.
func (id IntID) MarshalJSON() ([]byte, error) {
	if ValidID(string(id)) {
		return []byte(id), nil
	}
	return json.Marshal(string(id))
}

// UnmarshalJSON reads a string, a number or null.
func (id *IntID) UnmarshalJSON(b []byte) error {
	var v ID
	if err := v.UnmarshalJSON(b); err != nil {
		return err
	}
	*id = IntID(v)
	return nil
}

// ValidID reports whether s is an id the API can take: the decimal
// digits of a positive int64.
func ValidID(s string) bool {
	if s == "" || len(s) > 19 || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}
