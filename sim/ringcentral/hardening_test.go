package ringcentral

import (
	"fmt"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/sim/emu"
)

// badFilters is about 1 MiB of filters the emulator refuses.
func badFilters(n int) []string {
	var fs []string
	for i := 0; i < n; i++ {
		fs = append(fs, fmt.Sprintf("/restapi/v1.0/account/~/extension/~/%s-%d", strings.Repeat("nope", 8), i))
	}
	return fs
}

// Issue 13 item 18: the answer to a 1 MiB request of bad filters was
// 5-13 MB. No answer may grow with the request.
func TestNoAnswerGrowsWithTheRequest(t *testing.T) {
	_, base := startSim(t, Config{})
	c, _, _ := connect(t, base)
	c.ws.SetReadLimit(1 << 30) // let a huge answer through, to measure it
	c.readType(typeConnectionDetails)

	_, data := c.rawRequest(meta{Type: typeClientRequest, MessageID: "many", Method: "POST", Path: pathSubscription},
		subscriptionRequest{EventFilters: badFilters(900), DeliveryMode: deliveryMode{TransportType: transportWebSocket}})
	if len(data) > 8<<10 {
		t.Fatalf("answer to 900 bad filters is %d bytes", len(data))
	}
	if !strings.Contains(string(data), "and 890 more invalid event filters") {
		t.Fatalf("answer does not count the filters it does not describe: %.400s", data)
	}

	f, data := c.rawRequest(meta{Type: typeClientRequest, MessageID: "too-many", Method: "POST", Path: pathSubscription},
		subscriptionRequest{EventFilters: badFilters(1200)})
	if f.Meta.Status != 400 || len(data) > 2<<10 || !strings.Contains(string(data), "at most 1000") {
		t.Fatalf("1200 filters: status %d, %d bytes: %.300s", f.Meta.Status, len(data), data)
	}

	f, data = c.rawRequest(meta{Type: typeClientRequest, MessageID: "path", Method: "GET", Path: "/restapi/" + strings.Repeat("x", 100<<10)}, nil)
	if f.Meta.Status != 404 || len(data) > 2<<10 {
		t.Fatalf("a 100 KiB path: status %d, %d bytes", f.Meta.Status, len(data))
	}

	f, data = c.rawRequest(meta{Type: typeClientRequest, MessageID: strings.Repeat("m", 100<<10), Method: "GET", Path: pathSubscription}, nil)
	if f.Meta.Type != typeError || len(data) > 2<<10 {
		t.Fatalf("a 100 KiB messageId: %s, %d bytes", f.Meta.Type, len(data))
	}
}

// rawRequest sends a ClientRequest with the given meta and returns the
// next frame that is not a notification.
func (c *client) rawRequest(m meta, body any) (frame, []byte) {
	c.t.Helper()
	c.send(string(encodeFrame(m, body)))
	for {
		f, data := c.read()
		if f.Meta.Type != typeServerNotification {
			return f, data
		}
	}
}

// Issue 13 item 18: four clients that sent large subscription requests
// and never read the answers took the emulator to 692 MB. Whatever they
// send, what the emulator holds for them stays small.
func TestClientsThatSendLargeRequestsAndNeverReadStaySmall(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("sends 35 MiB of requests")
	}
	var log syncBuffer
	_, base := startSim(t, Config{Log: &log})
	req := encodeFrame(meta{Type: typeClientRequest, MessageID: "m", Method: "POST", Path: pathSubscription},
		subscriptionRequest{EventFilters: badFilters(12000), DeliveryMode: deliveryMode{TransportType: transportWebSocket}})
	if len(req) > readLimit {
		t.Fatalf("request of %d bytes is over the read limit", len(req))
	}
	const clients, each = 4, 10
	for i := 0; i < clients; i++ {
		c, _, _ := connect(t, base)
		// The client never reads: its receive buffer fills and the
		// emulator has to hold the answers.
		if tc, ok := c.ws.NetConn().(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4096)
		}
		for j := 0; j < each; j++ {
			c.send(string(req))
		}
	}
	eventually(t, "every request answered", func() bool {
		return strings.Count(log.String(), "subscription refused") == clients*each
	})
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	if m.HeapAlloc > 64<<20 {
		t.Fatalf("heap %d MiB after %d unread answers", m.HeapAlloc>>20, clients*each)
	}
}

// Issue 13 item 1: `--rate 1e9` spun for ever and shutdown waited on the
// generator. A rate above the ceiling is clamped (the command line
// refuses it first), and Close comes back at once even while the pump
// generates as fast as it can.
func TestCloseReturnsPromptlyWhileGeneratingAtTheCeiling(t *testing.T) {
	s := New(Config{Rate: 1e9, BufferSize: -1})
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan struct{})
	defer func() {
		select {
		case <-closed:
		default:
			s.Close()
		}
	}()
	if got := s.Rate(); got != emu.MaxRate {
		t.Fatalf("rate %g, want the ceiling %d", got, emu.MaxRate)
	}
	c, _, _ := connect(t, base)
	c.readType(typeConnectionDetails)
	c.mustSubscribe(smsFilter, presenceFilter)
	eventually(t, "generation at full speed", func() bool { return s.Counters().Generated > 2000 })
	t0 := time.Now()
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(3 * time.Second):
		t.Fatal("Close is still waiting after 3 s")
	}
	if d := time.Since(t0); d > time.Second {
		t.Errorf("Close took %s", d)
	}
}
