package shell

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
)

// subscriptions is what the server said of each subscription, by ID, in
// the order they were first reported, with the events each matched. A
// refusal is kept apart: the subscriptions in force stay as they were.
type subscriptions struct {
	one    bool // a new subscription replaces the last (ui.Provider.OneSubscription)
	order  []string
	byID   map[string]*subscription
	refuse *protocol.APIError
}

type subscription struct {
	protocol.Subscription
	events int
}

func (s *subscriptions) apply(sub protocol.Subscription) {
	if sub.Error != nil {
		e := *sub.Error
		s.refuse = &e
		return
	}
	s.refuse = nil
	if sub.Status == "Removed" {
		if _, ok := s.byID[sub.ID]; ok {
			delete(s.byID, sub.ID)
			s.order = slices.DeleteFunc(s.order, func(id string) bool { return id == sub.ID })
		}
		return
	}
	if s.byID == nil {
		s.byID = map[string]*subscription{}
	}
	if old, ok := s.byID[sub.ID]; ok {
		old.Subscription = sub // renewed or changed: its count goes on
		return
	}
	if s.one {
		s.order, s.byID = nil, map[string]*subscription{}
	}
	s.order = append(s.order, sub.ID)
	s.byID[sub.ID] = &subscription{Subscription: sub}
}

// count credits an event to the subscription it matched; an event that
// names none goes to the only subscription, if there is one.
func (s *subscriptions) count(id string) {
	if sub, ok := s.byID[id]; ok {
		sub.events++
		return
	}
	if id == "" && len(s.order) == 1 {
		s.byID[s.order[0]].events++
	}
}

// filters are the filters in force, as requested (else as answered),
// for the editor.
func (s *subscriptions) filters() []string {
	var out []string
	for _, id := range s.order {
		sub := s.byID[id]
		if len(sub.Requested) > 0 {
			out = append(out, sub.Requested...)
		} else {
			out = append(out, sub.Filters...)
		}
	}
	return out
}

// lines is the subscriptions pane: for each subscription its ID, status,
// events matched, expiry, note and filters (shortened by short).
func (s *subscriptions) lines(now time.Time, short func(string) string) []string {
	var lines []string
	if len(s.order) == 0 {
		lines = append(lines, "none yet")
	}
	for _, id := range s.order {
		sub := s.byID[id]
		// a subscription that is its one filter (a topic) is named once,
		// shortened like a filter
		named := len(sub.Filters) == 1 && sub.Filters[0] == sub.ID && short != nil
		st := sanitize(orDash(sub.Status), 30) + fmt.Sprintf("  events %d", sub.events)
		if !sub.ExpiresAt.IsZero() {
			st += "  expires " + sub.ExpiresAt.Local().Format("15:04:05") + fmt.Sprintf(" (in %s)", sub.ExpiresAt.Sub(now).Round(time.Second))
		}
		if named {
			lines = append(lines, sanitize(short(sub.ID), 160)+"  "+st)
		} else {
			lines = append(lines, "id      "+sanitize(orDash(sub.ID), 60), "status  "+st)
		}
		if sub.Note != "" {
			lines = append(lines, "note    "+sanitize(sub.Note, 200))
		}
		for _, f := range sub.Filters {
			if named {
				break
			}
			if short != nil {
				f = short(f)
			}
			lines = append(lines, "  "+sanitize(f, 160))
		}
	}
	if s.refuse != nil {
		in := "the subscription above is still in force"
		if len(s.order) != 1 {
			in = "the subscriptions in force are unchanged"
		}
		lines = append(lines, "REFUSED "+sanitize(s.refuse.Error(), 200)+" ("+in+")")
	}
	return lines
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
