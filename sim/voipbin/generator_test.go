package voipbin

import (
	"bytes"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// a8 is the notes' table of customer-visible event types (A8) for the
// resources the generator tells stories about.
var a8 = []string{
	"call_created", "call_updated", "call_dialing", "call_ringing", "call_progressing", "call_terminating", "call_canceling", "call_hangup", "call_deleted",
	"groupcall_created", "groupcall_progressing", "groupcall_hangup", "groupcall_deleted",
	"recording_started", "recording_finished",
	"activeflow_created", "activeflow_updated", "activeflow_deleted",
	"agent_created", "agent_updated", "agent_deleted", "agent_status_updated",
	"queuecall_created", "queuecall_waiting", "queuecall_connecting", "queuecall_serviced", "queuecall_done", "queuecall_abandoned", "queuecall_deleted",
	"conference_created", "conference_updated", "conference_deleted",
	"message_created", "message_updated", "message_deleted",
	"transcribe_created", "transcribe_progressing", "transcribe_done", "transcribe_speech_started", "transcribe_speech_interim", "transcribe_speech_ended",
	"transcript_created",
}

// clockFrom returns a clock that moves 1.5 ms (and a few ns) each call, so
// times have nanoseconds.
func clockFrom(t0 time.Time) func() time.Time {
	n := 0
	return func() time.Time { n++; return t0.Add(time.Duration(n) * 1500007 * time.Nanosecond) }
}

func generate(seed int64, n int) []event {
	g := newGenerator(seed, cust)
	now := clockFrom(time.Date(2026, 8, 22, 10, 0, 0, 0, time.UTC))
	out := make([]event, n)
	for i := range out {
		out[i] = g.next(now())
	}
	return out
}

// The generator makes every event type of the notes' table, and nothing
// VoIPBin never publishes to customers (queue_*, conferencecall_*).
func TestGeneratorCoversA8(t *testing.T) {
	seen := map[string]int{}
	for _, e := range generate(1, 6000) {
		seen[e.Type]++
	}
	for _, typ := range a8 {
		if seen[typ] == 0 {
			t.Errorf("never generated %s", typ)
		}
	}
	for typ := range seen {
		if !slices.Contains(a8, typ) {
			t.Errorf("generated %s, which is not in the notes' table", typ)
		}
	}
	if t.Failed() {
		t.Logf("seen: %v", slices.Sorted(maps.Keys(seen)))
	}
}

// The same seed makes the same events; another seed makes others.
func TestGeneratorSeedRepeats(t *testing.T) {
	a, b, c := generate(42, 500), generate(42, 500), generate(43, 500)
	for i := range a {
		if a[i].Type != b[i].Type || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Fatalf("event %d differs with the same seed:\n%s %s\n%s %s", i, a[i].Type, a[i].Data, b[i].Type, b[i].Data)
		}
	}
	same := 0
	for i := range a {
		if bytes.Equal(a[i].Data, c[i].Data) {
			same++
		}
	}
	if same == len(a) {
		t.Fatal("seeds 42 and 43 made the same events")
	}
}

