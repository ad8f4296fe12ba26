package dialpad

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// The examples of the issue parse, and write back in the same form.
func TestParseSpecExamples(t *testing.T) {
	for in, want := range map[string]string{
		"call states=ringing,connected,hangup target=user:123":             "call states=ringing,connected,hangup target=user:123",
		"sms direction=inbound status":                                     "sms direction=inbound status",
		"agent_status":                                                     "agent_status",
		"  CALL   call_states=hangup  group_calls_only ":                   "call states=hangup group_calls_only",
		"contact contact_type=shared enabled=false":                        "contact contact_type=shared disabled",
		"changelog id=42":                                                  "changelog id=42",
		"sms direction=all include_internal=yes status=no target=office:9": "sms direction=all target=office:9 include_internal",
		"call states=ringing,ringing":                                      "call states=ringing",
		"agent_status agent_type=callcenter disabled=false":                "agent_status",
	} {
		s, err := ParseSpec(in)
		if err != nil {
			t.Errorf("ParseSpec(%q): %v", in, err)
			continue
		}
		if s.String() != want {
			t.Errorf("ParseSpec(%q).String() = %q, want %q", in, s, want)
		}
		again, err := ParseSpec(s.String())
		if err != nil || !again.Same(s) || again.ID != s.ID {
			t.Errorf("%q does not read back: %+v, %v", s, again, err)
		}
	}
}

// Every mistake is refused before anything is sent, with the reason and,
// where it helps, the closest right word.
func TestParseSpecRefusals(t *testing.T) {
	for in, want := range map[string]string{
		"":                                  "empty: want a type",
		"calls":                             `unknown subscription type "calls": want call, sms, agent_status, contact or changelog (did you mean call?)`,
		"webhook":                           `unknown subscription type "webhook"`,
		"agent":                             "did you mean agent_status?",
		"call states=ring":                  `states: "ring" is not a call state (did you mean ringing?)`,
		"call states=bogus":                 `states: "bogus" is not a call state; e.g. calling, ringing, connected, hold, hangup, missed, voicemail, all, … (all 32 in 'evtap connect dialpad --help')`,
		"call states=":                      "states: list one or more call states",
		"call states":                       "states needs a value: states=…",
		"sms":                               "sms needs direction=all|inbound|outbound (required)",
		"sms direction=in":                  `direction: "in" is not an SMS direction; want all, inbound, outbound`,
		"sms direction=inbund":              "did you mean inbound?",
		"contact":                           "contact needs contact_type=local|shared (required)",
		"contact contact_type=global":       `contact_type: "global" is not a contact type (did you mean local?); want local, shared`,
		"agent_status agent_type=office":    `agent_type: "office" is not allowed; the only agent type is callcenter`,
		"call target=user":                  "target: want TYPE:ID, e.g. target=user:123",
		"call target=person:1":              `target: "person" is not a target type`,
		"call target=user:abc":              `target: "abc" is not a target id`,
		"call target_type=user target_id=1": "target_type: write the target as target=TYPE:ID",
		"call direction=inbound":            `call takes no "direction"; it takes states, target, group_calls_only, id, disabled`,
		"sms direction=all states=ringing":  `sms takes no "states"`,
		"changelog target=user:1":           `changelog takes no "target"; it takes only id= and disabled`,
		"call stats=hangup":                 "(did you mean states?)",
		"call states=hangup states=ringing": "states is given twice",
		"call enabled=false disabled":       "disabled is given twice",
		"call id=abc":                       `id: "abc" is not a subscription id`,
		"call group_calls_only=maybe":       "group_calls_only: want true or false",
		"call states=hangup\x1b[31m":        `is not a call state`,
	} {
		_, err := ParseSpec(in)
		if err == nil {
			t.Errorf("ParseSpec(%q): accepted", in)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSpec(%q) = %q, want it to say %q", in, err, want)
		}
	}
}

