package ringcentral

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// Whatever a peer sends, Summarize returns capped cells of valid UTF-8
// (escaping for the terminal is the UI's, once).
func FuzzSummarize(f *testing.F) {
	for _, e := range []string{evSMS, evVoicemail, evStore, evPresence, evTelephony, "", "/x"} {
		f.Add(e, `{"direction":"Inbound","subject":"hi","parties":[{"status":{"code":"Setup"}}],"changes":[{"type":"SMS"}]}`)
	}
	f.Add(evPresence, `{"activeCalls":[{"from":"\u001b]0;x\u0007"}]}`)
	f.Fuzz(func(t *testing.T, event, body string) {
		label, summary := Summarize(note(event, body))
		if utf8.ValidString(event+body) && (!utf8.ValidString(label) || !utf8.ValidString(summary)) {
			t.Fatalf("invalid UTF-8 from valid input: %q %q", label, summary)
		}
		if utf8.RuneCountInString(summary) > MaxSummary || utf8.RuneCountInString(label) > maxLabel {
			t.Fatalf("cells of %d and %d runes", utf8.RuneCountInString(label), utf8.RuneCountInString(summary))
		}
	})
}

// Filter helpers never panic, and whatever ValidateFilter accepts
// matches its own expansion.
func FuzzFilter(f *testing.F) {
	for _, p := range CommonFilters {
		f.Add(p.Filter)
	}
	f.Add("/restapi/v1.0/account/~/extension/~/telephony/sessions?direction=Inbound&missedCall=true")
	f.Fuzz(func(t *testing.T, filter string) {
		err := ValidateFilter(filter)
		ev := ExpandFilter(filter, "1", "2")
		if err == nil && !MatchFilter(filter, ev) {
			t.Fatalf("valid filter %q does not match its expansion %q", filter, ev)
		}
		if err != nil && err.Error() == "" {
			t.Fatal("empty error message")
		}
	})
}

// FlexID reads any JSON string exactly as encoding/json would.
func FuzzFlexID(f *testing.F) {
	for _, s := range []string{"233676004", "", `a"b`, "é\u2028", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := json.Marshal(s)
		if err != nil {
			t.Skip()
		}
		var want string
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		var id FlexID
		if err := json.Unmarshal(b, &id); err != nil || string(id) != want {
			t.Fatalf("FlexID from %s = %q, %v; want %q", b, id, err, want)
		}
	})
}
