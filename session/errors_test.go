package session

import (
	"strings"
	"testing"
)

// A refusal evtap made itself, by the provider's rules and before sending
// anything, says so: it is not the server's.
func TestALocalRefusalDoesNotBlameTheServer(t *testing.T) {
	local := (&RejectedError{Where: "topics", Local: true, Message: "agent_id:x: not your agent"}).Error()
	if strings.Contains(local, "by the server:") || !strings.Contains(local, "refused before sending") {
		t.Errorf("local refusal says %q", local)
	}
	if s := (&RejectedError{Where: "token", Status: 401}).Error(); !strings.HasPrefix(s, "rejected by the server") {
		t.Errorf("server refusal says %q", s)
	}
}
