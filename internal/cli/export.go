package cli

import (
	"github.com/spf13/cobra"

	"github.com/evtap/evtap/internal/run"
)

func (a app) exportCmd() *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "export FILE --har OUT.har",
		Short: "Write a recording as a HAR file in Chrome DevTools' WebSocket format",
		Args:  exactArgs(1, "one recording file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("--har OUT.har is required")
			}
			if a.dry {
				return nil
			}
			return run.Export(args[0], out, Version, force, a.stdout, a.stderr)
		},
	}
	cmd.Flags().StringVar(&out, "har", "", "HAR `FILE` to write ('-' for stdout)")
	cmd.Flags().BoolVar(&force, "force", false, "replace the HAR file if it exists")
	return cmd
}