var (
	zeroUUID = `"00000000-0000-0000-0000-000000000000"`
	uuidRE   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// Payloads follow the notes' encoding rules (A11): ids always present
// (zero UUID when unset), times RFC 3339 with nanoseconds, an unset time
// absent where the field is omitempty and null where it is not.
func TestPayloadEncoding(t *testing.T) {
	// Fields that must be present on every event of a resource, and the
	// omitempty times that must be absent while unset.
	required := map[string][]string{
		"call":       {"id", "customer_id", "owner_type", "owner_id", "flow_id", "activeflow_id", "type", "master_call_id", "chained_call_ids", "recording_id", "recording_ids", "groupcall_id", "source", "destination", "status", "action", "metadata", "direction", "mute_direction", "hangup_by", "hangup_reason"},
		"activeflow": {"id", "customer_id", "flow_id", "status", "reference_type", "reference_id", "reference_activeflow_id", "on_complete_flow_id", "webhook_uri", "webhook_method", "current_action", "forward_action_id", "executed_actions", "tm_create", "tm_update", "tm_delete"},
		"agent":      {"id", "customer_id", "username", "name", "detail", "ring_method", "status", "permission", "tag_ids", "addresses", "direct_hash", "tm_create", "tm_update", "tm_delete"},
		"queuecall":  {"id", "customer_id", "reference_type", "reference_id", "status", "service_agent_id", "duration_waiting", "duration_service", "tm_create", "tm_service", "tm_update", "tm_delete"},
		"conference": {"id", "customer_id", "type", "status", "name", "detail", "data", "timeout", "pre_flow_id", "post_flow_id", "conferencecall_ids", "recording_id", "recording_ids", "transcribe_id", "transcribe_ids", "direct_hash", "tm_end", "tm_create", "tm_update", "tm_delete"},
		"message":    {"id", "customer_id", "type", "source", "targets", "text", "direction", "tm_create", "tm_update", "tm_delete"},
		"recording":  {"id", "customer_id", "owner_type", "owner_id", "activeflow_id", "reference_type", "reference_id", "status", "format", "on_end_flow_id"},
		"transcript": {"id", "customer_id", "transcribe_id", "direction", "message", "tm_transcript", "tm_create"},
		"groupcall":  {"id", "customer_id", "owner_type", "owner_id"},
	}
	transcribeFields := []string{"id", "customer_id", "activeflow_id", "on_end_flow_id", "reference_type", "reference_id", "status", "language", "direction", "provider", "tm_create", "tm_update", "tm_delete"}
	speechFields := []string{"id", "customer_id", "streaming_id", "transcribe_id", "direction", "tm_event", "tm_create"}
	speechIDs := map[string]bool{}
	for _, e := range generate(7, 1500) {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(e.Data, &m); err != nil {
			t.Fatalf("%s: %v", e.Type, err)
		}
		if _, ok := m["event_type"]; ok {
			t.Fatalf("%s carries an event type field", e.Type)
		}
		fields := required[resourceOf(e.Type)]
		switch {
		case strings.HasPrefix(e.Type, "transcribe_speech_"):
			fields = speechFields
			_, has := m["message"]
			if has != (e.Type == "transcribe_speech_interim") {
				t.Errorf("%s: message present=%v; it is omitted when empty (started, ended)", e.Type, has)
			}
			id := string(m["id"])
			if speechIDs[id] {
				t.Errorf("%s reuses id %s; speech ids are fresh per event", e.Type, id)
			}
			speechIDs[id] = true
		case resourceOf(e.Type) == "transcribe":
			fields = transcribeFields
		}
		for _, f := range fields {
			if _, ok := m[f]; !ok {
				t.Fatalf("%s lacks %s: %s", e.Type, f, e.Data)
			}
		}
		for k, v := range m {
			checkValue(t, e.Type, k, v)
		}
		switch resourceOf(e.Type) {
		case "call":
			if e.Type != "call_hangup" && e.Type != "call_deleted" {
				if _, ok := m["tm_hangup"]; ok {
					t.Fatalf("%s has tm_hangup before the hangup (omitempty: absent while unset): %s", e.Type, e.Data)
				}
			}
			if _, ok := m["tm_delete"]; ok != (e.Type == "call_deleted") {
				t.Fatalf("%s: tm_delete present=%v (omitempty)", e.Type, ok)
			}
		case "recording":
			if _, ok := m["tm_end"]; ok != (e.Type == "recording_finished") {
				t.Fatalf("%s: tm_end present=%v (omitempty)", e.Type, ok)
			}
		case "activeflow":
			if e.Type != "activeflow_deleted" && string(m["tm_delete"]) != "null" {
				t.Fatalf("%s: tm_delete %s, want null (not omitempty)", e.Type, m["tm_delete"])
			}
		}
	}
}

// checkValue: ids are UUIDs (unset ones the zero UUID), times RFC 3339
// in UTC with nanoseconds or null.
func checkValue(t *testing.T, typ, k string, v json.RawMessage) {
	t.Helper()
	switch {
	case k == "id" || strings.HasSuffix(k, "_id") && k != "direct_id":
		var s string
		if json.Unmarshal(v, &s) != nil || !uuidRE.MatchString(s) {
			t.Fatalf("%s.%s = %s: want a UUID", typ, k, v)
		}
		if k == "id" || k == "customer_id" {
			if string(v) == zeroUUID {
				t.Fatalf("%s.%s is the zero UUID", typ, k)
			}
		}
	case strings.HasPrefix(k, "tm_"):
		if string(v) == "null" {
			return
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			t.Fatalf("%s.%s = %s: want a time string or null", typ, k, v)
		}
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil || !strings.HasSuffix(s, "Z") || tm.Nanosecond() == 0 || !strings.Contains(s, ".") {
			t.Fatalf("%s.%s = %s: want RFC 3339 UTC with nanoseconds", typ, k, s)
		}
	}
}

// Calls move dialing → ringing → progressing → terminating/canceling →
// hangup (with steps skipped, never reversed), call_updated in between,
// and the hangup carries hangup_by, hangup_reason and tm_hangup.
func TestCallLifecycle(t *testing.T) {
	rank := map[string]int{"dialing": 0, "ringing": 1, "progressing": 2, "terminating": 3, "canceling": 3, "hangup": 4}
	type state struct {
		status  string
		created bool
		hungup  bool
	}
	calls := map[string]*state{}
	hangups := map[string]int{}
	// Interleaved stories, plus enough outbound calls for every outcome.
	evs := generate(3, 1500)
	g := newGenerator(4, cust)
	now := clockFrom(time.Date(2026, 8, 22, 10, 0, 0, 0, time.UTC))
	for i := 0; i < 80; i++ {
		evs = append(evs, g.runStory(StoryOutbound, now())...)
	}
	for _, e := range evs {
		if resourceOf(e.Type) != "call" {
			continue
		}
		var c call
		if err := json.Unmarshal(e.Data, &c); err != nil {
			t.Fatal(err)
		}
		id := c.ID.String()
		st := calls[id]
		if e.Type == "call_created" {
			if st != nil {
				t.Fatalf("call %s created twice", id)
			}
			if c.Status != "dialing" || c.TMCreate == nil {
				t.Fatalf("call_created: status %q, tm_create %v", c.Status, c.TMCreate)
			}
			calls[id] = &state{status: c.Status, created: true}
			continue
		}
		if st == nil {
			t.Fatalf("%s for call %s before call_created", e.Type, id)
		}
		if st.hungup && e.Type != "call_deleted" {
			t.Fatalf("%s after the hangup of %s", e.Type, id)
		}
		if want := "call_" + c.Status; e.Type != "call_updated" && e.Type != "call_deleted" && e.Type != want {
			t.Fatalf("%s carries status %q", e.Type, c.Status)
		}
		if rank[c.Status] < rank[st.status] {
			t.Fatalf("call %s went from %s back to %s", id, st.status, c.Status)
		}
		if c.Direction != "incoming" && c.Direction != "outgoing" {
			t.Fatalf("direction %q", c.Direction)
		}
		if e.Type == "call_canceling" && st.status == "progressing" {
			t.Fatalf("an answered call was cancelled")
		}
		if e.Type == "call_hangup" {
			if c.HangupBy == "" || c.HangupReason == "" || c.TMHangup == nil {
				t.Fatalf("call_hangup without hangup_by/hangup_reason/tm_hangup: %s", e.Data)
			}
			st.hungup = true
			hangups[c.HangupBy+"/"+c.HangupReason]++
		} else if !st.hungup && (c.HangupBy != "" || c.HangupReason != "") {
			t.Fatalf("%s before the hangup carries hangup_by %q", e.Type, c.HangupBy)
		}
		st.status = c.Status
	}
	for _, hr := range []string{"remote/normal", "local/normal", "remote/busy", "remote/failed", "local/noanswer", "local/cancel", "local/timeout", "local/dialout"} {
		if hangups[hr] == 0 {
			t.Errorf("no hangup %s among %v", hr, hangups)
		}
	}
}

// Transcription carries interim speech that grows into the transcript.
func TestInterimSpeechGrows(t *testing.T) {
	s := New(Config{Seed: 5})
	defer s.Close()
	s.mu.Lock()
	evs := s.gen.runStory(StoryInbound, s.now())
	s.mu.Unlock()
	var last string
	interims := 0
	for _, e := range evs {
		var sp speech
		_ = json.Unmarshal(e.Data, &sp)
		switch e.Type {
		case "transcribe_speech_started":
			last = ""
		case "transcribe_speech_interim":
			if !strings.HasPrefix(sp.Message, last) || len(sp.Message) <= len(last) {
				t.Fatalf("interim %q does not extend %q", sp.Message, last)
			}
			last = sp.Message
			interims++
		case "transcript_created":
			var tr transcript
			_ = json.Unmarshal(e.Data, &tr)
			if tr.Message != last {
				t.Fatalf("transcript %q, last interim %q", tr.Message, last)
			}
		}
	}
	if interims < 4 {
		t.Fatalf("%d interim results; want a conversation", interims)
	}
}
