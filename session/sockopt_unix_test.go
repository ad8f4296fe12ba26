//go:build unix

package session

import (
	"context"
	"net"
	"syscall"
	"testing"
)

// tinyBuffers sets a socket's buffers as small as the kernel allows
// before it connects or listens (a receive window is fixed at the
// handshake), so that a peer that stops reading blocks its writer after
// a few kilobytes.
func tinyBuffers(_, _ string, c syscall.RawConn) error {
	var err error
	ctlErr := c.Control(func(fd uintptr) {
		if err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048); err == nil {
			err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_SNDBUF, 2048)
		}
	})
	if ctlErr != nil {
		return ctlErr
	}
	return err
}

// tinyListener listens on loopback with tinyBuffers.
func tinyListener(t *testing.T) net.Listener {
	t.Helper()
	l, err := (&net.ListenConfig{Control: tinyBuffers}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// tinyDialer dials with tinyBuffers.
func tinyDialer() func(ctx context.Context, network, addr string) (net.Conn, error) {
	return (&net.Dialer{Control: tinyBuffers}).DialContext
}
