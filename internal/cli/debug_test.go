package cli

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/internal/providers"
)

// The hidden --debug-addr serves the goroutine profile while a live run
// lasts (the soak reads evtap's goroutine count from it), and stops with
// the run.
func TestDebugAddrServesGoroutinesWhileTheRunLasts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, providers.Builtin(), []string{"--headless", "--rate", "5", "--debug-addr", addr}, nil, &stdout, &stderr)
	}()
	var body string
	waitFor(t, "the goroutine profile", 10*time.Second, func() bool {
		resp, err := http.Get("http://" + addr + "/debug/pprof/goroutine?debug=1")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body = string(b)
		return resp.StatusCode == 200
	})
	if !strings.HasPrefix(body, "goroutine profile: total ") {
		t.Fatalf("the profile starts %.80q", body)
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if _, err := http.Get("http://" + addr + "/debug/pprof/"); err == nil {
		t.Fatal("the debug server outlived the run")
	}
}
