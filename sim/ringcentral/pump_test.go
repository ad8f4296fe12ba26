package ringcentral

import (
	"testing"
	"time"
)

// Rule: the first notification generated for a new subscription comes
// ReplayDelay after its answer, never in the same read: @rc-ex/ws sets
// its subscription only once it has awaited the answer, and throws on a
// notification that arrives with it.
func TestGeneratedNotificationsWaitForTheSubscriptionToSettle(t *testing.T) {
	const delay = 300 * time.Millisecond
	_, base := startSim(t, Config{Rate: 1000, ReplayDelay: delay})
	c, _, _ := connect(t, base)
	c.readType(typeConnectionDetails)
	c.mustSubscribe(smsFilter)
	answered := time.Now()
	c.notification()
	if took := time.Since(answered); took < delay*2/3 {
		t.Fatalf("the first notification came %v after the subscription's answer, want about %v", took, delay)
	}
}
