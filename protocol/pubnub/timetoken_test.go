package pubnub

import (
	"encoding/json"
	"testing"
	"time"
)

// Timetokens are compared as the numbers they are, never as strings.
func TestTimetokensCompareAsIntegers(t *testing.T) {
	nine, err := ParseTimetoken("9")
	if err != nil {
		t.Fatal(err)
	}
	ten, _ := ParseTimetoken("10")
	if !(nine < ten) {
		t.Fatalf("9 should be older than 10")
	}
	a, _ := ParseTimetoken("17959736021530002")
	b, _ := ParseTimetoken("17959736021530010")
	if !(a < b) || a.String() != "17959736021530002" {
		t.Fatalf("17-digit timetokens: %v %v", a, b)
	}
}

func TestParseTimetokenRefusesWhatIsNotDigits(t *testing.T) {
	for _, s := range []string{"", "-1", "+5", " 1", "1.5", "1e17", "0x10", "123456789012345678901", "99999999999999999999"} {
		if _, err := ParseTimetoken(s); err == nil {
			t.Errorf("ParseTimetoken(%q) accepted", s)
		}
	}
	if v, err := ParseTimetoken("0"); err != nil || v != 0 {
		t.Errorf("0: %v %v", v, err)
	}
}

// A timetoken is Unix time in 100 ns units.
func TestTimetokenTime(t *testing.T) {
	at := time.Date(2026, 11, 3, 10, 4, 5, 123456700, time.UTC)
	tt := TimetokenAt(at)
	if tt.String() != "17937002451234567" {
		t.Fatalf("TimetokenAt = %s", tt)
	}
	if !tt.Time().Equal(at) {
		t.Fatalf("Time = %v, want %v", tt.Time(), at)
	}
}

// The server writes t.t as a string; a number is read too.
func TestCursorJSON(t *testing.T) {
	var c Cursor
	if err := json.Unmarshal([]byte(`{"t":"17959736021530002","r":12}`), &c); err != nil || c.T != 17959736021530002 || c.R != 12 {
		t.Fatalf("%+v %v", c, err)
	}
	if err := json.Unmarshal([]byte(`{"t":17959736021530003,"r":1}`), &c); err != nil || c.T != 17959736021530003 {
		t.Fatalf("number form: %+v %v", c, err)
	}
	b, _ := json.Marshal(Cursor{T: 17959736021530002, R: 12})
	if string(b) != `{"t":"17959736021530002","r":12}` {
		t.Fatalf("marshal: %s", b)
	}
	if err := json.Unmarshal([]byte(`{"t":"abc","r":1}`), &c); err == nil {
		t.Fatal("accepted a non-numeric t")
	}
}
