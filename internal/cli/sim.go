package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/internal/run"
)

// simCmd is `evtap sim PROVIDER`: one subcommand per emulator in the
// registry, each with its own flags.
func (a app) simCmd() *cobra.Command {
	var listen string
	cmd := &cobra.Command{
		Use:   "sim PROVIDER",
		Short: "Run a provider emulator on loopback, for evtap or for your own client's tests",
		Long:  "Run a faithful emulator of a provider's event API on loopback; the banner\nsays where everything is.\n\n" + a.providerList(providers.Emulated),
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("want a provider (%s), got 0 argument(s)", a.known(providers.Emulated))
			}
			return usagef("unknown provider %q (known: %s)", args[0], a.known(providers.Emulated))
		},
	}
	cmd.SetUsageTemplate(providerUsage)
	cmd.PersistentFlags().StringVar(&listen, "listen", "127.0.0.1:0", "`ADDR` to listen on (port 0 picks a free one)")
	for _, e := range a.reg.All() {
		if e.Emulator == nil {
			continue
		}
		sub := &cobra.Command{
			Use:   e.Name,
			Short: e.Summary,
			Long:  e.Emulator.Long,
			Args:  noArgs,
		}
		sub.SetUsageTemplate(defaultUsage)
		build := e.Emulator.Flags(sub.Flags())
		sub.RunE = func(cmd *cobra.Command, _ []string) error {
			sim, err := build(a.stderr)
			if err != nil {
				return err
			}
			if a.dry {
				return sim.Close()
			}
			return serveSim(cmd.Context(), sim, listen, a.stdout)
		}
		cmd.AddCommand(sub)
	}
	return cmd
}

// serveSim starts sim on listen, prints its banner to out and runs until
// ctx ends.
func serveSim(ctx context.Context, sim providers.Sim, listen string, out io.Writer) error {
	if _, err := sim.Start(listen); err != nil {
		sim.Close()
		return run.ListenError("--listen", listen, err)
	}
	if _, err := io.WriteString(out, sim.Banner()); err != nil {
		sim.Close()
		return err
	}
	<-ctx.Done()
	return sim.Close()
}
