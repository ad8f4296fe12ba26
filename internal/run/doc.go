// Package run is what evtap's commands run, testable without the binary:
// a live session in the TUI or headless (JSON lines on stdout, lossless,
// through a spool that never blocks the session), the recording tap, the
// TUI start-up, replays and HAR conversion.
//
// It knows no provider: a Session carries everything provider-specific
// (its name, its UI description, its redaction rules) as values the
// provider registry filled in.
package run
