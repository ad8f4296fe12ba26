package session

import (
	"time"

	"github.com/gorilla/websocket"
)

// Defaults for Options.
const (
	DefaultPingInterval      = 30 * time.Second
	DefaultPongWait          = 10 * time.Second // the RingCentral docs want a pong within 10 s
	DefaultHeartbeatInterval = 60 * time.Second // @rc-ex/ws sends its Heartbeat after 60 s
	DefaultStableAfter       = 10 * time.Second
	DefaultHandshakeTimeout  = 15 * time.Second
	DefaultCloseWait         = 2 * time.Second
	DefaultReadLimit         = 4 << 20
)

// Options are the engine's timings and limits. The zero value takes every
// default; a negative duration switches that mechanism off.
type Options struct {
	// MaxRetries ends Run with ErrGaveUp after this many consecutive
	// attempts that never reached a healthy connection; 0 retries forever.
	MaxRetries int
	// Backoff spaces the attempts.
	Backoff Backoff
	// PingInterval is how often a WebSocket ping is sent.
	PingInterval time.Duration
	// PongWait is how long past a ping interval the connection may stay
	// silent (no frame, no pong) before it counts as dead.
	PongWait time.Duration
	// HeartbeatInterval sends the provider's keepalive frame when nothing
	// was received, or nothing sent, for this long.
	HeartbeatInterval time.Duration
	// StableAfter is how long a healthy connection must last before the
	// backoff starts again from its first step; shorter ones keep the
	// backoff growing, so a server that accepts and drops at once is not
	// hammered.
	StableAfter time.Duration
	// HandshakeTimeout bounds the dial and upgrade.
	HandshakeTimeout time.Duration
	// CloseWait is how long a clean close waits for the server's reply.
	CloseWait time.Duration
	// ReadLimit is the largest frame accepted.
	ReadLimit int64
	// Dialer dials the socket; nil uses a copy of websocket.DefaultDialer.
	Dialer *websocket.Dialer
	// Now is the session's wall clock; nil means time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&o.PingInterval, DefaultPingInterval)
	def(&o.PongWait, DefaultPongWait)
	def(&o.HeartbeatInterval, DefaultHeartbeatInterval)
	def(&o.StableAfter, DefaultStableAfter)
	def(&o.HandshakeTimeout, DefaultHandshakeTimeout)
	def(&o.CloseWait, DefaultCloseWait)
	if o.ReadLimit <= 0 {
		o.ReadLimit = DefaultReadLimit
	}
	if o.Dialer == nil {
		d := *websocket.DefaultDialer
		o.Dialer = &d
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// readTimeout is how long the reader waits for any frame or pong before
// declaring the connection dead; 0 when pings are off (a silent server is
// then only caught by the provider's own timeouts).
func (o Options) readTimeout() time.Duration {
	if o.PingInterval < 0 {
		return 0
	}
	w := o.PongWait
	if w < 0 {
		w = 0
	}
	return o.PingInterval + w
}
