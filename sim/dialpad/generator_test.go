package dialpad

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// counterStamp is a clock-free event_timestamp source for the generator.
func counterStamp() func() int64 {
	ts := int64(1_772_442_000_000)
	return func() int64 { ts += 750; return ts }
}

// The same seed makes the same events; another seed, others.
func TestSeedRepeatsEvents(t *testing.T) {
	run := func(seed int64) [][]byte {
		g, stamp := newGenerator(seed), counterStamp()
		var out [][]byte
		for i := 0; i < 400; i++ {
			out = append(out, g.next(stamp).body)
		}
		return out
	}
	a, b, c := run(42), run(42), run(43)
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Fatalf("event %d differs between two runs of seed 42:\n%s\n%s", i, a[i], b[i])
		}
	}
	same := 0
	for i := range a {
		if bytes.Equal(a[i], c[i]) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seeds 42 and 43 made %d identical events", same)
	}
}

// callFields is the notes' (B6) call payload, in its order.
var callFields = strings.Fields(`call_id state direction date_started date_rang date_first_rang date_queued
	date_connected date_ended talk_time hold_time duration total_duration external_number internal_number
	selected_caller_id target contact entry_point_call_id entry_point_target operator_call_id proxy_target
	master_call_id group_id is_internal is_transferred transferred_from target_availability_status csat_score
	routing_breadcrumbs event_timestamp mos_score labels was_recorded voicemail_link call_recording_ids
	transcription_text recording_details integrations`)

// keysInOrder lists an object's top-level keys as they appear.
func keysInOrder(t *testing.T, body []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func decodeNumbers(t *testing.T, body []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// isID reports whether v is a JSON number holding a positive integer.
func isID(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	i, err := n.Int64()
	return err == nil && i > 0
}

// isMillis reports whether v is null or a Unix time in milliseconds.
func isMillis(v any) bool {
	if v == nil {
		return true
	}
	n, ok := v.(json.Number)
	i, err := n.Int64()
	return ok && err == nil && i > 1e12 && i < 1e14
}

// Interleaved call legs carry every B6 field in order, numeric ids,
// millisecond times; each leg sends one event per state; child legs
// point at a master and entry-point leg that came first; event times
// rise strictly.
func TestGeneratedCallLegs(t *testing.T) {
	g, stamp := newGenerator(7), counterStamp()
	seen := map[string]bool{} // call_id:state
	legs := map[string]bool{}
	var last int64
	calls := 0
	for i := 0; i < 1500; i++ {
		ev := g.next(stamp)
		m := decodeNumbers(t, ev.body)
		ts, _ := m["event_timestamp"].(json.Number).Int64()
		if ts <= last {
			t.Fatalf("event_timestamp %d does not rise after %d", ts, last)
		}
		last = ts
		if ev.kind != KindCall {
			continue
		}
		calls++
		if got := keysInOrder(t, ev.body); fmt.Sprint(got) != fmt.Sprint(callFields) {
			t.Fatalf("call event keys:\n%v\nwant\n%v", got, callFields)
		}
		id, state := m["call_id"], m["state"].(string)
		if !isID(id) || !oneOf(state, CallStates) || state == "all" {
			t.Fatalf("call_id %v state %q", id, state)
		}
		key := fmt.Sprint(id) + ":" + state
		if seen[key] {
			t.Fatalf("leg %v sent %s twice", id, state)
		}
		seen[key] = true
		legs[fmt.Sprint(id)] = true
		if ev.key != "call:"+key {
			t.Fatalf("ledger key %q for %s", ev.key, key)
		}
		for _, f := range []string{"master_call_id", "entry_point_call_id"} {
			if m[f] != nil && !legs[fmt.Sprint(m[f])] {
				t.Fatalf("%s %v names no leg seen before", f, m[f])
			}
		}
		for _, f := range []string{"date_started", "date_rang", "date_first_rang", "date_queued", "date_connected", "date_ended", "event_timestamp"} {
			if !isMillis(m[f]) {
				t.Fatalf("%s = %v is not Unix ms", f, m[f])
			}
		}
		if d := m["direction"]; d != "inbound" && d != "outbound" {
			t.Fatalf("direction %v", d)
		}
		if tg := m["target"].(map[string]any); !isID(tg["id"]) || tg["type"] == "" {
			t.Fatalf("target %v", tg)
		}
		if ct := m["contact"].(map[string]any); !isID(ct["id"]) {
			t.Fatalf("contact %v", ct)
		}
	}
	if calls < 500 {
		t.Errorf("only %d of 1500 events were calls", calls)
	}
}

// legStates runs n stories of kind and returns every leg's states in
// order, by call id.
func legStates(t *testing.T, g *generator, kind string, n int) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	stamp := counterStamp()
	for i := 0; i < n; i++ {
		evs, err := g.story(kind, stamp)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if ev.kind == KindCall {
				m := decodeNumbers(t, ev.body)
				id := fmt.Sprint(m["call_id"])
				out[id] = append(out[id], m["state"].(string))
			}
		}
	}
	return out
}

