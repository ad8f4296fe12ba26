package main

import (
	"errors"
	"fmt"
)

// Exit codes are part of evtap's interface: scripts depend on them, so they
// never change meaning. The README lists them.
const (
	exitOK       = 0 // the run ended cleanly (count, duration, signal, user quit)
	exitFailure  = 1 // something unexpected went wrong
	exitUsage    = 2 // bad command line, flag or input file
	exitRejected = 3 // the server refused us: bad credentials, handshake refused
	exitGaveUp   = 4 // could not connect after --max-retries consecutive failures
)

// usageError marks a mistake in how evtap was invoked.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// inputError is a file evtap was given that it cannot read: exit 2, but
// with no advice about flags.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// exitError carries an exit code chosen where the cause is known.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ue usageError
	var ie inputError
	if errors.As(err, &ue) || errors.As(err, &ie) {
		return exitUsage
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitFailure
}
