package session

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/evtap/evtap/protocol"
)

// ErrGaveUp is returned by Run, wrapped with the last cause, after
// MaxRetries consecutive connection attempts failed (exit code 4).
var ErrGaveUp = errors.New("gave up connecting")

// RejectedError is a refusal by the provider: a 4xx answer (other than
// 408 and 429) to a REST call, an upgrade or a poll. Run returns it, and
// stops, when it refuses the session before it ever worked: at once from
// Prepare (a credential not accepted), the second time in a row for a
// refused connection (exit code 3). Later it is retried with backoff.
type RejectedError struct {
	Where   string // "token", "wstoken", "upgrade", "poll", …
	Status  int    // HTTP status, when there was one
	Code    string // provider error code, when it gave one
	Message string // the server's message, sanitised for a terminal
	// Header holds the refusing answer's headers (a WWW-Authenticate
	// challenge, a request id), when there was an answer.
	Header http.Header
	// Local says evtap refused before sending anything, by the
	// provider's own rules, because the server would refuse it (a topic
	// the credential may not use); the exit code is the same as the
	// server's refusal, the words are not.
	Local bool
}

func (e *RejectedError) Error() string {
	s := "rejected by the server"
	if e.Local {
		s = "refused before sending, by the server's rules"
	}
	if e.Where != "" {
		s += " (" + e.Where + ")"
	}
	if e.Status != 0 {
		s += fmt.Sprintf(": HTTP %d", e.Status)
	}
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// HaltError stops the session from reconnecting until the operator
// resumes it (CmdResume, or CmdSetFilters), for a refusal that retrying
// cannot cure. A Provider returns it from Prepare, or ends a connection
// with it through Link.Halt. Err, when set, is the refusal itself.
type HaltError struct {
	Cause  string
	Status int // the refusing answer's HTTP status, for the rejected state
	// Context replaces the context pane's fields (the poll stopped,
	// and why), when set.
	Context []protocol.Field
	Err     error
}

func (e *HaltError) Error() string { return e.Cause }

func (e *HaltError) Unwrap() error { return e.Err }

// Retryable is an error a Provider returns for a failure worth retrying
// with backoff (connection refused, 5xx, timeouts). Errors that are
// neither Retryable nor RejectedError are retried too; the type exists so
// that a provider can say so explicitly and attach an HTTP status.
type Retryable struct {
	Status int
	Err    error
	// RetryAfter is how long the server asked us to wait (Retry-After on
	// a 429 or 503), capped at MaxRetryAfter; the engine's backoff waits
	// at least this long before the next attempt.
	RetryAfter time.Duration
}

func (e *Retryable) Error() string {
	s := e.Err.Error()
	if e.Status != 0 {
		s = fmt.Sprintf("HTTP %d: %s", e.Status, s)
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (the server asks to retry after %s)", e.RetryAfter)
	}
	return s
}

func (e *Retryable) Unwrap() error { return e.Err }