// Bodies carry every setting explicitly, so an update takes back what a
// line no longer asks for, and the required fields are always there.
func TestSpecBodies(t *testing.T) {
	for in, want := range map[string]string{
		"call states=ringing,hangup target=user:123": `{"call_states":["ringing","hangup"],"enabled":true,"endpoint_id":1000,"group_calls_only":false,"target_id":123,"target_type":"user"}`,
		"call disabled":                `{"call_states":["all"],"enabled":false,"endpoint_id":1000,"group_calls_only":false}`,
		"sms direction=inbound status": `{"direction":"inbound","enabled":true,"endpoint_id":1000,"include_internal":false,"status":true}`,
		"agent_status":                 `{"agent_type":"callcenter","enabled":true,"endpoint_id":1000}`,
		"contact contact_type=local":   `{"contact_type":"local","enabled":true,"endpoint_id":1000}`,
		"changelog":                    `{"enabled":true,"endpoint_id":1000}`,
	} {
		s, err := ParseSpec(in)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(s.Body("1000"))
		if string(b) != want {
			t.Errorf("body of %q\n got %s\nwant %s", in, b, want)
		}
	}
}

// What the server answers reads back as the line the editor shows.
func TestSpecOfAnswers(t *testing.T) {
	for _, c := range []struct {
		t    Type
		body string
		want string
	}{
		{TypeCall, `{"call_states":["barge","hangup","recording"],"enabled":true,"group_calls_only":true,"id":"1001","webhook":{"hook_url":"https://test.com","id":"1000"}}`, "call id=1001 states=barge,hangup,recording group_calls_only"},
		{TypeSMS, `{"direction":"outbound","enabled":false,"id":1002,"status":true,"target_id":"5","target_type":"user","websocket":{"id":"1000"}}`, "sms id=1002 direction=outbound target=user:5 status disabled"},
		{TypeAgentStatus, `{"agent_type":"callcenter","id":"3"}`, "agent_status id=3"},
		{TypeContact, `{"contact_type":"shared","id":"4"}`, "contact id=4 contact_type=shared"},
		{TypeChangelog, `{"id":"5","enabled":true}`, "changelog id=5"},
		{TypeCall, `{"id":"6","target_type":"user"}`, "call id=6"},
	} {
		var p SubscriptionProto
		if err := json.Unmarshal([]byte(c.body), &p); err != nil {
			t.Fatal(err)
		}
		if got := SpecOf(c.t, &p).String(); got != c.want {
			t.Errorf("SpecOf(%s) = %q, want %q", c.body, got, c.want)
		}
	}
}

func TestSpecSameAndPatchable(t *testing.T) {
	p := func(s string) Spec {
		v, err := ParseSpec(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if !p("call").Same(p("call states=all")) || !p("call states=hangup,ringing").Same(p("call id=9 states=ringing,hangup")) {
		t.Error("no states is all states, order and id do not matter")
	}
	if p("call states=hangup").Same(p("call states=hangup disabled")) || p("sms direction=all").Same(p("sms direction=all status")) {
		t.Error("a change of setting is a change")
	}
	if !p("call target=user:1").Patchable(p("call target=user:2")) || p("call target=user:1").Patchable(p("call")) || p("call").Patchable(p("sms direction=all")) {
		t.Error("a target cannot be taken away by PATCH, nor a type changed")
	}
}

func TestSubscribeHelpNamesEverything(t *testing.T) {
	h := SubscribeHelp()
	for _, w := range append(append([]string{"call", "sms", "agent_status", "contact", "changelog", "direction=all|inbound|outbound", "contact_type=local|shared", "disabled", "id=ID"}, CallStates...), TargetTypes...) {
		if !strings.Contains(h, w) {
			t.Errorf("help lacks %q", w)
		}
	}
	for _, line := range strings.Split(h, "\n") {
		if len(line) > 80 || strings.TrimRight(line, " ") != line {
			t.Errorf("help line over 80 columns or with trailing spaces: %q", line)
		}
	}
	for _, pr := range Presets {
		if _, err := ParseSpec(pr.Spec); err != nil {
			t.Errorf("preset %q: %v", pr.Name, err)
		}
	}
}

// The call states an error names first are call states.
func TestCommonCallStatesAreCallStates(t *testing.T) {
	for _, st := range commonCallStates {
		if !slices.Contains(CallStates, st) {
			t.Errorf("%q is not in CallStates", st)
		}
	}
}
