package dialpad

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/evtap/evtap/sim/emu"
)

// A client that rotates make-before-break — GET a fresh URL, open it,
// only then let the old one expire — receives every event the ledger
// says was routed to its subscriptions, across every expiry; the ledger
// is enough to check that. This is the emulator's half of the
// "exactly once across every rotation" test.
func TestRotationMakeBeforeBreakLosesNothing(t *testing.T) {
	clk := newClock()
	s, base := startSim(t, Config{Now: clk.now, TokenLifetime: 10 * time.Second, Rate: 400, Seed: 5})
	w := createWebsocket(t, base, "rotating")
	createSub(t, base, "call", map[string]any{"endpoint_id": w.ID, "call_states": []string{"all"}})
	createSub(t, base, "sms", map[string]any{"endpoint_id": w.ID, "direction": "all", "include_internal": true, "status": true})

	var mu sync.Mutex
	got := map[string]int{} // event JSON → frames received
	var wg sync.WaitGroup
	open := func() {
		var fresh wsJSON
		call(t, base, "GET", "/api/v2/websockets/"+w.ID, nil).decode(t, &fresh)
		c := dial(t, fresh.WebsocketURL)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, data, err := c.ws.ReadMessage()
				if err != nil {
					return
				}
				payload, ok := verifyJWS(string(data), []byte("rotating"))
				mu.Lock()
				if !ok {
					got["unverified:"+string(data)]++
				} else {
					got[string(payload)]++
				}
				mu.Unlock()
			}
		}()
	}
	events := func() int { return len(s.Ledger(0, emu.MaxLedgerPage).Entries) }

	// Nothing is buffered for a websocket with no connection: events
	// start once the first one is open.
	s.Pause()
	open()
	waitConn(t, s, "c1")
	s.Resume()
	for i := 1; i <= 5; i++ {
		// Events flow while the connections overlap (from the second
		// step on, two are open).
		target := events() + 30
		eventually(t, "events to flow", func() bool { return events() >= target })
		// A client rotates long before expiry, so the old connection has
		// long written what only it had; the test waits for that rather
		// than counting on the scheduler.
		expiring, newest := "c"+strconv.Itoa(i-1), "c"+strconv.Itoa(i)
		eventually(t, "the expiring connection to catch up", func() bool {
			for _, e := range s.Ledger(0, emu.MaxLedgerPage).Entries {
				if len(e.Routes) > 0 && contains(e.Routes[0].Queued, expiring) && !contains(e.Routes[0].Queued, newest) &&
					!contains(e.Routes[0].Written, expiring) {
					return false
				}
			}
			return true
		})
		clk.advance(5 * time.Second) // the connection opened two rotations ago expires now
		open()
		waitConn(t, s, "c"+strconv.Itoa(i+1))
	}
	s.Pause()
	// c1 to c4 expire at the 2nd to 5th steps; the pump cuts them within
	// a tick, whenever the scheduler runs it.
	eventually(t, "four expiries", func() bool { return s.Counters().Expired == 4 })

	page := s.Ledger(0, emu.MaxLedgerPage)
	routed := 0
	overlap := 0
	for _, e := range page.Entries {
		if len(e.Routes) == 0 {
			continue // agent status, contact, changelog: not subscribed
		}
		routed++
		if len(e.Routes[0].Queued) == 0 {
			t.Fatalf("event %d (%s) was routed while no connection was open", e.Seq, e.Key)
		}
		if len(e.Routes[0].Queued) > 1 {
			overlap++
		}
	}
	eventually(t, "every routed event to arrive", func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range page.Entries {
			if len(e.Routes) > 0 && got[string(e.Event)] == 0 {
				return false
			}
		}
		return true
	})
	mu.Lock()
	defer mu.Unlock()
	for k := range got {
		if len(k) > 11 && k[:11] == "unverified:" {
			t.Fatalf("a frame did not verify: %s", k)
		}
	}
	if overlap < 60 || routed < 100 {
		t.Errorf("%d of %d routed events overlapped: the test did not rotate", overlap, routed)
	}
}
