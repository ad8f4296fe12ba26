package emu

import (
	"bytes"
	"context"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServePrintsTheBannerAndStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := New(Config{Name: "Echo", Banner: func(base string) []string {
		return []string{"  socket: " + base + "/ws"}
	}})
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, "127.0.0.1:0", &out) }()
	eventually(t, "the banner", func() bool { return strings.Contains(out.String(), "listening on") })
	banner := out.String()
	base := s.URL()
	for _, want := range []string{"evtap Echo emulator\n", "  socket: " + base + "/ws\n",
		"  control API: " + base + ControlPrefix, "no authentication", "  listening on " + strings.TrimPrefix(base, "http://")} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	if strings.Contains(banner, "WARNING") {
		t.Errorf("a loopback address needs no warning:\n%s", banner)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := net.Dial("tcp", strings.TrimPrefix(base, "http://")); err == nil {
		t.Fatal("still listening after the context ended")
	}
}

// Issue 13 item 16: --listen 0.0.0.0 opened the unauthenticated control
// API on every interface while the banner said 127.0.0.1, with no
// warning. The banner must name the real address and warn. (The test
// does not bind a public interface: it gives the server the address.)
func TestBannerWarnsAndNamesTheAddressWhenNotLoopback(t *testing.T) {
	for _, tc := range []struct {
		addr      *net.TCPAddr
		where     string
		localBase string
	}{
		{&net.TCPAddr{IP: net.IPv4zero, Port: 40123}, "0.0.0.0:40123 (every interface)", "http://127.0.0.1:40123"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 40124}, "[::]:40124 (every interface)", "http://127.0.0.1:40124"},
		{&net.TCPAddr{IP: net.IPv4(192, 168, 1, 5), Port: 40125}, "192.168.1.5:40125,", "http://192.168.1.5:40125"},
	} {
		var log syncBuffer
		s := New(Config{Name: "Echo", Log: &log})
		s.addr, s.baseURL = tc.addr, "http://"+localHost(tc.addr)
		b := s.Banner()
		if s.URL() != tc.localBase {
			t.Errorf("%s: base URL %s, want %s", tc.addr, s.URL(), tc.localBase)
		}
		if !regexp.MustCompile(`(?m)^WARNING: listening on ` + regexp.QuoteMeta(tc.where) + `.*control API \(/_evtap/\), which has no authentication`).MatchString(b) {
			t.Errorf("%s: banner does not warn about the control API on the real address:\n%s", tc.addr, b)
		}
		if !strings.Contains(b, "listening on "+tc.addr.String()) {
			t.Errorf("%s: banner does not say the real address:\n%s", tc.addr, b)
		}
		s.Close()
	}
	for _, a := range []*net.TCPAddr{{IP: net.IPv4(127, 0, 0, 1), Port: 1}, {IP: net.IPv6loopback, Port: 2}} {
		if isLoopback(a) == false {
			t.Errorf("%s is loopback", a)
		}
	}
}

func TestStartLogsTheWarningToo(t *testing.T) {
	var log syncBuffer
	s := New(Config{Name: "Echo", Log: &log})
	defer s.Close()
	if _, err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "WARNING") {
		t.Fatalf("loopback logged a warning: %s", log.String())
	}
}

func TestStartRefusesABusyAddressTwiceAndAfterClose(t *testing.T) {
	a := New(Config{Name: "A"})
	defer a.Close()
	base, err := a.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := New(Config{Name: "B"})
	if _, err := b.Start(strings.TrimPrefix(base, "http://")); err == nil || !strings.Contains(err.Error(), "listen") {
		t.Fatalf("second Start on %s: %v", base, err)
	}
	if _, err := a.Start("127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "already started") {
		t.Fatalf("Start twice: %v", err)
	}
	b.Close()
	if _, err := b.Start("127.0.0.1:0"); err != ErrClosed {
		t.Fatalf("Start after Close: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("Close twice: %v", err)
	}
}
