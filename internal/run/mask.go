package run

import (
	"sync"

	"github.com/evtap/evtap/record"
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
