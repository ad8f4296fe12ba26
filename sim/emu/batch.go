package emu

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"sync"
)

// batchSize is how many bytes of frames the writer gathers before one
// write to the socket. One system call per frame is most of an
// emulator's cost at tens of thousands of events a second; one per
// 64 KiB is not.
const batchSize = 64 << 10

// batchConn is the socket under a connection's gorilla Conn. While the
// writer drains its queue (batching), writes are gathered and go out in
// one system call per batchSize, and at the end of the drain; at other
// times (pings, a pong from the reader, close frames) they go straight
// through. gorilla serializes its own writes; mu also orders them with
// flush, which the writer calls outside gorilla.
//
// accepted and sent count bytes since the connection began: taken by
// Write, and handed to the socket. A frame whose last byte is at
// accepted offset N has reached the socket once sent >= N, even when a
// later write failed part way.
type batchConn struct {
	net.Conn
	mu       sync.Mutex
	buf      []byte
	batching bool
	accepted int64
	sent     int64
}

func (b *batchConn) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.batching || len(b.buf)+len(p) > batchSize {
		if err := b.flushLocked(); err != nil {
			return 0, err
		}
		if !b.batching || len(p) > batchSize {
			b.accepted += int64(len(p))
			n, err := b.Conn.Write(p)
			b.sent += int64(n)
			return n, err
		}
	}
	b.buf = append(b.buf, p...)
	b.accepted += int64(len(p))
	return len(p), nil
}

func (b *batchConn) flushLocked() error {
	if len(b.buf) == 0 {
		return nil
	}
	n, err := b.Conn.Write(b.buf)
	b.sent += int64(n)
	b.buf = b.buf[:0]
	return err
}

// offsets returns the bytes accepted and sent so far.
func (b *batchConn) offsets() (accepted, sent int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.accepted, b.sent
}

// batch turns gathering on or off; turning it off writes what was
// gathered.
func (b *batchConn) batch(on bool) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.batching = on
	if on {
		if b.buf == nil {
			b.buf = make([]byte, 0, batchSize)
		}
		return nil
	}
	return b.flushLocked()
}

// flush writes what was gathered and goes on gathering.
func (b *batchConn) flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked()
}

// hijacker hands gorilla's Upgrader a batchConn instead of the raw
// socket, so every frame gorilla writes passes through it.
type hijacker struct {
	http.ResponseWriter
	conn **batchConn
}

func (h hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := h.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("emulator: the response cannot be hijacked for a WebSocket")
	}
	nc, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	*h.conn = &batchConn{Conn: nc}
	return *h.conn, brw, nil
}
