package main

import (
	"fmt"
	"time"
)

// Config is one soak: how long, how hard, and what counts as flat.
type Config struct {
	Duration    time.Duration // the chaos phase; catching up and checking come after
	Rate        float64       // notifications per second the emulator makes
	Seed        int64         // the emulator's seed, so a failing run can be repeated
	Buffer      int           // the emulator's recovery buffer (notifications)
	DropEvery   time.Duration // cut evtap's connection this often
	ForgetEvery time.Duration // make the emulator forget the session this often (half a drop period after a drop)
	SampleEvery time.Duration // read evtap's RSS and goroutines this often

	PauseEvery int           // stdout lines between two pauses of the slow reader
	Pause      time.Duration // how long the reader pauses

	// Flatness: least-squares slopes over the samples after WarmUp.
	MaxRSSSlope       float64       // MB per minute
	MaxHeapSlope      float64       // MB per minute, of the live heap after a GC
	MaxGoroutineSlope float64       // goroutines per minute
	WarmUp            time.Duration // samples before this are shown but not judged

	CatchUp time.Duration // how long evtap may take to show the last notification once the emulator stops making them
	Evtap   string        // a built evtap to run; "" builds one into a temporary directory
	Keep    bool          // keep the temporary directory (recording, stderr)
}

// DefaultConfig is the soak of issue 13: 30 minutes at 1k events/s, a
// drop every 10 s, a forgotten session every 60 s, a slow reader.
//
// The buffer is 300 rather than RingCentral's 100: evtap's first backoff
// step is a draw in [0, 500 ms], so about half the drops come back while
// the buffer still holds everything missed (nothing may be lost) and
// half after it overflowed (the gap must count exactly what was lost);
// the soak checks both.
func DefaultConfig() Config {
	return Config{
		Duration:    30 * time.Minute,
		Rate:        1000,
		Seed:        1,
		Buffer:      300,
		DropEvery:   10 * time.Second,
		ForgetEvery: 60 * time.Second,
		SampleEvery: 5 * time.Second,
		PauseEvery:  4000,
		Pause:       300 * time.Millisecond,

		MaxRSSSlope:       1,
		MaxHeapSlope:      0.5,
		MaxGoroutineSlope: 1,
		WarmUp:            2 * time.Minute,
		CatchUp:           60 * time.Second,
	}
}

// ShortConfig is the soak CI runs (go test ./soak): the same chaos,
// compressed into 15 seconds. Every check is as strict as in the long
// run except flatness: in 15 seconds evtap's heap is still growing to
// its working size (about 20 MB a minute over the first 15 s), so the
// RSS limit only catches a leak of more than about 1 KB an event (issue
// 13 saw 0.5 KB); the 30-minute run is what shows memory flat.
func ShortConfig() Config {
	c := DefaultConfig()
	c.Duration = 15 * time.Second
	c.DropEvery = 2 * time.Second
	c.ForgetEvery = 6 * time.Second
	c.SampleEvery = time.Second
	c.WarmUp = 5 * time.Second
	c.MaxRSSSlope = 60
	c.MaxHeapSlope = 30
	c.MaxGoroutineSlope = 30
	c.CatchUp = 30 * time.Second
	return c
}

func (c Config) validate() error {
	switch {
	case c.Duration <= 0:
		return fmt.Errorf("-duration must be positive, got %s", c.Duration)
	case c.Duration > 24*time.Hour:
		return fmt.Errorf("-duration is at most 24h (a soak stops by itself), got %s", c.Duration)
	case c.Rate <= 0 || c.Rate > 20000:
		return fmt.Errorf("-rate must be above 0 and at most 20000 events/s, got %g", c.Rate)
	case c.Buffer < 1:
		return fmt.Errorf("-buffer must be at least 1, got %d", c.Buffer)
	case c.DropEvery <= 0 || c.ForgetEvery <= 0 || c.SampleEvery <= 0:
		return fmt.Errorf("-drop-every, -forget-every and -sample-every must be positive")
	case c.PauseEvery < 1 || c.Pause < 0:
		return fmt.Errorf("-pause-every must be at least 1 and -pause 0 or more")
	}
	return nil
}
