package cli

import (
	"io"

	"github.com/spf13/cobra"
)

func newConnectCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "connect PROVIDER",
		Short: "Connect to a real provider account",
		Long: `Connect to a real provider account and show its events.

Providers: ringcentral (WebSocket subscriptions with wsc session recovery).`,
		Args: exactArgs(1, "a provider (ringcentral)"),
	}
	var lf liveFlags
	var creds ringCentralCreds
	lf.register(cmd)
	creds.register(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if args[0] != "ringcentral" {
			return usagef("unknown provider %q (known: ringcentral)", args[0])
		}
		if err := creds.resolve(); err != nil {
			return err
		}
		return runConnectRingCentral(cmd.Context(), lf, creds, stdout, stderr)
	}
	return cmd
}
