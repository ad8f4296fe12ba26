package run

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"syscall"

	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/session"
)

// UsageError marks a mistake in how evtap was invoked: a flag, an
// argument. The command layer exits 2 and points at --help.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// Usagef makes a UsageError.
func Usagef(format string, a ...any) error { return UsageError{fmt.Errorf(format, a...)} }

// InputError is a file evtap was given that it cannot read: exit 2, like
// a usage mistake, but with no advice about flags.
type InputError struct{ Err error }

func (e InputError) Error() string { return e.Err.Error() }
func (e InputError) Unwrap() error { return e.Err }

// forceHint says how to replace a file evtap refused to write over.
func forceHint(err error) error {
	switch {
	case errors.Is(err, record.ErrOwnInput):
		return UsageError{err}
	case errors.Is(err, fs.ErrExist):
		return UsageError{fmt.Errorf("%w (--force replaces it)", err)}
	}
	return err
}

// Rejected reports whether err says the server refused us (bad
// credentials, a refused handshake): no retry can help.
func Rejected(err error) bool {
	var rej *session.RejectedError
	return errors.As(err, &rej)
}

// GaveUp reports whether err says the session stopped after
// --max-retries consecutive failed attempts.
func GaveUp(err error) bool { return errors.Is(err, session.ErrGaveUp) }

// saidError is an error the user was already told of, as it happened:
// the command layer exits as it says without saying it again.
type saidError struct{ error }

func (e saidError) Unwrap() error { return e.error }

// AlreadySaid reports whether err was said on stderr as it happened.
func AlreadySaid(err error) bool {
	var s saidError
	return errors.As(err, &s)
}

// RecordingError says a recording could not be written to the end (a
// full disk, a file that may not be written): the session itself went
// on, and what was written before the failure is intact.
type RecordingError struct {
	Path string
	Err  error
}

func (e *RecordingError) Error() string {
	return "recording to " + e.Path + " failed: " + e.Err.Error()
}

func (e *RecordingError) Unwrap() error { return e.Err }

// RecordingFailed reports whether err says a recording failed.
func RecordingFailed(err error) bool {
	var re *RecordingError
	return errors.As(err, &re)
}

// ListenError makes a failure to listen on addr, given by flag, a usage
// error naming the flag: the fix is on the command line (another port,
// or port 0 for a free one), so `evtap sim --listen` and `evtap replay
// --serve` exit alike (2). Other errors are returned as they are.
func ListenError(flag, addr string, err error) error {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "listen" {
		return err
	}
	hint := ""
	if errors.Is(err, syscall.EADDRINUSE) {
		hint = " (another program listens there: pick another port, or port 0 for a free one)"
	}
	return UsageError{fmt.Errorf("%s %s: %w%s", flag, addr, op.Err, hint)}
}
