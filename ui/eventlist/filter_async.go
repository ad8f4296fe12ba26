package eventlist

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/evtap/evtap/protocol"
)

// pendingFilter is a jq filter being run over a snapshot of the store in
// a command, so a slow expression over 100,000 events (about 0.7 s) never
// freezes the screen; events keep arriving meanwhile.
type pendingFilter struct {
	f      *jqFilter
	cancel context.CancelFunc
	hide   [ClassOther + 1]bool
	only   bool
}

// filterDone carries a finished filter run back to the List.
type filterDone struct {
	p    *pendingFilter
	idx  []int // visible rows up to upto
	upto int   // Store.End() at the snapshot
	err  error
}

// candidate is one row of the snapshot: its number and, for an event,
// the event (payloads are never changed once published).
type candidate struct {
	n  int
	ev *protocol.Event
}

// startFilter compiles expr (an invalid one returns jq's message at once
// and keeps the view) and starts running it over every stored row; the
// view changes when the returned command's result arrives. "" removes
// the filter at once.
func (l *List) startFilter(expr string) (tea.Cmd, error) {
	expr = strings.TrimSpace(expr)
	if l.pending != nil {
		l.pending.cancel()
		l.pending = nil
	}
	if expr == "" {
		return nil, l.SetFilter("")
	}
	f, err := compileFilter(expr)
	if err != nil {
		l.notice = "jq: " + err.Error()
		return nil, err
	}
	l.notice = ""
	ctx, cancel := context.WithTimeout(context.Background(), filterBudget)
	p := &pendingFilter{f: f, cancel: cancel, hide: l.hide, only: l.onlyGaps}
	l.pending = p
	snap := make([]candidate, 0, l.store.Len())
	for n := l.store.First(); n < l.store.End(); n++ {
		c := l.store.classAt(n)
		if !l.visible(c) {
			continue
		}
		cd := candidate{n: n}
		if c == ClassEvent {
			cd.ev = l.store.At(n).Event
		}
		snap = append(snap, cd)
	}
	upto := l.store.End()
	return func() tea.Msg {
		defer cancel()
		idx := make([]int, 0, len(snap))
		for _, cd := range snap {
			if cd.ev == nil {
				idx = append(idx, cd.n)
				continue
			}
			ok, err := f.match(ctx, &protocol.Update{Kind: protocol.KindEvent, Event: cd.ev})
			if err != nil {
				return filterDone{p: p, err: err}
			}
			if ok {
				idx = append(idx, cd.n)
			}
		}
		return filterDone{p: p, idx: idx, upto: upto}
	}, nil
}

// finishFilter puts a finished run in force, unless a newer one
// replaced it. Rows that arrived meanwhile are filtered by Sync; if the
// toggles changed meanwhile the rows are recomputed with both.
func (l *List) finishFilter(d filterDone) {
	if d.p != l.pending {
		return // superseded
	}
	l.pending = nil
	if d.err != nil {
		l.notice = d.err.Error()
		return
	}
	l.filter = d.p.f
	if d.p.hide != l.hide || d.p.only != l.onlyGaps {
		l.rebuild()
		return
	}
	l.idx, l.seen, l.fresh = d.idx, d.upto, 0
	l.findHits()
	l.Sync()
}
