package run

import (
	"errors"
	"fmt"
	"io/fs"

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
