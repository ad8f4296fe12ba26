package eventlist

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/themes"
)

// benchEvents makes n distinct events with their own allocations, as a
// session would hand them over (about 330-byte RingCentral bodies).
func benchEvents(n int) []protocol.Update {
	us := make([]protocol.Update, n)
	for i := range us {
		us[i] = ev(i)
	}
	return us
}

// BenchmarkIngest measures Store.Add; baseline is appending the same
// Updates to a plain slice, the least any store could cost.
func BenchmarkIngest(b *testing.B) {
	us := benchEvents(4096)
	b.Run("baseline-slice-append", func(b *testing.B) {
		var sink []protocol.Update
		for i := 0; i < b.N; i++ {
			if len(sink) == 100000 {
				sink = sink[:0]
			}
			sink = append(sink, us[i&4095])
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("store", func(b *testing.B) {
		s := NewStore(100000)
		for i := 0; i < b.N; i++ {
			s.Add(us[i&4095])
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("store+list-sync", func(b *testing.B) {
		s := NewStore(100000)
		l := NewList(s, Styles{})
		l.SetSize(200, 60)
		for i := 0; i < b.N; i++ {
			s.Add(us[i&4095])
			if i&255 == 255 { // the UI syncs once per burst
				l.Sync()
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}

// BenchmarkRender draws a 200x60 list at 1k and 100k stored events; the
// frame cost must not grow with the store.
func BenchmarkRender(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			_, l := filled(n, 200, 60)
			l.SetSearch("msg")
			l.View()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_ = l.View()
			}
		})
	}
	b.Run("themed-events=100000", func(b *testing.B) {
		th, err := themes.ByName("dark")
		if err != nil {
			b.Fatal(err)
		}
		_, l := filled(100000, 200, 60)
		l.SetStyles(StylesFrom(th))
		l.SetSearch("msg")
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			_ = l.View()
		}
	})
	b.Run("paused-mid-list-events=100000", func(b *testing.B) {
		_, l := filled(100000, 200, 60)
		l.moveTo(50000)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			_ = l.View()
		}
	})
}

// BenchmarkRetained reports the heap kept per stored event beyond its
// body bytes (the target is at most 300), for the Store alone and with a
// List indexing it as the running UI does.
func BenchmarkRetained(b *testing.B) {
	for _, withList := range []bool{false, true} {
		name := "store"
		if withList {
			name = "store+list"
		}
		b.Run(name, func(b *testing.B) { retained(b, withList) })
	}
}

func retained(b *testing.B, withList bool) {
	const n = 100000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		s := NewStore(n)
		var l *List
		if withList {
			l = NewList(s, Styles{})
		}
		payload := 0
		for j := range n {
			u := ev(j) // its own allocations, like a decoded frame
			payload += len(u.Event.Body)
			s.Add(u)
			if withList && j%256 == 255 {
				l.Sync()
			}
		}
		if withList {
			l.Sync()
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		retained := float64(after.HeapAlloc) - float64(before.HeapAlloc)
		b.ReportMetric(retained/n-float64(payload)/n, "overhead-B/event")
		b.ReportMetric(float64(payload)/n, "payload-B/event")
		runtime.KeepAlive(s)
		runtime.KeepAlive(l)
		b.StartTimer()
	}
}

// BenchmarkFilterAndSearch runs a jq filter and a search with no match
// over 100k stored events: the cost of a keystroke that must see every
// event. Baseline: the same walk over all rows with no predicate.
func BenchmarkFilterAndSearch(b *testing.B) {
	_, l := filled(100000, 200, 60)
	b.Run("baseline-rebuild-no-filter", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			l.rebuild()
		}
	})
	b.Run("jq-select-inbound", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := l.SetFilter(`select(.body.direction=="Inbound")`); err != nil {
				b.Fatal(err)
			}
			l.filter = nil
		}
	})
	b.Run("search-no-match", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			l.SetSearch("zzz-absent")
		}
	})
}
