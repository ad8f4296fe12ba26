package ringcentral

import rc "github.com/evtap/evtap/protocol/ringcentral"

// KeepWSC says whether the wsc on a frame replaces the stored one. The
// rule is @rc-ex/ws's and RingCentral.Net's (ringcentral.md §2.9): take
// the frame's wsc if none is stored yet, or the frame is a
// ConnectionDetails that reports a recoveryState, or its sequence is
// higher than the stored one.
//
// The SDKs keep the old token after a reconnect without recovery (the new
// session's lower sequence never wins); evtap avoids that quirk not by
// changing this rule but by forgetting the stored token whenever it
// connects without presenting it.
func KeepWSC(stored *rc.WSC, meta rc.Meta, recoveryState string) bool {
	switch {
	case meta.WSC == nil:
		return false
	case stored == nil:
		return true
	case meta.Type == rc.TypeConnectionDetails && recoveryState != "":
		return true
	default:
		return meta.WSC.Sequence > stored.Sequence
	}
}
