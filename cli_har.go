package main

import (
	"io"

	"github.com/spf13/cobra"
)

func newExportCmd(stdout io.Writer) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export FILE --har OUT.har",
		Short: "Write a recording as a HAR file in Chrome DevTools' WebSocket format",
		Args:  exactArgs(1, "one recording file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("--har OUT.har is required")
			}
			return runExport(args[0], out, stdout)
		},
	}
	cmd.Flags().StringVar(&out, "har", "", "HAR `FILE` to write ('-' for stdout)")
	return cmd
}

func newImportCmd(stderr io.Writer) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "import IN.har --out FILE",
		Short: "Turn a Chrome DevTools HAR capture of a WebSocket into a recording",
		Args:  exactArgs(1, "one HAR file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("--out FILE is required")
			}
			return runImport(args[0], out, stderr)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "recording `FILE` to write")
	return cmd
}
