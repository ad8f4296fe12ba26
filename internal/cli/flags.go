package cli

import (
	"io"

	"github.com/spf13/pflag"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/internal/run"
)

// liveFlags are the flags of every command that shows a live session
// (the demo and connect).
type liveFlags struct {
	run.LiveOptions
	maxRetries int
	filters    []string
	ui         uiFlags
}

func (f *liveFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&f.Headless, "headless", false, "no TUI: print one JSON object per Update on stdout (also when stdin or stdout is not a terminal)")
	fs.IntVar(&f.Count, "count", 0, "end the run cleanly after N events (0: no limit)")
	fs.DurationVar(&f.Duration, "duration", 0, "end the run cleanly after this long, e.g. 30s (0: no limit)")
	fs.IntVar(&f.maxRetries, "max-retries", 0, "give up (exit 4) after N consecutive failed connection attempts (0: keep retrying)")
	fs.StringVar(&f.Record, "record", "", "record the session to `FILE` (.gz to compress)")
	fs.BoolVar(&f.Force, "force", false, "let --record replace an existing file")
	fs.BoolVar(&f.NoRedact, "no-redact", false, "keep tokens and keys in recordings and headless output (they are replaced by placeholders by default)")
	fs.StringVar(&f.JQ, "jq", "", "headless: run this jq `EXPR` on each line and print what it yields, e.g. 'select(.kind==\"event\")' or 'select(.kind==\"event\") | .event.body'")
	fs.StringArrayVar(&f.filters, "filter", nil, "subscribe to this `FILTER` (or topic), as the provider spells it; repeat for several (default: the provider's own)")
	f.ui.register(fs)
}

func (f *liveFlags) validate() error {
	if f.Count < 0 {
		return usagef("--count must be 0 or more, got %d", f.Count)
	}
	if f.Duration < 0 {
		return usagef("--duration must be 0 or more, got %s", f.Duration)
	}
	if f.maxRetries < 0 {
		return usagef("--max-retries must be 0 or more, got %d", f.maxRetries)
	}
	if err := f.ui.validate(); err != nil {
		return err
	}
	f.TUI, f.Version = f.ui.TUIOptions, Version
	return nil
}

// live is the options of a live run that reads stdin from in.
func (f *liveFlags) live(in io.Reader) run.LiveOptions {
	o := f.LiveOptions
	o.Stdin = in
	return o
}

// options are the shared options of the session the flags ask for.
func (f *liveFlags) options() providers.Options {
	return providers.Options{Filters: f.filters, MaxRetries: f.maxRetries}
}

// uiFlags shape the TUI.
type uiFlags struct{ run.TUIOptions }

func (f *uiFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.Theme, "theme", "", "colour theme: dark, light, high-contrast or mono (default: follow the terminal; NO_COLOR means mono)")
	fs.IntVar(&f.Keep, "keep", 100000, "keep the last N events in the TUI, evicting the oldest")
}

func (f *uiFlags) validate() error {
	switch f.Theme {
	case "", "dark", "light", "high-contrast", "mono":
	default:
		return usagef("--theme must be dark, light, high-contrast or mono, got %q", f.Theme)
	}
	if f.Keep < 1 {
		return usagef("--keep must be at least 1, got %d", f.Keep)
	}
	return nil
}

// demoFlags tune the emulator the demo starts.
type demoFlags struct{ providers.DemoOptions }

func (f *demoFlags) register(fs *pflag.FlagSet) {
	fs.Float64Var(&f.Rate, "rate", 2, "events per second the emulator generates")
	fs.Int64Var(&f.Seed, "seed", 0, "seed for the emulator's generated events (0: random)")
}
