package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/pflag"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/themes"
	"github.com/evtap/evtap/ui"
	"github.com/evtap/evtap/ui/shell"
)

// runTUI is TUI intake without a terminal: evtap's RingCentral session
// connected to the source, its Updates through the shell's Feed into the
// root model, driven as Bubble Tea drives it (one goroutine takes the
// messages in turn, runs Update and then View; commands run in
// goroutines of their own and send their messages back), at 200x60 in
// the dark theme. Meanwhile a key goes in every 20 ms — help opened,
// closed — and the time from sending it to the frame drawn after it is
// its answer time. It prints what it measured as JSON.
func runTUI(args []string) error {
	fs := flag.NewFlagSet("tui", flag.ExitOnError)
	server := fs.String("server", "", "the source's base URL")
	n := fs.Int("n", 200000, "events to take in")
	keep := fs.Int("keep", 100000, "events the list keeps (--keep)")
	heapProfile := fs.String("heapprofile", "", "write a heap profile here at the end (what the store retains)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the intake here")
	fs.Parse(args)

	e, ok := providers.Builtin().Lookup("ringcentral")
	if !ok {
		return errors.New("no ringcentral provider")
	}
	pf := pflag.NewFlagSet("ringcentral", pflag.ContinueOnError)
	dial := e.Connect.Flags(pf)
	if err := pf.Parse([]string{"--server", *server, "--client-id", benchClientID, "--jwt", benchJWT}); err != nil {
		return err
	}
	s, err := e.Live(dial, nil, providers.Options{})
	if err != nil {
		return err
	}
	th, _ := themes.ByName("dark")
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer f.Close()
		defer pprof.StopCPUProfile()
	}

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	feed := shell.NewFeed(50000)
	ran := make(chan error, 1)
	go func() {
		err := s.Run(ctx, feed.Push)
		feed.Close()
		ran <- err
	}()
	src := &counting{Source: shell.NewSource(feed, s.Controls, s.Do)}
	m := shell.New(src, shell.Options{Title: "bench", Keep: *keep, Theme: th, Provider: s.UI})

	msgs := make(chan tea.Msg)
	l := &loop{msgs: msgs, ctx: ctx}
	l.exec(m.Init())
	go func() { msgs <- tea.WindowSizeMsg{Width: 200, Height: 60} }()

	// The keys: one every 20 ms, each sent only once the last was drawn.
	sent := make(chan time.Time, 1)
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			key := tea.KeyPressMsg{Code: '?', Text: "?"}
			if i%2 == 1 {
				key = tea.KeyPressMsg{Code: 'x', Text: "x"}
			}
			sent <- time.Now()
			select {
			case msgs <- key:
			case <-ctx.Done():
				return
			}
		}
	}()

	var latencies []time.Duration
	var frames int
	start := time.Now()
	var model tea.Model = m
	for src.events.Load() < int64(*n) {
		var msg tea.Msg
		select {
		case msg = <-msgs:
		case err := <-ran:
			return fmt.Errorf("the session ended after %d events: %v", src.events.Load(), err)
		case <-time.After(time.Minute):
			return fmt.Errorf("nothing happened for a minute, after %d events", src.events.Load())
		}
		var cmd tea.Cmd
		model, cmd = model.Update(msg)
		l.exec(cmd)
		_ = model.View()
		if _, ok := msg.(tea.KeyPressMsg); ok {
			latencies = append(latencies, time.Since(<-sent))
		} else {
			frames++ // a redraw for new events (keys redraw too, on their own)
		}
	}
	took := time.Since(start)
	cancel()
	<-ran

	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if *heapProfile != "" {
		f, err := os.Create(*heapProfile)
		if err != nil {
			return err
		}
		pprof.WriteHeapProfile(f)
		f.Close()
	}
	stored := min(*n, *keep)
	slices.Sort(latencies)
	out := map[string]float64{
		"events":               float64(src.events.Load()),
		"skipped":              float64(src.skipped.Load()),
		"keys":                 float64(len(latencies)),
		"frames_per_s":         float64(frames) / took.Seconds(),
		"retained_B_per_event": float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(stored),
		"payload_B_per_event":  float64(src.body.Load()) / float64(src.events.Load()),
	}
	if len(latencies) > 0 {
		out["key_max_ms"] = float64(latencies[len(latencies)-1].Microseconds()) / 1000
		out["key_p99_ms"] = float64(latencies[len(latencies)*99/100].Microseconds()) / 1000
	}
	runtime.KeepAlive(model)
	return json.NewEncoder(os.Stdout).Encode(out)
}

// counting is the model's Source, counting the events it hands over and
// their body bytes.
type counting struct {
	ui.Source
	events, body, skipped atomic.Int64
}

func (c *counting) Next(ctx context.Context) ([]protocol.Update, int, bool) {
	b, skipped, ok := c.Source.Next(ctx)
	for _, u := range b {
		if u.Kind == protocol.KindEvent {
			c.events.Add(1)
			c.body.Add(int64(len(u.Event.Body)))
		}
	}
	c.events.Add(int64(skipped)) // received too, but the screen fell behind
	c.skipped.Add(int64(skipped))
	return b, skipped, ok
}

// loop runs commands as Bubble Tea does: each in a goroutine of its own,
// its message sent to the loop; a batch's commands each in theirs.
type loop struct {
	msgs chan tea.Msg
	ctx  context.Context
}

func (l *loop) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				l.exec(c)
			}
			return
		}
		if msg != nil {
			select {
			case l.msgs <- msg:
			case <-l.ctx.Done():
			}
		}
	}()
}
