package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// version is set by the linker for release builds.
var version = "dev"

// run executes one evtap command line and returns its exit code.
func run(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runWith(ctx, args, os.Stdout, os.Stderr)
}

// runWith is run with its context and output made explicit, for tests.
func runWith(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "evtap:", err)
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(stderr, "Run 'evtap --help' for usage.")
		}
	}
	return exitCode(err)
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
		Version:       version,
		Args:          noArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), lf, df, stdout, stderr)
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
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
