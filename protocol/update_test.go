package protocol

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The JSON of an Update is the recording format and headless output:
// these pin what jq users and old recordings rely on.
func TestAnUpdateRoundTripsThroughItsJSONLine(t *testing.T) {
	in := Update{
		Time:   time.Date(2026, 11, 22, 12, 0, 1, 500, time.UTC),
		Offset: Offset(1500 * time.Millisecond),
		Kind:   KindState,
		Conn:   2,
		State: &State{Phase: PhaseBackoff, Attempt: 3, Delay: Millis(250 * time.Millisecond),
			Recovery: &Recovery{Token: "T", Sequence: 7, Outcome: "Successful"}},
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"off":1.500000`, `"kind":"state"`, `"delay_ms":250`, `"phase":"backoff"`} {
		if !strings.Contains(string(b), want) {
			t.Fatalf("line lacks %s: %s", want, b)
		}
	}
	for _, absent := range []string{`"event"`, `"frame"`, `"until"`} {
		if strings.Contains(string(b), absent) {
			t.Fatalf("line carries an empty %s: %s", absent, b)
		}
	}
	var out Update
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.Offset != in.Offset || out.State.Delay != in.State.Delay || out.State.Recovery.Sequence != 7 || !out.Time.Equal(in.Time) {
		t.Fatalf("round trip changed the update: %+v", out)
	}
}

func TestOffsetsAndMillisRejectNonNumbers(t *testing.T) {
	var o Offset
	if err := json.Unmarshal([]byte(`"soon"`), &o); err == nil {
		t.Fatal("an offset that is not a number was accepted")
	}
	var m Millis
	if err := json.Unmarshal([]byte(`{}`), &m); err == nil {
		t.Fatal("a duration that is not a number was accepted")
	}
}

func TestAnAPIErrorReadsAsTheServerSaidIt(t *testing.T) {
	e := &APIError{Status: 400, Code: "SUB-406", Message: "Parameter [eventFilters] value is invalid"}
	if got, want := e.Error(), "HTTP 400 SUB-406: Parameter [eventFilters] value is invalid"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
