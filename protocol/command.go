package protocol

import "time"

// CommandKind names something the operator asks a source to do.
type CommandKind string

// Commands. A source lists the ones it accepts in its Controls; the UI
// offers only those.
const (
	// Live session.
	CmdDrop           CommandKind = "drop"            // cut the connection with no close handshake, as a network failure would
	CmdForget         CommandKind = "forget"          // drop, and make the emulator forget the session so recovery fails
	CmdClose          CommandKind = "close"           // close cleanly with Code and Text
	CmdSetFilters     CommandKind = "set_filters"     // replace the subscription's filters with Filters
	CmdSend           CommandKind = "send"            // send Text as a raw frame
	CmdStopHeartbeats CommandKind = "stop_heartbeats" // On: stop sending keepalives (watch the idle timeout)
	CmdStallRead      CommandKind = "stall_read"      // stop reading for Duration (backpressure)
	CmdStopPongs      CommandKind = "stop_pongs"      // On: stop answering the server's pings (watch its pong timeout)
	CmdRefuseToken    CommandKind = "refuse_token"    // the emulator refuses the next token request
	CmdDelayFrames    CommandKind = "delay_frames"    // the emulator delays frames by Duration
	CmdReorderFrames  CommandKind = "reorder_frames"  // the emulator swaps pairs of notifications
	CmdMarker         CommandKind = "marker"          // put a Marker with label Text into the stream
	CmdRecord         CommandKind = "record"          // start recording to file Text; empty Text stops
	// CmdResume reconnects now: it ends a backoff wait, or resumes a
	// session its provider halted (PubNub refusing the subscribe).
	CmdResume CommandKind = "resume"
	// CmdFault asks an emulator for one of its own faults, named by Text
	// (the names its fault list offers: "expire_subscription", …); On
	// switches a fault that stays in force.
	CmdFault CommandKind = "fault"

	// Replay.
	CmdPause  CommandKind = "pause"   // On: pause, off: resume
	CmdSpeed  CommandKind = "speed"   // play at Value times recorded speed; 0 means as fast as possible
	CmdStep   CommandKind = "step"    // while paused, emit the next Update
	CmdSeek   CommandKind = "seek"    // jump to fraction Value (0..1) of the recording
	CmdSeekTo CommandKind = "seek_to" // jump to the next Update of kind Text ("state", "gap", "marker")
)

// Faults of the emulator of RingCentral's PubNub transport (REST
// subscriptions delivered over the PubNub long-poll; docs/emulator-pubnub.md).
const (
	CmdResetPoll          CommandKind = "reset_poll"          // the emulator cuts the held long-poll with a TCP reset; Duration > 0: it resets every PubNub request for that long (an outage)
	CmdRefuseSubscribe    CommandKind = "refuse_subscribe"    // the emulator answers every PubNub subscribe with status Code (400, 403, 413 or 429) and the service's body; 0 stops it
	CmdStallTime          CommandKind = "stall_time"          // On: the emulator holds its /time/0 answers (the old clients' reconnect probe)
	CmdOmitContentType    CommandKind = "omit_content_type"   // On: the emulator's PubNub answers carry no Content-Type
	CmdExpireSubscription CommandKind = "expire_subscription" // the emulator expires the subscription now: nothing more is published to it, a renew gets 404
	CmdFailRenew          CommandKind = "fail_renew"          // the emulator answers the next renew with RingCentral error code Text (empty: 404 CMN-102)
	CmdRotateKey          CommandKind = "rotate_key"          // the emulator gives the subscription a new encryption key at its next renew
	CmdSetEncryption      CommandKind = "set_encryption"      // On: the emulator encrypts the subscription's notifications; off: it sends them plain from now on
	CmdBurst              CommandKind = "burst"               // the emulator cuts the long-poll and publishes Value notifications while it is down (above 100 the oldest are lost)
)

// Command is one request from the operator. Only the fields its Kind
// names are read.
type Command struct {
	Kind     CommandKind
	Filters  []string
	Text     string
	Code     int
	On       bool
	Value    float64
	Duration time.Duration
}

// Controls is the set of commands a source accepts.
type Controls map[CommandKind]bool

// Has reports whether c accepts k.
func (c Controls) Has(k CommandKind) bool { return c[k] }
