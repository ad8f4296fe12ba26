package ringcentral

import (
	"strings"
	"testing"
)

// Every preset the UI offers must pass the validator it is checked with.
func TestCommonFiltersAreValid(t *testing.T) {
	for _, p := range CommonFilters {
		if err := ValidateFilter(p.Filter); err != nil {
			t.Errorf("preset %s: %v", p.Name, err)
		}
		if _, ok := FindPreset(strings.ToUpper(p.Name)); !ok {
			t.Errorf("FindPreset(%q) found nothing", p.Name)
		}
	}
}

func TestValidateFilterAcceptsDocumentedFilters(t *testing.T) {
	for _, f := range []string{
		// seed 001, subscription request
		"/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS",
		"/restapi/v1.0/account/~/extension/~/voicemail",
		// seed 003
		"/restapi/v1.0/account/~/extension/401550809004/presence?detailedTelephonyState=true",
		"/restapi/v1.0/account/~/extension/12345/presence",
		"/restapi/v1.0/account/~/extension/~/message-store",
		// ringcentral.md §2.5: ids expanded by the server
		"/restapi/v1.0/account/809646016/extension/62264425016/presence",
		"/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true&sipData=true",
		"/restapi/v1.0/account/~/extension/~/telephony/sessions?direction=Inbound&missedCall=true",
		"/restapi/v1.0/account/~/extension/~/telephony/sessions?phoneNumber=%2B15551230001",
		"/restapi/v1.0/account/~/extension/~/telephony/sessions?phoneNumber=+15551230001",
	} {
		if err := ValidateFilter(f); err != nil {
			t.Errorf("ValidateFilter(%q) = %v, want nil", f, err)
		}
	}
}

