package dialpad

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/evtap/evtap/protocol"
)

// safe reports whether a cell can meet a terminal.
func safe(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsAny(s, "\x1b\x07\n\r\u202e\u009b")
}

// Whatever a server sends, the Decoder returns terminal-safe, bounded
// cells, an event body that is JSON, or one decode error; it never
// panics.
func FuzzDecodeFrame(f *testing.F) {
	for _, p := range []string{callInboundRinging, callOutboundLeg, smsInbound, smsDelivered, agentAvailable, "{}", "a.b.c", "Hello World!"} {
		f.Add(p, "")
		f.Add(signHS256(p, "k"), "k")
	}
	f.Fuzz(func(t *testing.T, frame, secret string) {
		d := NewDecoder(Config{Secret: secret})
		for conn := 1; conn <= 2; conn++ {
			u := protocol.Update{Kind: protocol.KindRecv, Conn: conn, Frame: &protocol.Frame{Op: protocol.OpText, Data: frame}}
			out, _ := d.Decode(nil, &u, []byte(frame))
			if len(out) != 1 {
				t.Fatalf("%d updates from one frame", len(out))
			}
			switch o := out[0]; o.Kind {
			case protocol.KindEvent:
				e := o.Event
				if !safe(e.Label) || !safe(e.Summary) || utf8.RuneCountInString(e.Summary) > MaxSummary {
					t.Fatalf("unsafe cells %q %q", e.Label, e.Summary)
				}
				if !json.Valid(e.Body) {
					t.Fatalf("body is not JSON: %q", e.Body)
				}
				if conn == 2 && !e.Duplicate {
					t.Fatal("the same frame twice is not a duplicate")
				}
			case protocol.KindError:
				if !safe(o.Error.Message) {
					t.Fatalf("unsafe error %q", o.Error.Message)
				}
			default:
				t.Fatalf("derived a %s", o.Kind)
			}
		}
	})
}

// Whatever ParseSpec accepts writes back in a form it reads as the same
// subscription, and what it refuses it says why.
func FuzzParseSpec(f *testing.F) {
	for _, p := range Presets {
		f.Add(p.Spec)
	}
	f.Add("call id=1 states=ringing,hangup target=user:123 group_calls_only disabled")
	f.Add("sms direction=inbound status include_internal=false")
	f.Add("contact contact_type=local enabled")
	f.Fuzz(func(t *testing.T, line string) {
		s, err := ParseSpec(line)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		back, err := ParseSpec(s.String())
		if err != nil || !back.Same(s) || back.ID != s.ID || back.String() != s.String() {
			t.Fatalf("%q → %q → %+v, %v", line, s, back, err)
		}
		if !safe(s.String()) {
			t.Fatalf("unsafe canonical form %q", s)
		}
		if _, err := json.Marshal(s.Body("1")); err != nil {
			t.Fatal(err)
		}
	})
}

// A token of any shape is read or refused, never a panic; a scope that
// parses writes back as the sub it came from.
func FuzzDecodeToken(f *testing.F) {
	raw, _ := TokenFromURL(specURL)
	f.Add(raw)
	f.Add(unsignedToken(`{"alg":"ES256","typ":"vnd.dialpad.websocket+jwt"}`, `{"sub":"endpoint:1:call:2","iat":1,"exp":1e10}`))
	f.Add("x.y.z")
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := DecodeToken(s)
		if err != nil {
			return
		}
		if tok.Scope.Websocket != "" && tok.Scope.String() != tok.Subject {
			t.Fatalf("scope %+v from sub %q", tok.Scope, tok.Subject)
		}
		for _, f := range TokenFields(tok, nil, tok.ExpiresAt, tok.ExpiresAt) {
			if !safe(f.Value) || strings.Contains(f.Value, s) && len(s) > 8 {
				t.Fatalf("field %q = %q", f.Label, f.Value)
			}
		}
	})
}

// Any REST answer is read or ignored; refusals say something safe.
func FuzzDecodeAnswer(f *testing.F) {
	f.Add("POST", base+"/subscriptions/call", 200, `{"id":"1","call_states":["hangup"],"websocket":{"id":"1"}}`)
	f.Add("GET", base+"/subscriptions/sms", 200, `{"items":[{"id":1,"direction":"all","websocket":{"id":"1"}}]}`)
	f.Add("GET", base+"/websockets/1", 200, `{"id":"1","signature":{"secret":"x"}}`)
	f.Add("PATCH", base+"/subscriptions/contact/2", 429, `{"error":"slow down"}`)
	f.Fuzz(func(t *testing.T, method, url string, status int, body string) {
		d := NewDecoder(Config{})
		resp, _ := json.Marshal(protocol.HTTPResponse{ID: 1, Method: method, URL: url, Status: status, Body: body, Header: map[string]string{"Retry-After": "5"}})
		u := protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(resp)}}
		out, _ := d.Decode(nil, &u, resp)
		for _, o := range out {
			if o.Kind != protocol.KindSubscription {
				t.Fatalf("derived a %s", o.Kind)
			}
			if e := o.Subscription.Error; e != nil && !safe(e.Message) {
				t.Fatalf("unsafe refusal %q", e.Message)
			}
		}
	})
}
