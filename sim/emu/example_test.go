package emu_test

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/sim/emu"
)

// ticker is a whole emulator on the core: a socket at /ws that sends a
// numbered event per tick of the pump, a control action and a fault of
// its own.
type ticker struct {
	*emu.Server
	mu    sync.Mutex
	conns map[*emu.Conn]bool
	n     int
}

func newTicker(rate float64) *ticker {
	t := &ticker{conns: map[*emu.Conn]bool{}}
	t.Server = emu.New(emu.Config{
		Name:     "Ticker",
		Rate:     rate,
		Generate: t.generate,
		Banner: func(base string) []string {
			return []string{"  socket: ws" + base[len("http"):] + "/ws"}
		},
		Log: os.Stderr,
	})
	t.Handle("GET /ws", t.serveWS)
	t.Control("reset", func(*http.Request) (int, error) {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.n = 0
		return 1, nil
	})
	t.AddFault(emu.Fault{Kind: protocol.CmdForget, Description: "the ticker starts counting again from 1"},
		func(protocol.Command) error { t.mu.Lock(); t.n = 0; t.mu.Unlock(); return nil })
	return t
}

func (t *ticker) serveWS(w http.ResponseWriter, r *http.Request) {
	c, err := t.Upgrade(w, r, emu.ConnOptions{PingInterval: 30 * time.Second})
	if err != nil {
		return // Upgrade has answered
	}
	t.mu.Lock()
	t.conns[c] = true
	t.mu.Unlock()
	c.Send([]byte(`{"hello":"ticker"}`))
	c.Serve(func(typ int, data []byte) { c.Send(data) }) // until the connection ends
	t.mu.Lock()
	delete(t.conns, c)
	t.mu.Unlock()
}

// generate makes n events for every connection; the pump calls it.
func (t *ticker) generate(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for c := range t.conns {
		for i := 0; i < n; i++ {
			t.n++
			t.AddGenerated(1)
			c.SendEvent([]byte(`{"tick":`+strconv.Itoa(t.n)+`}`), nil)
		}
	}
}

// A provider's emulator embeds *emu.Server, registers its endpoints,
// and serves until the context ends (`evtap sim ticker`).
func ExampleServer() {
	ctx, stop := context.WithTimeout(context.Background(), time.Second)
	defer stop()
	t := newTicker(10)
	_ = t.Serve(ctx, "127.0.0.1:0", os.Stdout)
}
