package voipbin

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Each A11 type is recognised by its fields and summarised from them.
func TestShapesAndSummaries(t *testing.T) {
	cases := []struct {
		payload string
		shape   Shape
		label   string
		want    []string
	}{
		{callPayload("dialing", "", "", "2026-08-22T10:00:00.5Z"), ShapeCall, "call", []string{"dialing", "outgoing +821100000001 → +821100000002"}},
		{callPayload("ringing", "", "", "2026-08-22T10:00:01Z"), ShapeCall, "call", []string{"ringing"}},
		{callPayload("progressing", "", "", "2026-08-22T10:00:02Z"), ShapeCall, "call", []string{"progressing"}},
		{callPayload("hangup", "remote", "busy", "2026-08-22T10:00:09Z"), ShapeCall, "call", []string{"hangup by remote (busy)"}},
		{activeflowPayload, ShapeActiveflow, "activeflow", []string{"running", "call c0ffee00", "action talk"}},
		{agentPayload("available", "2026-08-22T10:00:00Z"), ShapeAgent, "agent", []string{"alice@example.com", "available"}},
		{queuecallPayload, ShapeQueuecall, "queuecall", []string{"service", "waited 12.3s", "agent 9f3e1c2a"}},
		{conferencePayload, ShapeConference, "conference", []string{"progressing", `"Sales standup"`, "3 in conference"}},
		{messagePayload, ShapeMessage, "SMS in", []string{"+15551230000 → +821100000001", `"Your code is 4242"`}},
		{recordingPayload, ShapeRecording, "recording", []string{"recording", "call c0ffee00", "wav"}},
		{transcribePayload, ShapeTranscribe, "transcribe", []string{"progressing", "en-US", "both"}},
		{transcriptPayload, ShapeTranscript, "transcript", []string{"in", `"I would like to check my order"`}},
		{speechPayload("s1", "I would"), ShapeSpeech, "speech", []string{"interim in", `"I would"`, "transcribe 6c7d8e9f"}},
		{speechPayload("s2", ""), ShapeSpeech, "speech", []string{"started or ended"}},
		{`{"id":"` + callID + `","customer_id":"` + customer + `","name":"spring sale","end_handle":"stop"}`, ShapeUnknown, "resource", []string{`"spring sale"`}},
	}
	for _, c := range cases {
		var p Payload
		if err := decodePayload([]byte(c.payload), &p); err != nil {
			t.Fatalf("%s: %v", c.payload, err)
		}
		if got := p.Shape(); got != c.shape {
			t.Errorf("%.60s…: shape %q, want %q", c.payload, got, c.shape)
			continue
		}
		s := Summarize(&p, c.shape, "", []byte(c.payload))
		if s.Label != c.label {
			t.Errorf("%s: label %q, want %q", c.shape, s.Label, c.label)
		}
		for _, w := range c.want {
			if !strings.Contains(s.Summary, w) {
				t.Errorf("%s: summary %q lacks %q", c.shape, s.Summary, w)
			}
		}
	}
}

// An agent changing status reads as the change.
func TestAgentSummaryShowsTheStatusChange(t *testing.T) {
	var p Payload
	_ = decodePayload([]byte(agentPayload("busy", "2026-08-22T10:00:00Z")), &p)
	if s := Summarize(&p, ShapeAgent, "available", nil); !strings.Contains(s.Summary, "available → busy") {
		t.Fatalf("summary %q", s.Summary)
	}
}

// A field of an unexpected type does not hide the rest of the payload.
func TestAWronglyTypedFieldIsTolerated(t *testing.T) {
	var p Payload
	raw := `{"id":"` + callID + `","customer_id":"` + customer + `","status":"ringing","direction":"incoming","hangup_by":7}`
	if err := decodePayload([]byte(raw), &p); err != nil || p.Shape() != ShapeCall || p.Status != "ringing" {
		t.Fatalf("err %v, shape %q, status %q", err, p.Shape(), p.Status)
	}
}

// Nothing from the network reaches a cell unescaped, and cells are
// capped.
func TestSummariesAreTerminalSafe(t *testing.T) {
	raw := `{"id":"` + callID + `","customer_id":"` + customer + `","type":"sms","direction":"inbound","text":"\u001b]0;pwned\u0007\u202e` + strings.Repeat("x", 500) + `"}`
	var p Payload
	_ = decodePayload([]byte(raw), &p)
	s := Summarize(&p, p.Shape(), "", []byte(raw))
	if strings.ContainsAny(s.Summary, "\x1b\x07\u202e") || utf8.RuneCountInString(s.Summary) > MaxSummary {
		t.Fatalf("unsafe summary %q", s.Summary)
	}
}

// Times as VoIPBin writes them (A6), and as its docs' examples do.
func TestTimestamps(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"tm_update":"2026-08-22T10:00:01.123456789Z"}`, "2026-08-22T10:00:01.123456789Z"},
		{`{"tm_update":"2022-05-01 15:10:38.721000"}`, "2022-05-01T15:10:38.721Z"},
		{`{"tm_update":null,"tm_create":"2026-08-22T10:00:00Z"}`, "2026-08-22T10:00:00Z"},
		{`{"tm_update":"9999-01-01 00:00:00.000000"}`, "0001-01-01T00:00:00Z"},
	} {
		var p Payload
		_ = decodePayload([]byte(c.in), &p)
		if got := p.Timestamp().Format("2006-01-02T15:04:05.999999999Z07:00"); got != c.want {
			t.Errorf("%s: %s, want %s", c.in, got, c.want)
		}
	}
}
