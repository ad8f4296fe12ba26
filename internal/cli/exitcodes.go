package cli

import (
	"errors"
	"syscall"

	"github.com/evtap/evtap/internal/run"
)

// Exit codes are part of evtap's interface: scripts depend on them, so they
// never change meaning. The README lists them.
const (
	ExitOK        = 0 // the run ended cleanly (count, duration, signal, user quit, a reader that closed the pipe)
	ExitFailure   = 1 // something unexpected went wrong
	ExitUsage     = 2 // bad command line, flag or input file, or an address to listen on that cannot be used
	ExitRejected  = 3 // the server refused us: bad credentials, handshake refused
	ExitGaveUp    = 4 // could not connect after --max-retries consecutive failures
	ExitRecording = 5 // the recording could not be written to the end (a full disk); the session went on
)

// usagef makes a usage error (exit 2, with a pointer to --help).
func usagef(format string, a ...any) error { return run.Usagef(format, a...) }

// ExitCode is the exit code err stands for.
func ExitCode(err error) int {
	var ue run.UsageError
	var ie run.InputError
	switch {
	case err == nil, readerGone(err):
		return ExitOK
	case errors.As(err, &ue), errors.As(err, &ie):
		return ExitUsage
	case run.Rejected(err):
		return ExitRejected
	case run.GaveUp(err):
		return ExitGaveUp
	case run.RecordingFailed(err):
		return ExitRecording
	}
	return ExitFailure
}

// readerGone reports that whoever read stdout closed it (`evtap … |
// head -3`): the run ended because nobody wants more, which is no
// failure, and says nothing (as cat and grep say nothing).
func readerGone(err error) bool { return errors.Is(err, syscall.EPIPE) }
