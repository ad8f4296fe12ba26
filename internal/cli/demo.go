package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/internal/run"
)

func (a app) demoCmd() *cobra.Command {
	var lf liveFlags
	var df demoFlags
	cmd := &cobra.Command{
		Use:   "demo [PROVIDER]",
		Short: "Start a provider's emulator on loopback and connect to it (the default)",
		Long: `Start a provider's emulator in-process on loopback and open the TUI (or
headless output) connected to it: everything evtap does, with no account and
no network. Faults only a server can cause (forget a session, refuse a
token, delay frames) are offered beside the session's own.

` + a.defaultDemoHelp() + "\n\n" + a.providerList(providers.Emulated),
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("want at most one provider, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			e := a.reg.Default()
			if len(args) == 1 {
				var ok bool
				if e, ok = a.reg.Lookup(args[0]); !ok || e.Emulator == nil {
					return usagef("unknown provider %q (known: %s)", args[0], a.known(providers.Emulated))
				}
			}
			return a.demo(cmd.Context(), e, lf, df)
		},
	}
	lf.register(cmd.Flags(), filterUsage(a.emulated()...))
	df.register(cmd.Flags())
	return cmd
}

// defaultDemoHelp says what `evtap` alone does.
func (a app) defaultDemoHelp() string {
	if e := a.reg.Default(); e != nil {
		return fmt.Sprintf("With no command, evtap starts its %s emulator on loopback and opens\nthe TUI connected to it (the same as 'evtap demo %s').", e.Title, e.Name)
	}
	return "With no command, evtap has no emulator to start: name a command."
}

// demo runs e's emulator and a session connected to it.
func (a app) demo(ctx context.Context, e *providers.Entry, lf liveFlags, df demoFlags) error {
	if e == nil || e.Emulator == nil {
		return usagef("no emulator to start (known: %s)", a.known(providers.Emulated))
	}
	if err := lf.validate(); err != nil {
		return err
	}
	if err := checkFilters(e, lf.filters); err != nil {
		return err
	}
	if err := lf.debug.check(); err != nil {
		return err
	}
	s, err := e.Demo(df.DemoOptions, lf.options())
	if err != nil {
		return err
	}
	if a.dry {
		return s.Close()
	}
	stop, err := lf.debug.serve()
	if err != nil {
		s.Close()
		return err
	}
	defer stop()
	return run.Live(ctx, lf.live(a.stdin), s, a.stdout, a.stderr)
}
