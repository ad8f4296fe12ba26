package cli

import (
	"github.com/spf13/cobra"

	"github.com/evtap/evtap/internal/run"
)

func (a app) importCmd() *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "import IN.har --out FILE",
		Short: "Turn a Chrome DevTools HAR capture of a WebSocket into a recording",
		Args:  exactArgs(1, "one HAR file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("--out FILE is required")
			}
			if a.dry {
				return nil
			}
			return run.Import(args[0], out, Version, run.ImportOptions{ImportOptions: a.reg.HAR(), Redact: a.reg.Redact, Force: force}, a.stderr)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "recording `FILE` to write")
	cmd.Flags().BoolVar(&force, "force", false, "replace the recording if it exists")
	return cmd
}
