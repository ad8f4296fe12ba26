package ringcentral

import (
	"syscall"
	"testing"
	"time"
)

// BenchmarkRate50000 runs the emulator in real time at 50,000
// notifications a second for one subscription, with a bare gorilla
// client that reads as fast as it can, until b.N have been generated;
// then it waits for the last one to arrive. It reports what the
// emulator's ledger says: delivered/generated (1 means nothing was
// lost), connections cut, notifications dropped and skipped (the rate
// asked for them but the pump could not make them in time), the rate
// achieved, and the CPU time of the whole process (emulator and client)
// per notification. Run it with
//
//	go test ./sim/ringcentral -run XXX -bench Rate50000 -benchtime 100000x
func BenchmarkRate50000(b *testing.B) {
	const rate = 50000
	s := New(Config{Seed: 1, Rate: 0})
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	c, _, _ := connect(b, base)
	c.readType(typeConnectionDetails)
	c.mustSubscribe(smsFilter, presenceFilter)
	read := make(chan int, 1)
	go func() {
		n := 0
		for {
			if _, _, err := c.ws.ReadMessage(); err != nil {
				read <- n
				return
			}
			n++
		}
	}()
	cpu0 := cpuTime()
	b.ResetTimer()
	t0 := time.Now()
	if err := s.SetRate(rate); err != nil {
		b.Fatal(err)
	}
	for s.Counters().Generated < uint64(b.N) {
		time.Sleep(time.Millisecond)
	}
	s.Pause()
	wall := time.Since(t0)
	// A batch in flight when Pause came may still add to Generated; two
	// pump ticks later nothing does.
	for t := s.Counters().PumpTicks; s.Counters().PumpTicks < t+2; {
		time.Sleep(time.Millisecond)
	}
	gen := s.Counters().Generated
	deadline := time.Now().Add(10 * time.Second)
	for s.Counters().Delivered < gen && s.Counters().Cut == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	got := s.Counters()
	_ = c.ws.SetReadDeadline(time.Now().Add(time.Second))
	b.ReportMetric(float64(got.Delivered)/float64(got.Generated), "delivered/generated")
	b.ReportMetric(float64(got.Cut), "cut")
	b.ReportMetric(float64(got.Dropped), "dropped")
	b.ReportMetric(float64(got.Skipped), "skipped")
	b.ReportMetric(float64(gen)/wall.Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(gen), "cpu-µs/event")
	b.ReportMetric(0, "ns/op")
	if got.Delivered != got.Generated || got.Cut != 0 {
		b.Errorf("generated %d, delivered %d, cut %d: the emulator did not keep up with a client that reads as fast as it can",
			got.Generated, got.Delivered, got.Cut)
	}
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