// Each rejection names what is wrong, so the user can fix the flag.
func TestValidateFilterExplains(t *testing.T) {
	cases := []struct{ filter, want string }{
		{"", "empty"},
		{" /restapi/v1.0/account/~/extension/~/voicemail", "spaces"},
		{"/account/~/extension/~/voicemail", "must start with /restapi/v1.0"},
		{"/restapi/v2.0/account/~/extension/~/voicemail", "must start with /restapi/v1.0/account/"},
		{"/restapi/v1.0/account//extension/~/voicemail", "account id is missing"},
		{"/restapi/v1.0/account/~/telephony/sessions", "extension-level"},
		{"/restapi/v1.0/account/~/extension/~", "names no resource"},
		{"/restapi/v1.0/account/~/extension/~/", "names no resource"},
		{"/restapi/v1.0/account/abc/extension/~/voicemail", `id "abc" must be ~ or digits`},
		{"/restapi/v1.0/account/~/extension/~/fax", `unknown resource "fax"`},
		{"/restapi/v1.0/account/~/extension/~/message-store/instant", "needs ?type=SMS"},
		{"/restapi/v1.0/account/~/extension/~/message-store/instant?type=MMS", `type="MMS" is not one of SMS`},
		{"/restapi/v1.0/account/~/extension/~/voicemail?type=SMS", "takes no query parameters"},
		{"/restapi/v1.0/account/~/extension/~/presence?detailed=true", `no parameter "detailed"`},
		{"/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=yes", "is not one of true, false"},
		{"/restapi/v1.0/account/~/extension/~/presence?sipData=true", "needs detailedTelephonyState=true"},
		{"/restapi/v1.0/account/~/extension/~/telephony/sessions?direction=Inbound&direction=Outbound", "given 2 times"},
		{"/restapi/v1.0/account/~/extension/~/telephony/sessions?phoneNumber=", "has no value"},
		{"/restapi/v1.0/account/~/extension/~/presence?a=%zz", "bad query"},
		{"/restapi/v1.0/account/~/extension/~/telephony/sessions?phoneNumber=bob", "E.164"},
	}
	for _, c := range cases {
		err := ValidateFilter(c.filter)
		if err == nil {
			t.Errorf("ValidateFilter(%q) = nil, want error containing %q", c.filter, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("ValidateFilter(%q) = %q, want it to contain %q", c.filter, err, c.want)
		}
	}
}

func TestExpandFilter(t *testing.T) {
	cases := []struct{ in, acc, ext, want string }{
		{"/restapi/v1.0/account/~/extension/~/presence", "809646016", "62264425016", "/restapi/v1.0/account/809646016/extension/62264425016/presence"},
		{"/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS", "1", "2", "/restapi/v1.0/account/1/extension/2/message-store/instant?type=SMS"},
		{"/restapi/v1.0/account/~/extension/401550809004/presence", "1", "2", "/restapi/v1.0/account/1/extension/401550809004/presence"},
		{"/restapi/v1.0/account/~/extension/~/voicemail", "", "2", "/restapi/v1.0/account/~/extension/2/voicemail"},
		// a ~ in the query is data, not an id
		{"/restapi/v1.0/account/~/extension/~/telephony/sessions?phoneNumber=~", "1", "2", "/restapi/v1.0/account/1/extension/2/telephony/sessions?phoneNumber=~"},
		{"garbage", "1", "2", "garbage"},
	}
	for _, c := range cases {
		if got := ExpandFilter(c.in, c.acc, c.ext); got != c.want {
			t.Errorf("ExpandFilter(%q, %q, %q) = %q, want %q", c.in, c.acc, c.ext, got, c.want)
		}
	}
}

func TestMatchFilter(t *testing.T) {
	const sms = "/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS"
	cases := []struct {
		filter, event string
		want          bool
	}{
		{sms, "/restapi/v1.0/account/233676004/extension/233676004/message-store/instant?type=SMS", true},
		{sms, "/restapi/v1.0/account/233676004/extension/233676004/message-store/instant?type=sms", true},
		{sms, "/restapi/v1.0/account/233676004/extension/233676004/message-store/instant", false},
		{sms, "/restapi/v1.0/account/233676004/extension/233676004/message-store", false},
		{"/restapi/v1.0/account/~/extension/~/message-store", "/restapi/v1.0/account/233676004/extension/233676004/message-store", true},
		{"/restapi/v1.0/account/~/extension/~/message-store", "/restapi/v1.0/account/1/extension/2/message-store/instant?type=SMS", false},
		// concrete ids must agree; an event's ~ (PubNub vector) matches any
		{"/restapi/v1.0/account/~/extension/401550809004/presence", "/restapi/v1.0/account/~/extension/402853446008/presence", false},
		{"/restapi/v1.0/account/~/extension/402853446008/presence", "/restapi/v1.0/account/~/extension/402853446008/presence", true},
		{"/restapi/v1.0/account/1/extension/2/voicemail", "/restapi/v1.0/account/9/extension/2/voicemail", false},
		// plain presence is broader than detailed presence
		{"/restapi/v1.0/account/~/extension/~/presence", "/restapi/v1.0/account/1/extension/2/presence?detailedTelephonyState=true", true},
		{"/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true", "/restapi/v1.0/account/1/extension/2/presence", false},
		{"/restapi/v1.0/account/~/extension/~/telephony/sessions?direction=Inbound", "/restapi/v1.0/account/1/extension/2/telephony/sessions?direction=Outbound", false},
		{"/restapi/v1.0/account/~/extension/~/telephony/sessions", "/restapi/v1.0/account/1/extension/2/telephony/sessions", true},
		// "+" written plainly and escaped mean the same number
		{"/restapi/v1.0/account/~/extension/~/telephony/sessions?phoneNumber=+15551230001", "/restapi/v1.0/account/1/extension/2/telephony/sessions?phoneNumber=%2B15551230001", true},
		{"/restapi/v1.0/account/~/extension/~/telephony/sessions?phoneNumber=+15551230001", "/restapi/v1.0/account/1/extension/2/telephony/sessions?phoneNumber=+15551230002", false},
		{"not a filter", "/restapi/v1.0/account/1/extension/2/voicemail", false},
		{"/restapi/v1.0/account/~/extension/~/voicemail", "", false},
	}
	for _, c := range cases {
		if got := MatchFilter(c.filter, c.event); got != c.want {
			t.Errorf("MatchFilter(%q, %q) = %v, want %v", c.filter, c.event, got, c.want)
		}
	}
}

// An expanded preset still matches events addressed to the same ids.
func TestExpandedPresetMatchesItsOwnEvents(t *testing.T) {
	for _, p := range CommonFilters {
		ev := ExpandFilter(p.Filter, "233676004", "233676005")
		if !MatchFilter(p.Filter, ev) {
			t.Errorf("%s: filter does not match its expanded event %q", p.Name, ev)
		}
		if err := ValidateFilter(ev); err != nil {
			t.Errorf("%s: expanded filter invalid: %v", p.Name, err)
		}
	}
}
