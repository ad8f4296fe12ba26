package pubnub

import (
	"testing"
	"time"
)

// The SDKs' rule: alive while now < expirationTime − 120 s, then PUT
// until it expires, then a fresh POST.
func TestDueFollowsTheSDKs(t *testing.T) {
	exp := time.Date(2026, 1, 1, 12, 15, 0, 0, time.UTC)
	for _, c := range []struct {
		now  time.Time
		want RenewAction
	}{
		{exp.Add(-900 * time.Second), Keep},
		{exp.Add(-121 * time.Second), Keep},
		{exp.Add(-120 * time.Second), Renew},
		{exp.Add(-time.Second), Renew},
		{exp, Create},
		{exp.Add(time.Hour), Create},
	} {
		if got := Due(c.now, exp); got != c.want {
			t.Errorf("at expiry%+v: %v, want %v", c.now.Sub(exp), got, c.want)
		}
	}
	if Due(exp, time.Time{}) != Create {
		t.Error("no subscription: create")
	}
	if !RenewAt(exp).Equal(exp.Add(-2 * time.Minute)) {
		t.Error("RenewAt")
	}
}

// Both the RFC 3339 form and RingCentral's "+0000" work, as in the SDKs.
func TestParseTimeForms(t *testing.T) {
	want := time.Date(2013, 9, 13, 13, 58, 57, 187e6, time.UTC)
	for _, s := range []string{"2013-09-13T13:58:57.187Z", "2013-09-13T13:58:57.187+0000", "2013-09-13T13:58:57.187+00:00", "2013-09-13T15:58:57.187+0200"} {
		got, ok := ParseTime(s)
		if !ok || !got.Equal(want) {
			t.Errorf("%s: %v %v", s, got, ok)
		}
	}
	if _, ok := ParseTime("yesterday"); ok {
		t.Error("nonsense accepted")
	}
}
