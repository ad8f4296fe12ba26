package ringcentral

import (
	"testing"

	rc "github.com/evtap/evtap/protocol/ringcentral"
)

// Rule: the stored wsc is replaced exactly as @rc-ex/ws does it.
func TestKeepWSCFollowsTheSDKRule(t *testing.T) {
	stored := &rc.WSC{Token: "old", Sequence: 10}
	w := func(seq uint64) *rc.WSC { return &rc.WSC{Token: "new", Sequence: seq} }
	cases := []struct {
		name   string
		stored *rc.WSC
		meta   rc.Meta
		state  string
		want   bool
	}{
		{"no wsc on the frame", stored, rc.Meta{Type: rc.TypeServerNotification}, "", false},
		{"nothing stored yet", nil, rc.Meta{Type: rc.TypeServerNotification, WSC: w(1)}, "", true},
		{"higher sequence", stored, rc.Meta{Type: rc.TypeServerNotification, WSC: w(11)}, "", true},
		{"same sequence", stored, rc.Meta{Type: rc.TypeServerNotification, WSC: w(10)}, "", false},
		{"lower sequence", stored, rc.Meta{Type: rc.TypeClientRequest, WSC: w(3)}, "", false},
		{"ConnectionDetails with recoveryState, lower sequence", stored, rc.Meta{Type: rc.TypeConnectionDetails, WSC: w(1)}, "Failed", true},
		{"ConnectionDetails without recoveryState, lower sequence", stored, rc.Meta{Type: rc.TypeConnectionDetails, WSC: w(1)}, "", false},
		{"recoveryState on another type does not count", stored, rc.Meta{Type: rc.TypeServerNotification, WSC: w(1)}, "Successful", false},
	}
	for _, c := range cases {
		if got := KeepWSC(c.stored, c.meta, c.state); got != c.want {
			t.Errorf("%s: KeepWSC = %v, want %v", c.name, got, c.want)
		}
	}
}
