package ringcentral

import (
	"strconv"
	"strings"

	"github.com/evtap/evtap/protocol"
)

// readDetails reads a ConnectionDetails body loosely: a field of the
// wrong type is left zero, never fatal.
func readDetails(sc *scanner, cd *ConnectionDetails) {
	more, _ := sc.objectFirst()
	for ; more; more = sc.objectNext() {
		switch sc.key() {
		case "creationTime":
			cd.CreationTime = stringOnly(sc)
		case "maxConnectionsPerSession":
			cd.MaxConnectionsPerSession = readCount(sc)
		case "recoveryBufferSize":
			cd.RecoveryBufferSize = readCount(sc)
		case "recoveryTimeout":
			cd.RecoveryTimeout = readCount(sc)
		case "idleTimeout":
			cd.IdleTimeout = readCount(sc)
		case "absoluteTimeout":
			cd.AbsoluteTimeout = readCount(sc)
		case "maxActiveRequests":
			cd.MaxActiveRequests = readCount(sc)
		case "recoveryState":
			cd.RecoveryState = stringOnly(sc)
		case "recoveryErrorCode":
			cd.RecoveryErrorCode = stringOnly(sc)
		default:
			sc.skip()
		}
	}
}

// maxCount bounds a count or a number of seconds read from the server.
const maxCount = 1<<31 - 1

// readCount reads a non-negative whole number (or a numeric string),
// clamped to maxCount; anything else reads as 0.
func readCount(sc *scanner) int {
	n, ok := readInt(sc)
	if !ok || n < 0 {
		return 0
	}
	return int(min(n, maxCount))
}

// greeting handles ConnectionDetails. The first on a connection decides
// what the server kept: after a Successful recovery, the session, its
// numbering and the range it replays; otherwise a new session, with an
// unknown gap when one existed before. A second one on the same
// connection is not a reconnect and changes nothing.
func (d *Decoder) greeting(dst []protocol.Update, fr *frame) ([]protocol.Update, any) {
	if d.greeted {
		return decodeError(dst, "ConnectionDetails arrived mid-stream on a live connection: ignored. "+
			"It is not a reconnect: the session, its sequence and its subscription are unchanged"), nil
	}
	d.greeted = true
	cd := fr.details
	g := &Greeting{Details: cd, Presented: d.presented}
	q, hasQ := fr.wsc.Sequence, fr.hasSeq
	had := d.hadSession
	d.hadSession = true
	keepAt := q

	switch cd.RecoveryState {
	case RecoverySuccessful:
		// The server resumes from the position the client presented (or,
		// with no state to say which, the newest number seen) and says in
		// its sequence where its numbering is now: the buffered
		// notifications are the numbers in between.
		p, hasP := d.position, d.posKnown
		if !hasP && d.seq.on {
			p, hasP = d.seq.last, true
		}
		keepAt = p
		if hasP && !d.seq.on {
			dst = d.seq.reset(dst, p, true)
		}
		switch ahead := q - p; {
		case !hasP || !hasQ:
			keepAt = q
		case ahead == 0:
		case ahead <= maxJump:
			g.Replay = Replay{From: p, To: q}
		default:
			dst = decodeError(dst, "after a Successful recovery the server's sequence is "+u64(q)+
				", not after the position presented ("+u64(p)+"): it restarted its numbering, so the "+
				"notifications it replays cannot be told from live ones and are not marked")
			dst = d.seq.reset(dst, q, true)
			keepAt = q
		}
	default:
		g.NewSession = true
		switch {
		case cd.RecoveryState == RecoveryFailed:
			g.Cause = "recovery failed"
			if cd.RecoveryErrorCode != "" {
				g.Cause += ": " + clip(cd.RecoveryErrorCode, 40)
			}
		case cd.RecoveryState != "":
			g.Cause = "recovery state " + strconv.Quote(clip(cd.RecoveryState, 40)) + " is not one the documents define: taken as Failed; resubscribing"
		case d.presented:
			g.Cause = "a wsc token was presented but ConnectionDetails reported no recoveryState; resubscribing"
		case had:
			g.Cause = "reconnected without recovery: the recovery window had passed or there was no wsc token"
		}
		dst = d.seq.reset(dst, q, hasQ)
		if g.Cause != "" {
			dst = append(dst, protocol.Update{Kind: protocol.KindGap, Gap: &protocol.Gap{Reason: g.Cause}})
		}
	}
	d.replay = g.Replay
	if fr.hasWSC {
		g.Keep = &WSC{Token: strings.Clone(fr.wsc.Token), Sequence: keepAt}
	}
	return dst, g
}
