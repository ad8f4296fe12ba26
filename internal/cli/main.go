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
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/internal/run"
)

// Version is set by the linker for release builds
// (-X github.com/evtap/evtap/internal/cli.Version=…).
var Version = "dev"

// Main executes one evtap command line with the providers evtap ships
// and returns its exit code.
func Main(args []string) int {
	ctx, stop := notifyEnd(context.Background())
	defer stop()
	return Run(ctx, providers.Builtin(), args, os.Stdin, os.Stdout, os.Stderr)
}

// endSignals end a run cleanly: the session stops, the recording is
// closed, the terminal restored. SIGHUP is the terminal going away (or
// `kill -HUP`), and must not leave a torn recording behind; SIGQUIT
// (ctrl+\) too, and a second one still dumps the goroutines, as Go does.
var endSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// notifyEnd returns a context that ends at the first of endSignals. A
// second one ends the process at once (the default action comes back),
// so a shutdown that hangs can always be interrupted.
//
// SIGPIPE is taken too: a write to a closed pipe (`evtap … | head -3`)
// then fails with EPIPE instead of killing evtap on the spot, so the
// headless run ends as if stdout had said "enough" and the recording is
// closed whole.
func notifyEnd(parent context.Context) (context.Context, context.CancelFunc) {
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(parent, endSignals...)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}

// Run is Main with its context, registry, input and output made
// explicit, for tests.
func Run(ctx context.Context, reg *providers.Registry, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return app{reg: reg, stdin: stdin, stdout: stdout, stderr: stderr}.run(ctx, args)
}

// run executes one command line and returns its exit code.
func (a app) run(ctx context.Context, args []string) int {
	stderr := a.stderr
	root := a.rootCmd()
	root.SetArgs(a.route(args))
	err := root.ExecuteContext(ctx)
	if err != nil && !readerGone(err) && !run.AlreadySaid(err) {
		fmt.Fprintln(stderr, "evtap:", err)
		var ue run.UsageError
		if errors.As(err, &ue) {
			fmt.Fprintln(stderr, "Run 'evtap --help' for usage.")
		}
	}
	return ExitCode(err)
}

// app is one evtap invocation: the providers it knows and where it
// reads and writes.
type app struct {
	reg            *providers.Registry
	stdin          io.Reader
	stdout, stderr io.Writer
	// dry stops every command once its command line is parsed and
	// checked, before it connects, listens, plays or writes anything:
	// the argument handling alone, for fuzzing.
	dry bool
}

func (a app) rootCmd() *cobra.Command {
	var lf liveFlags
	var df demoFlags
	root := &cobra.Command{
		Use:   "evtap",
		Short: "A terminal debugger for live event streams",
		Long: `evtap shows a live event-push connection as it happens: connection state,
the recovery token, the subscriptions and every event, with filters you edit
live, forced disconnects to watch recovery work, and recordings you replay.

` + a.defaultDemoHelp(),
		Version:       Version,
		Args:          noArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.demo(cmd.Context(), a.reg.Default(), lf, df)
		},
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return run.UsageError{Err: err} })
	lf.register(root.Flags(), filterUsage(a.emulated()...))
	df.register(root.Flags())

	root.AddCommand(a.demoCmd(), a.connectCmd(), a.simCmd(), a.replayCmd(), a.exportCmd(), a.importCmd())
	silence(root)
	return root
}

// silence leaves error reporting to Run, for every command below c.
func silence(c *cobra.Command) {
	for _, sub := range c.Commands() {
		sub.SilenceUsage = true
		sub.SilenceErrors = true
		silence(sub)
	}
}

// route lets an argument name its provider by itself: `evtap connect
// ws://host/path` is `evtap connect raw ws://host/path` when the raw
// provider claims ws:// URLs. Only `connect` is routed, and only when no
// provider is named.
func (a app) route(args []string) []string {
	if len(args) == 0 || args[0] != "connect" {
		return args
	}
	var claimed *providers.Entry
	for _, arg := range args[1:] {
		if e, ok := a.reg.Lookup(arg); ok && e.Connect != nil {
			return args
		}
		if claimed == nil {
			claimed = a.reg.Claim(arg)
		}
	}
	if claimed == nil {
		return args
	}
	return append([]string{"connect", claimed.Name}, args[1:]...)
}

// emulated are the providers the demo can run.
func (a app) emulated() []*providers.Entry {
	var out []*providers.Entry
	for _, e := range a.reg.All() {
		if providers.Emulated(e) {
			out = append(out, e)
		}
	}
	return out
}

// known lists the providers for which has is true, for messages.
func (a app) known(has func(*providers.Entry) bool) string {
	names := a.reg.Names(has)
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// providerList is the "Providers:" block of a command's help.
func (a app) providerList(has func(*providers.Entry) bool) string {
	var b strings.Builder
	b.WriteString("Providers:\n")
	width := 0
	for _, e := range a.reg.All() {
		if has(e) {
			width = max(width, len(e.Name))
		}
	}
	for _, e := range a.reg.All() {
		if has(e) {
			fmt.Fprintf(&b, "  %-*s  %s\n", width, e.Name, e.Summary)
		}
	}
	return strings.TrimRight(b.String(), "\n")
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

// providerUsage is the usage of a command whose subcommands are the
// providers (connect, sim): its help lists them once, under Providers,
// not again as commands. The providers' own commands keep cobra's
// usage (defaultUsage), with their flags and the shared ones.
const providerUsage = `Usage:
  {{.UseLine}}

Flags:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}

Use "{{.CommandPath}} PROVIDER --help" for a provider's own flags.
`

var defaultUsage = (&cobra.Command{}).UsageTemplate()
