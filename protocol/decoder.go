package protocol

// Decoder is a provider's one pass over its wire format. There is one per
// session, per replay and per import, and it is the only code that turns
// frames into events: the live session, `replay` and HAR import all run
// the same decoder over the same Updates, so they cannot disagree.
//
// A Decoder is fed every Update a session publishes, in order: frames
// received and sent (with their payload bytes in raw), state changes,
// markers and errors. It reads each frame once, typed, and appends the
// Updates that follow from what it has seen: events, subscription
// answers, gaps (from sequence numbers, or outage windows from state
// changes), heartbeat round trips and decode errors. Those derived kinds
// (see Derived) are never recorded facts on their own: a replay drops
// them from the file and derives them again.
//
// A Decoder is pure and deterministic: no clock (times come from the
// Updates), no goroutines, no I/O. Derived Updates take the Time, Offset
// and Conn of the Update they follow from. It is not safe for concurrent
// use; the session serialises calls.
type Decoder interface {
	// Decode reads u (and raw, the frame's payload bytes, for recv and
	// sent frames; nil otherwise) and returns dst with the derived
	// Updates appended. It may set u.Frame.Type, the display hint,
	// before u is published. raw is read-only: the live session passes
	// the bytes of u.Frame.Data itself (one copy of each frame, not
	// two), so writing to raw would change a string. Keeping raw, or a
	// slice of it, is safe.
	//
	// msg is the provider's typed message for a received frame that
	// the live session must act on (a greeting, an answer, a poll
	// result), or nil. Only the provider's own session package knows
	// its type; replay and import ignore it.
	Decode(dst []Update, u *Update, raw []byte) (out []Update, msg any)
}

// Derived reports whether an Update of this kind is one a Decoder makes
// from frames and states, rather than a fact the session observed
// directly. Replay drops recorded Updates for which Derived is true and
// re-derives them. Errors are derived only when Where is "decode".
func Derived(u *Update) bool {
	switch u.Kind {
	case KindEvent, KindSubscription, KindGap, KindHeartbeat:
		return true
	case KindError:
		return u.Error != nil && u.Error.Where == WhereDecode
	}
	return false
}

// WhereDecode is Error.Where for a frame a Decoder could not read.
const WhereDecode = "decode"

// DecoderFunc adapts a function to Decoder.
type DecoderFunc func(dst []Update, u *Update, raw []byte) ([]Update, any)

// Decode calls f.
func (f DecoderFunc) Decode(dst []Update, u *Update, raw []byte) ([]Update, any) {
	return f(dst, u, raw)
}
