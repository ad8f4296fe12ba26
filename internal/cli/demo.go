package cli

import (
	"io"

	"github.com/spf13/cobra"
)

func newDemoCmd(stdout, stderr io.Writer) *cobra.Command {
	var lf liveFlags
	var df demoFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Start the RingCentral emulator on loopback and connect to it (the default)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), lf, df, stdout, stderr)
		},
	}
	lf.register(cmd)
	df.register(cmd)
	return cmd
}