// Each kind of call runs through the states the notes give for it.
func TestCallStories(t *testing.T) {
	g := newGenerator(11)
	cases := map[string][]string{
		StoryInbound:   {"preanswer queued ringing connected hangup postcall", "ringing hangup", "ringing connected hangup postcall", "ringing connected hangup postcall recording"},
		StoryOutbound:  {"calling ringing connected hangup postcall", "calling ringing hangup"},
		StoryMissed:    {"ringing missed hangup", "ringing hangup"},
		StoryVoicemail: {"ringing voicemail hangup voicemail_uploaded"},
	}
	for kind, allowed := range cases {
		got := map[string]bool{}
		for _, states := range legStates(t, g, kind, 60) {
			seq := strings.Join(states, " ")
			if !oneOf(seq, allowed) {
				t.Errorf("%s: a leg went %s", kind, seq)
			}
			got[seq] = true
		}
		for _, want := range allowed {
			if !got[want] {
				t.Errorf("%s: no leg went %s in 60 calls", kind, want)
			}
		}
	}
}

// SMS events: a direction, numeric ids, a list of recipients; delivery
// status updates only for sent messages, with a result; internal
// messages in both directions.
func TestGeneratedSMS(t *testing.T) {
	g, stamp := newGenerator(5), counterStamp()
	var statuses, internal int
	for i := 0; i < 200; i++ {
		evs, _ := g.story(KindSMS, stamp)
		for _, ev := range evs {
			m := decodeNumbers(t, ev.body)
			if !isID(m["id"]) || !isMillis(m["created_date"]) || !isMillis(m["event_timestamp"]) {
				t.Fatalf("sms ids/times: %s", ev.body)
			}
			if d := m["direction"]; d != "inbound" && d != "outbound" {
				t.Fatalf("direction %v", d)
			}
			if to, ok := m["to_number"].([]any); !ok || len(to) == 0 {
				t.Fatalf("to_number %v", m["to_number"])
			}
			if m["message_delivery_result"] != nil {
				statuses++
				if m["direction"] != "outbound" || (m["message_status"] != "success" && m["message_status"] != "failed") {
					t.Fatalf("status update: %s", ev.body)
				}
			}
			if m["is_internal"] == true {
				internal++
			}
		}
	}
	if statuses == 0 || internal == 0 {
		t.Errorf("in 200 messages: %d status updates, %d internal events", statuses, internal)
	}
}

// Agent status events carry the call centres as strings and an on-duty
// status from the documented set; a queue call takes its agent through
// occupied and wrapup.
func TestGeneratedAgentStatus(t *testing.T) {
	g, stamp := newGenerator(3), counterStamp()
	statuses := map[string]bool{}
	for _, kind := range []string{KindAgentStatus, StoryInbound} {
		for i := 0; i < 40; i++ {
			evs, _ := g.story(kind, stamp)
			for _, ev := range evs {
				if ev.kind != KindAgentStatus {
					continue
				}
				m := decodeNumbers(t, ev.body)
				s := m["on_duty_status"].(string)
				if !oneOf(s, []string{"available", "unavailable", "occupied", "wrapup", "busy"}) {
					t.Fatalf("on_duty_status %q", s)
				}
				statuses[s] = true
				ids, ok := m["call_center_ids"].([]any)
				if !ok || len(ids) == 0 {
					t.Fatalf("call_center_ids %v", m["call_center_ids"])
				}
				for _, id := range ids {
					if _, ok := id.(string); !ok {
						t.Fatalf("call centre id %v is not a string", id)
					}
				}
				if tg := m["target"].(map[string]any); !isID(tg["id"]) || tg["type"] != "user" {
					t.Fatalf("target %v", tg)
				}
			}
		}
	}
	if len(statuses) != 5 {
		t.Errorf("statuses seen: %v", statuses)
	}
}

func TestUnknownStoryKind(t *testing.T) {
	if _, err := newGenerator(1).story("fax", counterStamp()); err == nil {
		t.Error("an unknown kind was accepted")
	}
}

// Every id inside an event is 16 digits and below 2^53, so a JavaScript
// client (Dialpad's own sample parses events with JSON.parse) reads it
// exactly; the ids of REST resources come from the same range.
func TestIdsInEventsAreSixteenDigitsThatJavaScriptHoldsExactly(t *testing.T) {
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(path+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path+"[]", x)
			}
		case json.Number:
			if n, err := v.Int64(); err == nil && n >= 1<<53 {
				t.Fatalf("%s = %d is not below 2^53", path, n)
			}
		}
	}
	for seed := int64(0); seed < 12; seed++ {
		g, stamp := newGenerator(seed), counterStamp()
		for range 300 {
			d := json.NewDecoder(bytes.NewReader(g.next(stamp).body))
			d.UseNumber()
			var v any
			if err := d.Decode(&v); err != nil {
				t.Fatal(err)
			}
			walk("", v)
		}
	}
	if idMin+idSpan > 1<<53 || idMin < 1e15 {
		t.Fatalf("REST ids are drawn from [%d, %d)", idMin, idMin+idSpan)
	}
}
