package protocol

import (
	"strconv"
	"time"
)

// WithPings returns d extended with what every WebSocket session shares:
// the round trip of the engine's own pings. The engine writes its send
// time (Unix nanoseconds) as each ping's payload and the server echoes
// it in the pong, so the round trip follows from the received pong frame
// alone: a replay derives exactly what the live session did. The live
// session and every replay or import wrap their provider's decoder with
// it; a provider's decoder never derives ping round trips itself.
func WithPings(d Decoder) Decoder { return pings{d} }

type pings struct{ next Decoder }

// maxPingRTT bounds what counts as one of our pings answered: a pong
// whose payload is a time further back is not an answer to us.
const maxPingRTT = time.Hour

func (p pings) Decode(dst []Update, u *Update, raw []byte) ([]Update, any) {
	if u.Kind == KindRecv && u.Frame != nil && u.Frame.Op == OpPong {
		if sent, err := strconv.ParseInt(u.Frame.Data, 10, 64); err == nil && sent > 0 {
			if rtt := u.Time.Sub(time.Unix(0, sent)); rtt >= 0 && rtt < maxPingRTT {
				dst = append(dst, Update{Kind: KindHeartbeat, Heartbeat: &Heartbeat{Via: "ping", RTT: Millis(rtt)}})
			}
		}
	}
	if p.next == nil {
		return dst, nil
	}
	return p.next.Decode(dst, u, raw)
}
