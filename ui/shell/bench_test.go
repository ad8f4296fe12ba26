package shell

import (
	"fmt"
	"runtime"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/themes"
)

// filled is a model at 200x60 holding n events.
func filled(b *testing.B, n int) Model { return filledThemed(b, n, themes.Theme{}) }

// filledThemed is filled in theme th.
func filledThemed(b *testing.B, n int, th themes.Theme) Model {
	src := newFakeSource()
	m := New(src, Options{Title: "bench", Now: fixedNow, Keep: 100000, Theme: th})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	m = mm.(Model)
	batch := make([]protocol.Update, 0, 1000)
	for i := 0; i < n; i++ {
		batch = append(batch, event(float64(i)/1000, uint64(i+1), "SMS in", fmt.Sprintf(`+1555%07d → +15551230002 "message %d"`, i, i)))
		if len(batch) == cap(batch) || i == n-1 {
			mm, _ = m.Update(batchMsg{updates: batch, ok: true})
			m = mm.(Model)
			batch = batch[:0]
		}
	}
	return m
}

// BenchmarkRender is one frame at 200x60; the sub-benchmarks differ only
// in how many events are stored, so their ratio shows whether rendering
// depends on the store's size (it must not).
func BenchmarkRender(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			m := filled(b, n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_ = m.View()
			}
		})
	}
	// In colour, as most terminals show it: every cell is styled.
	b.Run("dark-events=100000", func(b *testing.B) {
		th, err := themes.ByName("dark")
		if err != nil {
			b.Fatal(err)
		}
		m := filledThemed(b, 100000, th)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			_ = m.View()
		}
	})
}

// BenchmarkIngest is Updates into the store and panes, in bursts of 1000
// as the feed delivers them.
func BenchmarkIngest(b *testing.B) {
	m := filled(b, 0)
	burst := make([]protocol.Update, 1000)
	for i := range burst {
		burst[i] = event(float64(i), uint64(i), "SMS in", "+15551230001 → +15551230002 \"hi\"")
	}
	b.ResetTimer()
	done := 0
	for done < b.N {
		mm, _ := m.Update(batchMsg{updates: burst, ok: true})
		m = mm.(Model)
		done += len(burst)
	}
	b.ReportMetric(float64(done)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkRetainedPerEvent reports the heap kept per stored event beyond
// its payload bytes.
func BenchmarkRetainedPerEvent(b *testing.B) {
	const n = 100000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := filled(b, n)
	runtime.GC()
	runtime.ReadMemStats(&after)
	payload := 0
	for i := m.store.First(); i < m.store.End(); i++ {
		payload += len(m.store.At(i).Event.Body)
	}
	b.ReportMetric(float64(int(after.HeapAlloc-before.HeapAlloc)-payload)/n, "overhead-B/event")
	runtime.KeepAlive(m)
}

// BenchmarkPasteIntoSearch is pasting 20,000 characters into the /
// prompt of a 200x60 screen holding 1,000 events. "keys" is the paste
// as a terminal without bracketed paste (or tmux send-keys) delivers
// it: a key press and a frame per character, the frame redrawing only
// the prompt's line (frame.go). "keys/whole-frames" is the same typing
// drawing every frame whole, as before frame.go, over 2,000 characters
// to stay short: compare ns/char between the two, measured in the same
// run. "bracketed" is one paste message and one frame.
func BenchmarkPasteIntoSearch(b *testing.B) {
	open := func() Model {
		m := filled(b, 1000)
		mm, _ := m.Update(tea.KeyPressMsg{Code: '/', Text: "/"})
		return mm.(Model)
	}
	typeKeys := func(m Model, n int, whole bool) {
		for j := 0; j < n; j++ {
			c := rune('a' + j%26)
			mm, _ := m.Update(tea.KeyPressMsg{Code: c, Text: string(c)})
			m = mm.(Model)
			if whole {
				m.gen++ // no frame to redraw into
			}
			_ = m.View()
		}
	}
	for _, c := range []struct {
		name  string
		n     int
		whole bool
	}{{"keys/whole-frames", 2000, true}, {"keys", 20000, false}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				m := open()
				b.StartTimer()
				typeKeys(m, c.n, c.whole)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c.n), "ns/char")
		})
	}
	b.Run("bracketed", func(b *testing.B) {
		text := make([]rune, 20000)
		for j := range text {
			text[j] = rune('a' + j%26)
		}
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			m := open()
			b.StartTimer()
			mm, _ := m.Update(tea.PasteMsg{Content: string(text)})
			_ = mm.(Model).View()
		}
	})
}
