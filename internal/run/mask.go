package run

import (
	"sync"

	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/session"
)

// screenRedact is what the TUI passes a frame's text through before it
// shows it: the recorder's own rules, literal secrets and memory of
// issued values, so the screen never shows a secret a recording would
// hide. nil under --no-redact, when the user asked to see them.
func screenRedact(o record.Options) func(string) string {
	if o.KeepSecrets {
		return nil
	}
	r := record.NewRedactor(o.Rules, o.Secrets, o.Issued)
	var mu sync.Mutex // the detail view and the list may ask from different commands
	return func(s string) string {
		mu.Lock()
		defer mu.Unlock()
		return r.String(s)
	}
}

// sessionPlaceholders is what the session masks the credentials it
// publishes with (the URL it dials, a request's key or password): the
// recorder's own placeholder for each value, from the memory of issued
// secrets every output of the run shares. So the token presented in a
// URL is named as the answer that issued it is, and two credentials are
// never named alike, as a bare *** would name them.
func sessionPlaceholders(o record.Options) session.Placeholders {
	return record.NewRedactor(o.Rules, o.Secrets, o.Issued).Value
}
