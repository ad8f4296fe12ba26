package ringcentral

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/sim/emu"
)

// A client that reads as fast as it can gets everything, and the ledger
// says so: delivered equals generated, nothing cut, nothing dropped.
// (BenchmarkRate50000 measures the same at 50,000 a second.)
func TestAClientThatKeepsUpGetsEverything(t *testing.T) {
	s, base := startSim(t, Config{Rate: 0, Seed: 2})
	c, _, _, _ := liveSubscribed(t, s, base)
	const n = 3000
	got := make(chan uint64, 1)
	go func() {
		var last uint64
		for i := 0; i < n; i++ {
			_ = c.ws.SetReadDeadline(time.Now().Add(waitFor))
			_, data, err := c.ws.ReadMessage()
			if err != nil {
				break
			}
			f, err := decodeFrame(data)
			if err != nil || f.Meta.WSC == nil || f.Meta.WSC.Sequence != last+2 && last != 0 {
				break
			}
			if last == 0 && f.Meta.WSC.Sequence != 2 {
				break
			}
			last = f.Meta.WSC.Sequence - 1
		}
		got <- last
	}()
	if err := s.SetRate(20000); err != nil {
		t.Fatal(err)
	}
	eventually(t, "3000 generated", func() bool { return s.Counters().Generated >= n })
	s.Pause()
	if last := <-got; last != n {
		t.Fatalf("the client read %d notifications in order, want %d", last, n)
	}
	eventually(t, "the ledger to settle", func() bool { c := s.Counters(); return c.Delivered == c.Generated })
	if c := s.Counters(); c.Cut != 0 || c.Dropped != 0 || c.Unsent != 0 {
		t.Fatalf("counters %+v", c.Counters)
	}
}

// When a client cannot keep up, the emulator behaves as a WebSocket
// server with a bounded send queue (RingCentral documents nothing more;
// evtap's choice): it holds what the client has not read, up to
// Limits.MaxConnQueued, then cuts the connection. The session stays
// recoverable: the client comes back with the wsc of the last
// notification it read, gets Successful and the newest BufferSize
// notifications, and the jump in the sequence is exactly what it lost.
// The emulator's counters say the same.
func TestAClientThatCannotKeepUpIsCutAndTheGapSaysWhatItLost(t *testing.T) {
	s, base := startSim(t, Config{Limits: emu.Limits{MaxConnQueued: 1 << 20}})
	c, wt, _, _ := liveSubscribed(t, s, base)
	// The client stops reading while 4 KiB notifications are made.
	body := json.RawMessage(`{"blob":"` + strings.Repeat("x", 4<<10) + `"}`)
	event := apiPrefix + "/account/" + DemoAccountID + "/extension/" + DemoExtensionID + "/message-store/instant?type=SMS"
	for i := 0; s.Counters().Cut == 0; i++ {
		if i == 20000 {
			t.Fatalf("80 MiB made for a client that does not read, and it was never cut: %+v", s.Counters().Counters)
		}
		if _, err := s.Inject("", Injection{Event: event, Body: body}); err != nil {
			t.Fatal(err)
		}
	}
	// It reads what reached it before the cut.
	var last *wscRef
	read := 0
	for {
		_ = c.ws.SetReadDeadline(time.Now().Add(waitFor))
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			break
		}
		f, err := decodeFrame(data)
		if err != nil {
			t.Fatal(err)
		}
		if f.Meta.WSC != nil {
			if last != nil && f.Meta.WSC.Sequence != last.Sequence+1 {
				t.Fatalf("sequence %d after %d before the cut", f.Meta.WSC.Sequence, last.Sequence)
			}
			last, read = f.Meta.WSC, read+1
		}
	}
	if last == nil {
		t.Fatal("the client read no notification before the cut")
	}
	eventually(t, "the cut connection to end", func() bool { return s.Counters().Open == 0 })
	made := s.Counters().Generated

	c2, _, err := dialWS(t, wt, last.Token)
	if err != nil {
		t.Fatal(err)
	}
	if d := details(t, c2.readType(typeConnectionDetails)); d.RecoveryState != recoverySuccessful {
		t.Fatalf("recoveryState %q", d.RecoveryState)
	}
	first, _ := c2.notification()
	lost := first.Meta.WSC.Sequence - last.Sequence - 1
	for want := first.Meta.WSC.Sequence + 1; want <= made+1; want++ {
		if f, _ := c2.notification(); f.Meta.WSC.Sequence != want {
			t.Fatalf("replayed sequence %d, want %d", f.Meta.WSC.Sequence, want)
		}
	}
	if replayed := made + 1 - first.Meta.WSC.Sequence + 1; replayed != DefaultBufferSize {
		t.Fatalf("replayed %d, want the newest %d", replayed, DefaultBufferSize)
	}
	got := s.Counters()
	if got.Cut != 1 || lost == 0 || got.Dropped != lost {
		t.Fatalf("client lost %d (read %d of %d); emulator counted %d dropped, %d cut", lost, read, made, got.Dropped, got.Cut)
	}
	t.Logf("made %d, read %d before the cut, lost %d, replayed %d; emulator: cut %d, dropped %d",
		made, read, lost, DefaultBufferSize, got.Cut, got.Dropped)
}
