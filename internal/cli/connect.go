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
				return usagef("want a provider (%s)%s, got 0 argument(s)", a.known(providers.Connectable), a.claimable())
			}
			if rest, ok := strings.CutPrefix(args[0], "http"); ok && (strings.HasPrefix(rest, "://") || strings.HasPrefix(rest, "s://")) {
				return usagef("%q is an HTTP URL: a WebSocket URL starts ws:// or wss:// (evtap connect ws%s)", args[0], rest)
			}
			return usagef("unknown provider %q (known: %s)", args[0], a.known(providers.Connectable))
		},
	}
	cmd.SetUsageTemplate(providerUsage)
	lf.register(cmd.PersistentFlags(), "subscribe to this `FILTER` (or topic), as the provider spells it; repeat for several (default: the provider's own; see evtap connect PROVIDER --help)")
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
	// The provider's own --filter shadows the shared one (both fill the
	// same list), so its help states this provider's default, and a
	// provider with no filters does not offer it.
	lf.registerFilter(sub.Flags(), filterUsage(e))
	if e.UI.Filters == nil {
		sub.Flags().MarkHidden("filter")
	}
	dial := c.Flags(sub.Flags())
	sub.RunE = func(cmd *cobra.Command, args []string) error {
		if err := lf.validate(); err != nil {
			return err
		}
		if err := checkFilters(e, lf.filters); err != nil {
			return err
		}
		if err := lf.debug.check(); err != nil {
			return err
		}
		s, err := e.Live(dial, args, lf.options())
		if err != nil {
			return err
		}
		if a.dry {
			if s.Close != nil {
				return s.Close()
			}
			return nil
		}
		stop, err := lf.debug.serve()
		if err != nil {
			return err
		}
		defer stop()
		return run.Live(cmd.Context(), lf.live(a.stdin), s, a.stdout, a.stderr)
	}
	return sub
}

// claimable says which arguments name their provider by themselves,
// for the message of a bare `evtap connect`: " or a ws:// or wss://
// URL" when the raw provider is there.
func (a app) claimable() string {
	for _, e := range a.reg.All() {
		if e.Connect != nil && e.Connect.Claims != nil && e.Connect.Claims("ws://host/") {
			return " or a ws:// or wss:// URL"
		}
	}
	return ""
}
