package shell

import (
	"strconv"

	events "github.com/evtap/evtap/ui/eventlist"
)

// sanitize makes network text safe to draw and cuts it to max cells; the
// UI has one sanitizer, eventlist's.
func sanitize(s string, max int) string { return events.Cut(s, max) }

// mask shows a secret as its first and last characters only.
func mask(s string) string { return events.Mask(s) }

func itoa(n int) string { return strconv.Itoa(n) }
