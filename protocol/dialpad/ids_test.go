package dialpad

import (
	"encoding/json"
	"testing"
)

// Ids are strings on the wire but numbers are accepted, digit for digit
// (a 16-digit datastore id does not survive a float64).
func TestIDReadsStringsAndNumbers(t *testing.T) {
	for in, want := range map[string]ID{
		`"1000"`:              "1000",
		`1000`:                "1000",
		`5071678191976448`:    "5071678191976448",
		`9223372036854775807`: "9223372036854775807",
		`null`:                "",
	} {
		var id ID
		if err := json.Unmarshal([]byte(in), &id); err != nil || id != want {
			t.Errorf("ID from %s = %q, %v; want %q", in, id, err, want)
		}
	}
	for _, bad := range []string{`true`, `{}`, `[1]`} {
		var id ID
		if err := json.Unmarshal([]byte(bad), &id); err == nil {
			t.Errorf("ID from %s: no error", bad)
		}
	}
	b, _ := json.Marshal(struct {
		ID ID `json:"id"`
	}{"1000"})
	if string(b) != `{"id":"1000"}` {
		t.Errorf("ID written as %s, want a string as the server writes it", b)
	}
}

// Ids in request bodies go out as the spec's int64: a JSON number.
func TestIntIDIsWrittenAsANumber(t *testing.T) {
	b, _ := json.Marshal(CallSubscriptionBody{EndpointID: "5071678191976448", TargetID: "123", TargetType: "user"})
	if string(b) != `{"endpoint_id":5071678191976448,"target_id":123,"target_type":"user"}` {
		t.Errorf("body %s", b)
	}
	var back CallSubscriptionBody
	if err := json.Unmarshal([]byte(`{"endpoint_id":"77","target_id":8}`), &back); err != nil || back.EndpointID != "77" || back.TargetID != "8" {
		t.Errorf("read back %+v, %v", back, err)
	}
}

func TestValidID(t *testing.T) {
	for s, want := range map[string]bool{"1": true, "5071678191976448": true, "9223372036854775807": true,
		"9223372036854775808": false, "0": false, "01": false, "": false, "-1": false, "1e3": false, "12a": false} {
		if got := ValidID(s); got != want {
			t.Errorf("ValidID(%q) = %v, want %v", s, got, want)
		}
	}
}
