package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/evtap/evtap/sim/emu"
)

// liveFlags are the flags of every command that shows a live session
// (the demo and connect).
type liveFlags struct {
	headless   bool
	count      int
	duration   time.Duration
	maxRetries int
	record     string
	noRedact   bool
	jq         string
	filters    []string
	ui         uiFlags
}

func (f *liveFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVar(&f.headless, "headless", false, "no TUI: print one JSON object per Update on stdout (also when stdin or stdout is not a terminal)")
	fs.IntVar(&f.count, "count", 0, "end the run cleanly after N events (0: no limit)")
	fs.DurationVar(&f.duration, "duration", 0, "end the run cleanly after this long, e.g. 30s (0: no limit)")
	fs.IntVar(&f.maxRetries, "max-retries", 0, "give up (exit 4) after N consecutive failed connection attempts (0: keep retrying)")
	fs.StringVar(&f.record, "record", "", "record the session to `FILE` (.gz to compress)")
	fs.BoolVar(&f.noRedact, "no-redact", false, "keep tokens and keys in recordings and headless output (they are replaced by placeholders by default)")
	fs.StringVar(&f.jq, "jq", "", "headless: print only Updates for which this jq `EXPR` is true, e.g. 'select(.kind==\"event\")'")
	fs.StringArrayVar(&f.filters, "filter", nil, "RingCentral event `FILTER` to subscribe to (repeat for several; default: SMS and voicemail)")
	f.ui.register(cmd)
}

func (f *liveFlags) validate() error {
	if f.count < 0 {
		return usagef("--count must be 0 or more, got %d", f.count)
	}
	if f.duration < 0 {
		return usagef("--duration must be 0 or more, got %s", f.duration)
	}
	if f.maxRetries < 0 {
		return usagef("--max-retries must be 0 or more, got %d", f.maxRetries)
	}
	return f.ui.validate()
}

// uiFlags shape the TUI.
type uiFlags struct {
	theme string
	keep  int
}

func (f *uiFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.theme, "theme", "", "colour theme: dark, light, high-contrast or mono (default: follow the terminal; NO_COLOR means mono)")
	fs.IntVar(&f.keep, "keep", 100000, "keep the last N events in the TUI, evicting the oldest")
}

func (f *uiFlags) validate() error {
	switch f.theme {
	case "", "dark", "light", "high-contrast", "mono":
	default:
		return usagef("--theme must be dark, light, high-contrast or mono, got %q", f.theme)
	}
	if f.keep < 1 {
		return usagef("--keep must be at least 1, got %d", f.keep)
	}
	return nil
}

// demoFlags tune the emulator the demo starts.
type demoFlags struct {
	rate float64
	seed int64
}

func (f *demoFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.Float64Var(&f.rate, "rate", 2, fmt.Sprintf("events per second the emulator generates (at most %d)", emu.MaxRate))
	fs.Int64Var(&f.seed, "seed", 0, "seed for the emulator's generated events (0: random)")
}

func (f *demoFlags) validate() error { return checkRate(f.rate) }

// checkRate is the usage error for an emulator rate below 0 or above the
// core's ceiling (sim/emu.MaxRate).
func checkRate(r float64) error {
	if r < 0 {
		return usagef("--rate must be 0 or more, got %g", r)
	}
	if err := emu.CheckRate(r); err != nil {
		return usagef("--rate: %v", err)
	}
	return nil
}
