package emu

import (
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPumpGeneratesAtTheRateAndPauses(t *testing.T) {
	var made atomic.Int64
	s := New(Config{Name: "P", Rate: 500, Generate: func(n int) {
		if n > PumpBatch {
			t.Errorf("asked for %d at once, more than PumpBatch", n)
		}
		made.Add(int64(n))
	}})
	defer s.Close()
	eventually(t, "events", func() bool { return made.Load() >= 50 })
	s.Pause()
	t0 := s.Counters().PumpTicks
	eventually(t, "a tick after the pause", func() bool { return s.Counters().PumpTicks > t0+1 })
	before := made.Load()
	t1 := s.Counters().PumpTicks
	eventually(t, "five ticks while paused", func() bool { return s.Counters().PumpTicks >= t1+5 })
	if got := made.Load(); got != before {
		t.Fatalf("made %d while paused", got-before)
	}
	s.Resume()
	eventually(t, "events after resume", func() bool { return made.Load() > before+20 })
}

func TestRatesAboveTheCeilingAreRefused(t *testing.T) {
	for _, r := range []float64{-1, math.NaN(), MaxRate + 1, 1e9} {
		if CheckRate(r) == nil {
			t.Errorf("CheckRate(%g) accepted", r)
		}
	}
	if err := CheckRate(MaxRate); err != nil {
		t.Errorf("the ceiling itself is refused: %v", err)
	}
	var log syncBuffer
	s := New(Config{Name: "P", Rate: 1e9, Log: &log})
	defer s.Close()
	if s.Rate() != MaxRate || !strings.Contains(log.String(), "ceiling") {
		t.Fatalf("rate %g, log %q: a rate above the ceiling is clamped and said so", s.Rate(), log.String())
	}
	if err := s.SetRate(1e9); err == nil || s.Rate() != MaxRate {
		t.Fatalf("SetRate(1e9): %v, rate %g", err, s.Rate())
	}
}

// Issue 13 item 1: at --rate 1e9 the generator never yielded and
// shutdown waited on it for ever. Close must come back after at most one
// batch, even from a generator that is slow and always behind.
func TestCloseDoesNotWaitForABusyGenerator(t *testing.T) {
	var calls atomic.Int64
	s := New(Config{Name: "P", Rate: MaxRate, Generate: func(n int) {
		calls.Add(1)
		time.Sleep(time.Duration(n) * 100 * time.Microsecond) // ~10k events/s: far behind
	}})
	// A generator this far behind gives up on the events it cannot make
	// in time rather than bursting to catch up.
	eventually(t, "the pump to skip events", func() bool { return s.Counters().Skipped > 0 })
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close is waiting on the generator")
	}
}
