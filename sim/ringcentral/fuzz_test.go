package ringcentral

import (
	"net/url"
	"strings"
	"testing"
)

// Outside input never panics the emulator, and what it accepts it
// understands consistently. `go test -fuzz FuzzX` explores further; the
// seeds run with every `go test`.

func FuzzWSCRoundTrip(f *testing.F) {
	f.Add("9a067256-89b7-49fa-91c5-8ff68090c21f", uint64(1))
	f.Add("x", uint64(1<<63))
	codec := newWSCCodec([]byte("fuzz key"))
	f.Fuzz(func(t *testing.T, id string, seq uint64) {
		if id == "" {
			return
		}
		tok := codec.encode(id, seq)
		if url.QueryEscape(tok) != tok {
			t.Fatalf("token %q is not URL-safe", tok)
		}
		gotID, gotSeq, err := codec.decode(tok)
		if err != nil || gotID != id || gotSeq != seq {
			t.Fatalf("round trip of (%q, %d): (%q, %d, %v)", id, seq, gotID, gotSeq, err)
		}
		if _, _, err := newWSCCodec([]byte("other key")).decode(tok); err == nil {
			t.Fatal("a token signed with another key was accepted")
		}
	})
}

func FuzzWSCDecode(f *testing.F) {
	f.Add("AQ")
	f.Add("garbage!!")
	codec := newWSCCodec([]byte("fuzz key"))
	f.Add(codec.encode("s", 3))
	f.Fuzz(func(t *testing.T, tok string) {
		id, _, err := codec.decode(tok)
		if err == nil && id == "" {
			t.Fatalf("accepted %q with an empty session", tok)
		}
	})
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{smsFilter, voicemailF, presenceFilter, "/account/~/extension/~/telephony/sessions",
		"/restapi/v1.0/account/1/extension/~/presence", "http://x/restapi", "%zz", "/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS&type=Fax"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		flt, err := parseFilter(raw)
		if err != nil {
			if !strings.Contains(err.Error(), "event filter") {
				t.Fatalf("error %q does not say it is about the event filter", err)
			}
			return
		}
		// The expanded event is itself an accepted filter of the same kind.
		again, err := parseFilter(flt.event)
		if err != nil || again.kind != flt.kind || again.event != flt.event {
			t.Fatalf("%q expanded to %q, which parses as %+v, %v", raw, flt.event, again, err)
		}
	})
}

func FuzzParseScenario(f *testing.F) {
	f.Add("seed: 1\nsteps:\n  - at: 1s\n    send: {event: sms, count: 2}\n")
	f.Add("steps:\n  - at: 1s\n    inject: {event: /x, body: [1, {a: b}]}\n")
	f.Add("steps: [{at: 0s, close: {code: 4000}}]")
	f.Fuzz(func(t *testing.T, src string) {
		sc, err := ParseScenario([]byte(src))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "scenario: ") {
				t.Fatalf("error %q does not say it is about the scenario", err)
			}
			return
		}
		for i := 1; i < len(sc.Steps); i++ {
			if sc.Steps[i].At < sc.Steps[i-1].At {
				t.Fatalf("steps out of order: %+v", sc.Steps)
			}
		}
	})
}
