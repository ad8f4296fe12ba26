package dialpad

import (
	"crypto/sha256"
	"encoding/hex"
)

// identity names an event across deliveries: the same event sent on two
// connections (the overlap of a make-before-break rotation) has the same
// identity, and two different events do not. Dialpad gives events no id
// of their own, so it is built from the fields that change with every
// event of a kind:
//
//   - a call leg: call_id, state and event_timestamp (one event per
//     state transition per leg);
//   - an SMS: id, message_status, message_delivery_result and
//     event_timestamp (a status event repeats the message id);
//   - an agent status: target id, on_duty_status, availability_status
//     and event_timestamp (or date);
//   - anything else, or a payload lacking those fields: the SHA-256 of
//     its bytes, which are the same on every connection.
func identity(s Summary, m map[string]any, payload []byte) string {
	ts := str(m["event_timestamp"])
	switch s.Kind {
	case TypeCall:
		if s.ID != "" && ts != "" {
			return "call|" + s.ID + "|" + s.State + "|" + ts
		}
	case TypeSMS:
		if s.ID != "" && ts != "" {
			return "sms|" + s.ID + "|" + str(m["message_status"]) + "|" + str(m["message_delivery_result"]) + "|" + ts
		}
	case TypeAgentStatus:
		if ts == "" {
			ts = str(m["date"])
		}
		if s.TargetID != "" && ts != "" {
			return "agent|" + s.TargetID + "|" + str(m["on_duty_status"]) + "|" + str(m["availability_status"]) + "|" + ts
		}
	}
	return "sha256|" + digest(payload)
}

// digest is a payload's SHA-256, in hex, cut to 128 bits: enough to tell
// payloads apart, short enough to keep thousands.
func digest(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:16])
}
