package shell

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/evtap/evtap/protocol"
)

// commandName is a command as a person names it, for a refusal ("drop:
// not available here"), never its internal name (stall_read).
func commandName(cmd protocol.Command) string {
	if cmd.Kind == protocol.CmdFault && cmd.Text != "" {
		return strings.ReplaceAll(cmd.Text, "_", " ")
	}
	if n, ok := commandNames[cmd.Kind]; ok {
		return n
	}
	return strings.ReplaceAll(string(cmd.Kind), "_", " ")
}

var commandNames = map[protocol.CommandKind]string{
	protocol.CmdDrop:           "drop",
	protocol.CmdForget:         "forget the session",
	protocol.CmdClose:          "close",
	protocol.CmdSetFilters:     "new filters",
	protocol.CmdSend:           "send",
	protocol.CmdStopHeartbeats: "stop heartbeats",
	protocol.CmdStallRead:      "stall reading",
	protocol.CmdRefuseToken:    "refuse the next token",
	protocol.CmdDelayFrames:    "delay frames",
	protocol.CmdReorderFrames:  "reorder frames",
	protocol.CmdMarker:         "marker",
	protocol.CmdRecord:         "record",
	protocol.CmdPause:          "pause",
	protocol.CmdSpeed:          "speed",
	protocol.CmdStep:           "step",
	protocol.CmdSeek:           "jump",
	protocol.CmdSeekTo:         "next change",
}

// asked says in words what was just asked of the source, for the status
// line: what happens, and what to watch.
func asked(cmd protocol.Command) string {
	onOff := func(on, off string) string {
		if cmd.On {
			return on
		}
		return off
	}
	switch cmd.Kind {
	case protocol.CmdDrop:
		return "dropping the connection (no close handshake): watch it reconnect"
	case protocol.CmdForget:
		return "dropping the connection; the server forgets the session: recovery will fail"
	case protocol.CmdClose:
		if cmd.Code != 0 {
			return "closing with code " + strconv.Itoa(cmd.Code)
		}
		return "closing the connection"
	case protocol.CmdSetFilters:
		return fmt.Sprintf("new filters sent (%d): the subscription pane shows the answer", len(cmd.Filters))
	case protocol.CmdStopHeartbeats:
		return onOff("heartbeats stopped: watch the server's idle timeout", "heartbeats resumed")
	case protocol.CmdStallRead:
		return "reading stalled for " + cmd.Duration.String()
	case protocol.CmdRefuseToken:
		return "the next token request will be refused"
	case protocol.CmdDelayFrames:
		if cmd.Duration > 0 {
			return "frames delayed by " + cmd.Duration.String()
		}
		return "frames no longer delayed"
	case protocol.CmdReorderFrames:
		return onOff("frames reordered in pairs", "frames in order again")
	case protocol.CmdFault:
		return commandName(cmd) + onOff(": on", ": done")
	case protocol.CmdMarker:
		return "marker added: " + sanitize(cmd.Text, 60)
	case protocol.CmdRecord:
		if cmd.Text == "" {
			return "recording stopped"
		}
		return "recording to " + sanitize(cmd.Text, 80)
	case protocol.CmdPause:
		return onOff("paused: n steps, 0…9 $ ] jump", "playing")
	case protocol.CmdSpeed:
		return "speed " + speedText(cmd.Value)
	case protocol.CmdStep:
		return "one Update played"
	case protocol.CmdSeek:
		switch cmd.Value {
		case 0:
			return "back to the start"
		case 1:
			return "to the end"
		}
		return fmt.Sprintf("to %d%%", int(cmd.Value*100+0.5))
	case protocol.CmdSeekTo:
		return "to the next state change, gap or marker"
	}
	return commandName(cmd) + ": done"
}

// speedText is a replay speed as the progress bar shows it.
func speedText(v float64) string {
	if v == 0 {
		return "max"
	}
	return strconv.FormatFloat(v, 'g', -1, 64) + "x"
}
