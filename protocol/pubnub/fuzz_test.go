package pubnub

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/evtap/evtap/protocol"
)

// Whatever a server answers to a create and to a poll, the decoder does
// not panic, every event names its provider and has a label, and row
// cells from valid text are valid text.
func FuzzDecoder(f *testing.F) {
	k := mustKey(f, vectorKey)
	f.Add(subscriptionBody("sub-1", "ch", vectorKey, testEpoch()), pollBody(101, envelope("ch", 101, notification("u-1"), k)), 200)
	f.Add(subscriptionBody("sub-1", "ch", "", testEpoch()), pollBody(101, envelope("ch", 101, notification("u-1"), Key{})), 200)
	f.Add(`{"id":"x"}`, `{"t":{"t":"1","r":1},"m":[{"p":{"t":"2"},"c":"ch","d":"\u001b]0;x\u0007"}]}`, 200)
	f.Add(subscriptionBody("s", "ch", "AAAAAAAAAAAAAAAAAAAAAA==", testEpoch()), `{"message":"Forbidden","error":true,"service":"Access Manager","status":403}`, 403)
	f.Add(``, `[0,"Invalid"]`, 400)
	f.Fuzz(func(t *testing.T, create, answer string, status int) {
		w := newWire(t)
		id := w.send("POST", server+"/restapi/v1.0/subscription", `{"eventFilters":["x"]}`)
		w.answer(id, 200, create)
		id = w.send("GET", pollURL("ch", &Cursor{T: 100}), "")
		w.fail(id, "reset")
		id = w.send("GET", pollURL("ch", &Cursor{T: 100}), "")
		out, msg := w.answer(id, status, answer)
		if _, ok := msg.(*PollAnswer); !ok {
			t.Fatalf("no poll answer: %T", msg)
		}
		for _, u := range out {
			switch u.Kind {
			case protocol.KindEvent:
				e := u.Event
				if e.Provider != ProviderName || e.Label == "" {
					t.Fatalf("event %+v", e)
				}
				if utf8.ValidString(answer) && (!utf8.ValidString(e.Label) || !utf8.ValidString(e.Summary)) {
					t.Fatalf("invalid UTF-8 cells from valid input: %q %q", e.Label, e.Summary)
				}
			case protocol.KindError:
				if u.Error.Where != protocol.WhereDecode {
					t.Fatalf("a decoder error must be Where decode: %+v", u.Error)
				}
			case protocol.KindGap, protocol.KindSubscription:
			default:
				t.Fatalf("derived a %s", u.Kind)
			}
		}
	})
}

// Decrypt never panics; what Encrypt made, Decrypt reads back.
func FuzzDecrypt(f *testing.F) {
	f.Add([]byte(vectorPlain), string(quoted(vectorCipher)))
	f.Add([]byte(`{}`), `"AAAA"`)
	f.Add([]byte(`"x"`), `{"a":1}`)
	k := mustKey(f, vectorKey)
	f.Fuzz(func(t *testing.T, plain []byte, d string) {
		_ = Decrypt(k, nil, json.RawMessage(d))
		_ = Decrypt(Key{}, nil, json.RawMessage(d))
		got := Decrypt(k, nil, quoted(k.Encrypt(plain)))
		if json.Valid(plain) && (got.Verdict != VerdictOK || string(got.Plain) != string(plain)) {
			t.Fatalf("round trip of %q: %s %q", plain, got.Verdict, got.Plain)
		}
		if !json.Valid(plain) && got.OK() {
			t.Fatalf("%q is not JSON but decrypted ok", plain)
		}
	})
}

// A timetoken read is written back as the same number.
func FuzzTimetoken(f *testing.F) {
	for _, s := range []string{"0", "17959736021530002", "00012", "18446744073709551615", "18446744073709551616", "1e5", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseTimetoken(s)
		if err != nil {
			return
		}
		w, err := ParseTimetoken(v.String())
		if err != nil || w != v {
			t.Fatalf("%q → %s → %v %v", s, v, w, err)
		}
	})
}

// Whatever URL the parser reads as a subscribe, the URL built from it
// reads back the same.
func FuzzParseRequest(f *testing.F) {
	f.Add("http://h/v2/subscribe/sub-c-1/222_abc/0?heartbeat=300&tt=17959736021530002&tr=12&uuid=u")
	f.Add("http://h/v2/subscribe/k/a%2Cb,c/0?tt=0&ee=")
	f.Add("http://h/v2/presence/sub-key/k/channel/c/leave?uuid=u")
	f.Fuzz(func(t *testing.T, raw string) {
		r, err := ParseRequest(raw)
		if err != nil || r.Kind != KindSubscribe || len(r.Channels) == 0 {
			return
		}
		s := Subscribe{Origin: "http://h", SubKey: r.SubKey, Channels: r.Channels}
		if !r.Handshake {
			s.Cursor = &r.Cursor
		}
		u, err := s.URL()
		if err != nil {
			return
		}
		back, err := ParseRequest(u)
		if err != nil || back.SubKey != r.SubKey || back.Handshake != r.Handshake || back.Cursor != r.Cursor || len(back.Channels) != len(r.Channels) {
			t.Fatalf("%q → %s → %+v %v", raw, u, back, err)
		}
	})
}
