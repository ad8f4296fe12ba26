package ringcentral

import (
	"bytes"
	"context"
	"net/http"
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
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestServePrintsABannerThatWorksAndStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, Config{Seed: 9}, "127.0.0.1:0", &out) }()
	urlRE := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	eventually(t, "the banner", func() bool { return urlRE.MatchString(out.String()) })
	banner := out.String()
	for _, want := range []string{DemoClientID, DemoClientSecret, DemoJWT, ControlPrefix, "/ws", "seed 9"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	base := urlRE.FindString(banner)
	tr := login(t, base)
	if code, wt := getWSToken(t, base, tr.AccessToken); code != 200 || !strings.HasPrefix(wt.URI, "ws://"+strings.TrimPrefix(base, "http://")) {
		t.Fatalf("wstoken via the banner's URL: %d %+v", code, wt)
	}
	resp, err := http.Get(base + "/restapi/v1.0/nothing")
	if err != nil || resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("unknown path: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := http.Get(base + ControlPrefix + "counters"); err == nil {
		t.Fatal("still serving after the context ended")
	}
}

func TestStartRefusesABusyAddress(t *testing.T) {
	a := New(Config{})
	defer a.Close()
	base, err := a.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := New(Config{})
	defer b.Close()
	if _, err := b.Start(strings.TrimPrefix(base, "http://")); err == nil || !strings.Contains(err.Error(), "listen") {
		t.Fatalf("second Start on %s: %v", base, err)
	}
	if _, err := a.Start("127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "already started") {
		t.Fatalf("Start twice: %v", err)
	}
	b.Close()
	if _, err := b.Start("127.0.0.1:0"); err == nil {
		t.Fatal("Start after Close succeeded")
	}
}

func TestBannerMasksCredentialsTheUserSupplied(t *testing.T) {
	s := New(Config{ClientSecret: "my-real-secret-123", JWT: "eyJmy.real.jwt-token"})
	defer s.Close()
	b := s.Banner()
	if strings.Contains(b, "my-real-secret-123") || strings.Contains(b, "eyJmy.real.jwt-token") {
		t.Fatalf("banner shows a user-supplied secret:\n%s", b)
	}
	if !strings.Contains(b, "masked") {
		t.Fatalf("banner does not say the secret is masked:\n%s", b)
	}
}

func TestLogTellsWhatHappenedWithoutTokens(t *testing.T) {
	var log syncBuffer
	s, base := startSim(t, Config{Log: &log})
	c, wt, tr := connect(t, base)
	c.readType(typeConnectionDetails)
	c.mustSubscribe(smsFilter)
	if f := c.subscribe("/restapi/v1.0/account/~/extension/~/\x1b[31mred"); f.Meta.Status != 400 {
		t.Fatalf("status %d", f.Meta.Status)
	}
	s.Drop("")
	eventually(t, "the drop in the log", func() bool { return strings.Contains(log.String(), "c1: connection ended") })
	got := log.String()
	for _, want := range []string{"c1: connected", "subscription", "refused (400 SUB-406)", "dropped 1 connection"} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
	for _, secret := range []string{tr.AccessToken, wt.WSAccessToken, "\x1b"} {
		if strings.Contains(got, secret) {
			t.Errorf("log contains %q:\n%s", secret, got)
		}
	}
}
