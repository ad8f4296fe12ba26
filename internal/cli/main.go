// Package cli is evtap's command layer: one file per command, the flags
// they share and the exit codes. It parses and validates; what a command
// runs lives in internal/run, and everything about a provider comes from
// the registry in internal/providers.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/evtap/evtap/internal/run"
)

// Version is set by the linker for release builds
// (-X github.com/evtap/evtap/internal/cli.Version=…).
var Version = "dev"

// Main executes one evtap command line and returns its exit code.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, args, os.Stdout, os.Stderr)
}

// Run is Main with its context and output made explicit, for tests.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "evtap:", err)
		var ue run.UsageError
		if errors.As(err, &ue) {
			fmt.Fprintln(stderr, "Run 'evtap --help' for usage.")
		}
	}
	return ExitCode(err)
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	var lf liveFlags
	var df demoFlags
	root := &cobra.Command{
		Use:   "evtap",
		Short: "A terminal debugger for live event streams",
		Long: `evtap shows a live event-push connection as it happens: connection state,
the recovery token, the subscriptions and every event, with filters you edit
live, forced disconnects to watch recovery work, and recordings you replay.

With no command, evtap starts its RingCentral emulator on loopback and opens
the TUI connected to it (the same as 'evtap demo').`,
		Version:       Version,
		Args:          noArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), lf, df, stdout, stderr)
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return run.UsageError{Err: err} })
	lf.register(root)
	df.register(root)

	root.AddCommand(
		newDemoCmd(stdout, stderr),
		newConnectCmd(stdout, stderr),
		newSimCmd(stdout, stderr),
		newReplayCmd(stdout, stderr),
		newExportCmd(stdout),
		newImportCmd(stderr),
	)
	for _, c := range root.Commands() {
		c.SilenceUsage = true
		c.SilenceErrors = true
	}
	return root
}

// noArgs refuses positional arguments as a usage error, naming them.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	return nil
}

// exactArgs wants n positional arguments, described by what.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("want %s, got %d argument(s)", what, len(args))
		}
		return nil
	}
}
