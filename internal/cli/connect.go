package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/internal/run"
)

// connectCmd is `evtap connect PROVIDER`: one subcommand per provider
// the registry can connect to, each with its own flags beside the ones
// every live session shares.
func (a app) connectCmd() *cobra.Command {
	var lf liveFlags
	cmd := &cobra.Command{
		Use:   "connect PROVIDER",
		Short: "Connect to a real provider account",
		Long:  "Connect to a real provider account and show its events.\n\n" + a.providerList(providers.Connectable),
		// A provider that is not a subcommand lands here.
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("want a provider (%s), got 0 argument(s)", a.known(providers.Connectable))
			}
			return usagef("unknown provider %q (known: %s)", args[0], a.known(providers.Connectable))
		},
	}
	cmd.SetUsageTemplate(providerUsage)
	lf.register(cmd.PersistentFlags())
	for _, e := range a.reg.All() {
		if e.Connect != nil {
			cmd.AddCommand(a.connectProviderCmd(e, &lf))
		}
	}
	return cmd
}

func (a app) connectProviderCmd(e *providers.Entry, lf *liveFlags) *cobra.Command {
	c := e.Connect
	args := noArgs
	if c.NArgs > 0 {
		args = exactArgs(c.NArgs, c.Args)
	}
	sub := &cobra.Command{
		Use:   strings.TrimSpace(e.Name + " " + c.Args),
		Short: e.Summary,
		Long:  c.Long,
		Args:  args,
	}
	sub.SetUsageTemplate(defaultUsage)
	dial := c.Flags(sub.Flags())
	sub.RunE = func(cmd *cobra.Command, args []string) error {
		if err := lf.validate(); err != nil {
			return err
		}
		stop, err := lf.debug.serve()
		if err != nil {
			return err
		}
		defer stop()
		s, err := e.Live(dial, args, lf.options())
		if err != nil {
			return err
		}
		return run.Live(cmd.Context(), lf.live(a.stdin), s, a.stdout, a.stderr)
	}
	return sub
}
