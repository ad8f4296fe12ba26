package emu

import (
	"fmt"
	"math"
	"runtime"
	"time"
)

// MaxRate is the rate ceiling: events per second per stream. Above it
// the pump would spend its time generating rather than serving; a
// command line reports a higher --rate as a usage error (CheckRate), the
// control API answers 400 and a scenario does not parse.
const MaxRate = 100000

// PumpBatch is the most events the pump asks Generate for at once. It
// yields between batches and checks for Close, so shutdown never waits
// for more than one batch.
const PumpBatch = 64

// pumpInterval is how often the pump wakes; maxBacklog is how far behind
// it may fall before it gives up on the missing events (counted as
// Skipped) instead of bursting to catch up.
const (
	pumpInterval = 20 * time.Millisecond
	maxBacklog   = 500 * time.Millisecond
)

// CheckRate says why a rate is not acceptable: negative, not a number,
// or above MaxRate.
func CheckRate(r float64) error {
	switch {
	case math.IsNaN(r) || r < 0:
		return fmt.Errorf("rate must be a number of events per second, 0 or more, not %g", r)
	case r > MaxRate:
		return fmt.Errorf("rate %g is above the ceiling of %d events per second per stream", r, MaxRate)
	}
	return nil
}

func clampRate(r float64) float64 {
	switch {
	case math.IsNaN(r) || r < 0:
		return 0
	case r > MaxRate:
		return MaxRate
	}
	return r
}

// SetRate sets events per second per stream (0 = none). A rate CheckRate
// refuses is an error and changes nothing.
func (s *Server) SetRate(perSec float64) error {
	if err := CheckRate(perSec); err != nil {
		return err
	}
	s.mu.Lock()
	s.rate = perSec
	s.mu.Unlock()
	s.Logf("control: rate %g/s", perSec)
	return nil
}

// Rate is the rate in force.
func (s *Server) Rate() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rate
}

// Pause stops generated events; Resume restarts them. Events sent or
// injected on request still go out.
func (s *Server) Pause() { s.setPaused(true) }

// Resume restarts generated events after Pause.
func (s *Server) Resume() { s.setPaused(false) }

func (s *Server) setPaused(p bool) {
	s.mu.Lock()
	s.paused = p
	s.mu.Unlock()
	s.Logf("control: paused %v", p)
}

// pump asks the provider for events at the rate in force, in batches of
// at most PumpBatch, yielding between them.
func (s *Server) pump() {
	defer s.bg.Done()
	if s.cfg.Generate == nil {
		return
	}
	t := time.NewTicker(pumpInterval)
	defer t.Stop()
	last := time.Now()
	credit := 0.0
	for {
		select {
		case <-s.stop:
			return
		case now := <-t.C:
			s.stats.ticks.Add(1)
			dt := now.Sub(last).Seconds()
			last = now
			s.mu.Lock()
			rate, paused := s.rate, s.paused
			s.mu.Unlock()
			if paused || rate == 0 {
				credit = 0
				continue
			}
			credit += rate * dt
			if max := rate*maxBacklog.Seconds() + 1; credit > max {
				s.stats.skipped.Add(uint64(credit - max))
				credit = max
			}
			// Work at most one interval per tick: a generator that cannot
			// keep up falls behind (and skips) instead of running on.
			until := time.Now().Add(pumpInterval)
			for credit >= 1 && time.Now().Before(until) {
				n := min(int(credit), PumpBatch)
				credit -= float64(n)
				s.cfg.Generate(n)
				select {
				case <-s.stop:
					return
				default:
				}
				runtime.Gosched()
			}
		}
	}
}
