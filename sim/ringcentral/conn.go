package ringcentral

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/sim/emu"
)

// readLimit is the largest client frame accepted.
const readLimit = 1 << 20

// minCheckTick bounds how often the idle and absolute timeouts are
// checked.
const minCheckTick = 5 * time.Millisecond

// conn is one gateway connection: the core's connection plus the
// session it belongs to.
type conn struct {
	*emu.Conn
	sess    *session // guarded by Server.mu
	timeout bool     // an idle or absolute timeout is closing it; guarded by Server.mu
}

var errSeq atomic.Uint64

// errorFrame builds an Error frame in the gateway's style.
func errorFrame(status int, code, msg string) []byte {
	id := fmt.Sprintf("evtap-err-%d", errSeq.Add(1))
	meta := meta{Type: typeError, MessageID: id, Status: status, Headers: map[string]string{"RCRequestId": id}}
	f := encodeFrame(meta, errBody{ErrorCode: code, Message: msg})
	return f
}

// checkTimeouts closes connections that have been idle for IdleTimeout
// (no frame from the client) or open for AbsoluteTimeout, with the
// gateway's Error frame first.
func (s *Server) checkTimeouts(now time.Time) {
	cfg := s.cfg
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		switch {
		case c.timeout:
		case cfg.IdleTimeout > 0 && now.Sub(c.LastRead()) >= cfg.IdleTimeout:
			c.timeout = true
			s.logf("%s: idle for %s, Error %s and close", c.ID(), cfg.IdleTimeout, wsgIdleTimeout)
			c.CloseNow(websocket.CloseNormalClosure, wsgIdleTimeout,
				errorFrame(http.StatusRequestTimeout, wsgIdleTimeout, "Idle timeout: no messages from the client"))
		case cfg.AbsoluteTimeout > 0 && now.Sub(c.Opened()) >= cfg.AbsoluteTimeout:
			c.timeout = true
			s.logf("%s: open for %s, Error %s and close", c.ID(), cfg.AbsoluteTimeout, wsgAbsoluteTimeout)
			c.CloseNow(websocket.CloseNormalClosure, wsgAbsoluteTimeout,
				errorFrame(http.StatusRequestTimeout, wsgAbsoluteTimeout, "Absolute timeout: the connection is too old"))
		}
	}
}

// checkEvery picks how often the timeouts are checked: a quarter of the
// shorter one, between 5 ms and 1 s.
func checkEvery(ds ...time.Duration) time.Duration {
	every := time.Second
	for _, d := range ds {
		if d > 0 && d/4 < every {
			every = d / 4
		}
	}
	if every < minCheckTick {
		every = minCheckTick
	}
	return every
}

// errMalformedMessage is the code of the Error frame answering a frame
// the gateway cannot parse; the connection stays up. RingCentral does not
// document one; this is evtap's choice, in the WSG family.
const errMalformedMessage = "WSG-101"

// heartbeatReply echoes a Heartbeat (the shape is undocumented; every
// client ignores its content).
func heartbeatReply(id string) []byte {
	f := encodeFrame(meta{Type: typeHeartbeat, MessageID: id, Status: 200}, nil)
	return f
}
