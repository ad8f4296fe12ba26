//go:build !unix

package session

import (
	"context"
	"net"
	"testing"
)

func tinyListener(t *testing.T) net.Listener {
	t.Skip("socket buffer sizes are set only on unix")
	return nil
}

func tinyDialer() func(ctx context.Context, network, addr string) (net.Conn, error) { return nil }
