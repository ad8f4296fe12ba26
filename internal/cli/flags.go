package cli

import (
	"io"
	"strings"

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
	debug      debugFlag
}

func (f *liveFlags) register(fs *pflag.FlagSet, filterUsage string) {
	fs.BoolVar(&f.Headless, "headless", false, "no TUI: print one JSON object per Update on stdout (also when stdin or stdout is not a terminal)")
	fs.IntVar(&f.Count, "count", 0, "end the run cleanly after N events (0: no limit)")
	fs.DurationVar(&f.Duration, "duration", 0, "end the run cleanly after this long, e.g. 30s (0: no limit)")
	fs.IntVar(&f.maxRetries, "max-retries", 0, "give up (exit 4) after N consecutive failed connection attempts (0: keep retrying)")
	fs.StringVar(&f.Record, "record", "", "record the session to `FILE` (.gz to compress)")
	fs.BoolVar(&f.Force, "force", false, "let --record replace an existing file")
	fs.BoolVar(&f.NoRedact, "no-redact", false, "keep tokens and keys in recordings and headless output (they are replaced by placeholders by default)")
	fs.StringVar(&f.JQ, "jq", "", "headless: run this jq `EXPR` on each line and print what it yields, e.g. 'select(.kind==\"event\")' or 'select(.kind==\"event\") | .event.body'")
	f.registerFilter(fs, filterUsage)
	f.ui.register(fs)
	f.debug.register(fs)
}

// registerFilter registers --filter with usage, which states the
// default of the provider (or providers) the command runs.
func (f *liveFlags) registerFilter(fs *pflag.FlagSet, usage string) {
	fs.StringArrayVar(&f.filters, "filter", nil, usage)
}

// maxFilter is the longest filter --filter takes: every provider's
// filters and topics are short paths or names, and a longer one is a
// mistake (a pasted file), never something to send.
const maxFilter = 2048

// checkFilters checks --filter by e's own rules, before anything
// connects: a provider without filters takes none, an empty or huge one
// is refused, and each goes through the validator the filter editor
// uses (ui.FilterSpec.Validate).
func checkFilters(e *providers.Entry, filters []string) error {
	if len(filters) == 0 {
		return nil
	}
	spec := e.UI.Filters
	if spec == nil {
		return usagef("--filter: %s takes no filters", e.Name)
	}
	for _, flt := range filters {
		switch {
		case strings.TrimSpace(flt) == "":
			return usagef("--filter: empty; name a filter (%s), or leave --filter out for %s's default", spec.Help, e.Name)
		case len(flt) > maxFilter:
			return usagef("--filter: %d bytes long; a filter is at most %d", len(flt), maxFilter)
		}
		if spec.Validate != nil {
			if err := spec.Validate(flt); err != nil {
				return usagef("--filter: %v", err)
			}
		}
	}
	return nil
}

// filterUsage is --filter's help for the providers es: what it takes and
// each one's default.
func filterUsage(es ...*providers.Entry) string {
	var defaults []string
	for _, e := range es {
		if e.UI.Filters == nil {
			continue
		}
		d := "its own"
		if e.UI.Filters.DefaultText != "" {
			d = e.UI.Filters.DefaultText
		}
		if def := e.UI.Filters.Default; len(def) > 0 {
			short := make([]string, len(def))
			for i, flt := range def {
				short[i] = flt
				if e.UI.ShortFilter != nil {
					short[i] = e.UI.ShortFilter(flt)
				}
			}
			d = strings.Join(short, ", ")
		}
		if len(es) > 1 {
			d = e.Name + ": " + d
		}
		defaults = append(defaults, d)
	}
	u := "subscribe to this `FILTER` (or topic), as the provider spells it; repeat for several"
	if len(defaults) > 0 {
		u += " (default: " + strings.Join(defaults, "; ") + ")"
	}
	return u
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
