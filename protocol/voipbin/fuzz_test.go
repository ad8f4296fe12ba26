package voipbin

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/evtap/evtap/protocol"
)

// Whatever the server sends, the decoder does not panic, every cell it
// makes is terminal-safe and capped, and what it cannot read is a decode
// error.
func FuzzDecode(f *testing.F) {
	for _, p := range []string{callPayload("hangup", "remote", "normal", "2026-08-22T10:00:09Z"), activeflowPayload,
		agentPayload("busy", ""), queuecallPayload, conferencePayload, messagePayload, recordingPayload, transcribePayload,
		transcriptPayload, speechPayload("s", "hi"), `{"type":"call_created","data":{"id":"x","customer_id":"y"}}`,
		`[` + transcriptPayload + `,1]`, `{`, `null`, `{"id":"a","customer_id":"b","text":"\u001b[2J"}`} {
		f.Add([]byte(p))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder()
		var out []protocol.Update
		u := protocol.Update{Kind: protocol.KindSent, Conn: 1, Frame: &protocol.Frame{Op: protocol.OpText}}
		out, _ = d.Decode(out, &u, Subscribe([]string{callPfx, hangPfx, agentPfx, cust}))
		out = out[:0]
		u = protocol.Update{Kind: protocol.KindRecv, Conn: 1, Frame: &protocol.Frame{Op: protocol.OpText, Data: string(data)}}
		out, _ = d.Decode(out, &u, data)
		for _, o := range out {
			switch o.Kind {
			case protocol.KindEvent:
				for _, s := range []string{o.Event.Label, o.Event.Summary, o.Event.ID, o.Event.Name} {
					if !utf8.ValidString(s) || strings.ContainsAny(s, "\x1b\x07\n\r\u202e") {
						t.Fatalf("unsafe cell %q", s)
					}
				}
				if utf8.RuneCountInString(o.Event.Summary) > MaxSummary {
					t.Fatalf("summary of %d runes", utf8.RuneCountInString(o.Event.Summary))
				}
			case protocol.KindError:
				if o.Error.Where != protocol.WhereDecode || o.Error.Message == "" {
					t.Fatalf("error %+v", o.Error)
				}
			default:
				t.Fatalf("a received frame derived a %s", o.Kind)
			}
		}
		if len(out) == 0 && u.Frame.Type != "array of 0" {
			t.Fatalf("%q derived nothing: neither an event nor an error", data)
		}
	})
}

// The validator and the notes never panic, a refusal always says why,
// and what an admin may subscribe parses.
func FuzzTopic(f *testing.F) {
	for _, s := range []string{callPfx, hangPfx, agentPfx, cust, "customer_id", "customer_id:" + NilUUID, cust + ":call:*", cust + ":queue:", "agent_id:{" + agentID + "}"} {
		f.Add(s)
	}
	admin := Credential{Kind: CredentialAgent, AgentID: agentID, CustomerID: customer, Permission: PermCustomerAdmin}
	f.Fuzz(func(t *testing.T, topic string) {
		err := ValidateTopic(topic, admin)
		_ = TopicNote(topic)
		if err != nil && err.Error() == "" {
			t.Fatal("empty reason")
		}
		if err == nil {
			if _, perr := ParseTopic(topic); perr != nil {
				t.Fatalf("accepted %q but it does not parse: %v", topic, perr)
			}
		}
	})
}

// Matching without building topic strings agrees with the server's raw
// prefix rule on the built string.
func FuzzRouteMatch(f *testing.F) {
	f.Add(callPfx, "call_hangup")
	f.Add(hangPfx+":"+callID, "call_hangup")
	f.Add(cust+":call:call_h", "call_ringing")
	f.Fuzz(func(t *testing.T, prefix, typ string) {
		o := origin{resource: "call", id: callID, customerID: customer, ownerID: agentID}
		for _, r := range o.routes(nil) {
			if got, want := r.matches(prefix, typ), Match(prefix, r.topic(typ)); got != want {
				t.Fatalf("route %q prefix %q: %v, rule %v", r.topic(typ), prefix, got, want)
			}
		}
	})
}
