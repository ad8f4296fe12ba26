package cli

import (
	"errors"

	"github.com/evtap/evtap/internal/run"
)

// Exit codes are part of evtap's interface: scripts depend on them, so they
// never change meaning. The README lists them.
const (
	ExitOK       = 0 // the run ended cleanly (count, duration, signal, user quit)
	ExitFailure  = 1 // something unexpected went wrong
	ExitUsage    = 2 // bad command line, flag or input file
	ExitRejected = 3 // the server refused us: bad credentials, handshake refused
	ExitGaveUp   = 4 // could not connect after --max-retries consecutive failures
)

// usagef makes a usage error (exit 2, with a pointer to --help).
func usagef(format string, a ...any) error { return run.Usagef(format, a...) }

// ExitCode is the exit code err stands for.
func ExitCode(err error) int {
	var ue run.UsageError
	var ie run.InputError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ue), errors.As(err, &ie):
		return ExitUsage
	case run.Rejected(err):
		return ExitRejected
	case run.GaveUp(err):
		return ExitGaveUp
	}
	return ExitFailure
}
