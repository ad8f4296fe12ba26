package pubnub

import (
	"strings"
	"testing"
	"time"
)

// The pane lists the poll, the cursor, the channel, the sub key (as a
// secret), the expiry and the next renewal (as countdowns), and the
// renew history newest first.
func TestContextFields(t *testing.T) {
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	c := Context{PollSince: at, Channel: "222_abc", SubKey: "sub-c-1", Origin: "http://127.0.0.1:9",
		Cursor: &Cursor{T: 17959736021530002, R: 12}, Key: "0a1b2c3d",
		Expires: at.Add(15 * time.Minute), NextRenew: at.Add(13 * time.Minute)}
	for i := range 6 {
		c.Renewals = append(c.Renewals, Renewal{At: at.Add(time.Duration(i) * time.Minute), Method: "PUT", Status: 200})
	}
	c.Renewals[5] = Renewal{At: at.Add(5 * time.Minute), Method: "PUT", Status: 404, Code: "CMN-102"}
	fs := c.Fields()
	var labels []string
	byLabel := map[string]int{}
	for i, f := range fs {
		labels = append(labels, f.Label)
		byLabel[f.Label] = i
	}
	if got := strings.Join(labels, ","); got != "poll,cursor,renew,expires,channel,cipher,renewals,sub key,origin" {
		t.Fatalf("labels %s", got)
	}
	if f := fs[byLabel["poll"]]; !f.At.Equal(at) || f.Value != "in flight (≤280s)" {
		t.Errorf("poll %+v", f)
	}
	if !fs[byLabel["sub key"]].Secret || fs[byLabel["channel"]].Secret {
		t.Error("the sub key is the secret, not the channel")
	}
	if !fs[byLabel["renew"]].At.Equal(at.Add(13*time.Minute)) || !fs[byLabel["expires"]].At.Equal(at.Add(15*time.Minute)) {
		t.Error("countdowns")
	}
	r := fs[byLabel["renewals"]].Value
	if !strings.HasPrefix(r, at.Add(5*time.Minute).Local().Format("15:04:05")+" PUT 404 CMN-102") || !strings.HasSuffix(r, "2 earlier") {
		t.Errorf("renewals %q", r)
	}
	if fs[byLabel["cipher"]].Value != "AES-128-ECB 0a1b2c3d" {
		t.Error("cipher")
	}
	c.Poll = "stopped: PNAccessDeniedCategory"
	if f := c.Fields()[0]; f.Value != c.Poll || !f.At.IsZero() {
		t.Errorf("a stopped poll: %+v", f)
	}
}

// In a busy stream each poll is answered at once: the pane says how many
// were, instead of counting up the age of one poll long answered.
func TestContextOfABusyStream(t *testing.T) {
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	c := Context{PollSince: at.Add(9 * time.Second), Answered: 31, AnsweredSince: at}
	f := c.Fields()[0]
	if f.Label != "poll" || !f.At.IsZero() || f.Value != "busy: 31 polls answered at once since "+at.Local().Format("15:04:05") {
		t.Errorf("busy poll: %+v", f)
	}
	c.Answered = 1 // one quick answer is no busy stream
	if f := c.Fields()[0]; !f.At.Equal(c.PollSince) {
		t.Errorf("one quick answer: %+v", f)
	}
}
