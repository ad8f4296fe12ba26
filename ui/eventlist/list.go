package eventlist

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/evtap/evtap/protocol"
)

// List is the scrolling event list, a Bubble Tea component with pointer
// methods (it shares the Store with the root). It follows the tail until
// the user scrolls up, then counts "N new" until G/end (or scrolling back
// to the last row). Only the visible rows are ever formatted.
//
// Call Sync after adding a burst to the Store (Update calls it too, View
// never: a frame only draws); the List keeps the numbers of the rows
// that pass the noise toggles and the jq filter, so rendering costs the
// same at 1,000 or 100,000 rows.
type List struct {
	store  *Store
	st     Styles
	paint  painters // st, ready to draw
	keys   KeyMap
	redact func(string) string // a frame's text before it is drawn; nil: as it came
	shown  map[int]string      // frame rows' text through redact, by row number: worked out in Sync, never in View
	w, h   int
	ox, oy int // where the list sits on screen, for mouse clicks

	idx    []int // numbers of visible rows, ascending
	seen   int   // Store.End() when idx was last brought up to date
	follow bool
	sel    int // number of the selected row, -1 for none
	top    int // number of the first row drawn
	fresh  int // rows arrived while not following ("N new")

	hide     [ClassOther + 1]bool
	onlyGaps bool
	filter   *jqFilter
	query    string // search, lower case
	typed    string // the search as typed, for showing it
	hits     []int  // numbers of the visible rows that match the query, ascending
	notice   string // the last filter error or "no match"

	pending *pendingFilter // a filter running over the store off the UI goroutine
	input   []rune         // the prompt being typed
	prompt  rune           // 0, '/' or ':'
}

// NewList returns a List over store, following the tail, with heartbeats
// and control frames hidden.
func NewList(store *Store, st Styles) *List {
	l := &List{store: store, st: st, paint: newPainters(st), keys: DefaultKeyMap(), follow: true, sel: -1, top: -1}
	l.hide[ClassHeartbeat] = true
	l.hide[ClassControl] = true
	l.rebuild()
	return l
}

// Reset follows the Store after Store.Reset: no rows, following the
// tail again. The toggles, the jq filter and the search stay in force.
func (l *List) Reset() {
	if l.pending != nil { // the expression being run applies to the rows to come
		l.filter = l.pending.f
		l.pending.cancel()
		l.pending = nil
	}
	l.idx, l.seen = l.idx[:0], l.store.First()
	l.sel, l.top, l.fresh, l.follow = -1, -1, 0, true
	l.hits = l.hits[:0]
}

// SetStyles replaces the looks (after a theme change).
func (l *List) SetStyles(st Styles) { l.st, l.paint = st, newPainters(st) }

// SetSize sets the size in cells, footer line included, and keeps the
// selection in sight at the new height.
func (l *List) SetSize(w, h int) {
	l.w, l.h = w, h
	l.settle()
}

// SetOrigin says where the list's top-left cell is on screen, so a mouse
// click selects the row under it.
func (l *List) SetOrigin(x, y int) { l.ox, l.oy = x, y }

// SetKeyMap replaces the bindings, for a root whose own keys collide.
func (l *List) SetKeyMap(k KeyMap) { l.keys = k }

// KeyMap returns the bindings for the help view.
func (l *List) KeyMap() KeyMap { return l.keys }

// Editing says whether a search or filter prompt is open, so the root
// sends every key here and handles none itself.
func (l *List) Editing() bool { return l.prompt != 0 }

// Following says whether the list follows the newest row.
func (l *List) Following() bool { return l.follow }

// New is how many rows arrived since the user stopped following.
func (l *List) New() int { return l.fresh }

// Visible is how many rows pass the toggles and the filter.
func (l *List) Visible() int { l.Sync(); return len(l.idx) }

// Selected returns the selected row, or nil when the list is empty.
func (l *List) Selected() *protocol.Update {
	l.Sync()
	return l.store.At(l.sel)
}

// Filter is the jq expression in force ("" for none).
func (l *List) Filter() string {
	if l.filter == nil {
		return ""
	}
	return l.filter.expr
}

// Search is the search text in force.
func (l *List) Search() string { return l.typed }

// SetFilter narrows the list to events whose notification passes the jq
// expression; "" removes the filter. An invalid expression returns jq's
// message and leaves the view as it was.
func (l *List) SetFilter(expr string) error {
	expr = strings.TrimSpace(expr)
	if l.pending != nil { // this answer wins over a run still going
		l.pending.cancel()
		l.pending = nil
	}
	old := l.filter
	if expr == "" {
		l.filter = nil
	} else {
		f, err := compileFilter(expr)
		if err != nil {
			l.notice = "jq: " + err.Error()
			return err
		}
		l.filter = f
	}
	if err := l.rebuild(); err != nil {
		l.filter = old
		l.notice = err.Error()
		l.rebuild()
		return err
	}
	l.notice = ""
	return nil
}

// SetSearch highlights q and selects the first match at or after the
// selection (wrapping); it reports whether there is one. The footer
// counts the matches among the visible rows and says which one is
// selected.
func (l *List) SetSearch(q string) bool {
	l.typed, l.query = q, strings.ToLower(q)
	l.findHits()
	if l.query == "" {
		return false
	}
	return l.find(1, true)
}

// Matches is how many visible rows match the search, and the place
// (from 1) of the selected row among them, 0 when it is not one.
func (l *List) Matches() (n, at int) {
	l.Sync()
	i := sort.SearchInts(l.hits, l.sel)
	if i < len(l.hits) && l.hits[i] == l.sel {
		at = i + 1
	}
	return len(l.hits), at
}

// findHits finds the matches among the visible rows afresh.
func (l *List) findHits() {
	l.hits = l.hits[:0]
	if l.query == "" {
		return
	}
	for _, n := range l.idx {
		if matches(l.store.At(n), l.query) {
			l.hits = append(l.hits, n)
		}
	}
}

// visible says whether rows of class c pass the toggles (and, via rebuild/Sync,
// the jq filter).
func (l *List) visible(c Class) bool {
	if l.onlyGaps {
		return c == ClassGap || c == ClassRecovery
	}
	return !l.hide[c]
}

// rebuild recomputes the visible rows from the whole store.
func (l *List) rebuild() error {
	ctx, cancel := context.WithTimeout(context.Background(), filterBudget)
	defer cancel()
	idx := make([]int, 0, l.store.Len())
	for n := l.store.First(); n < l.store.End(); n++ {
		if !l.visible(l.store.classAt(n)) {
			continue
		}
		ok, err := l.pass(ctx, n)
		if err != nil {
			return err
		}
		if ok {
			idx = append(idx, n)
		}
	}
	l.idx, l.seen = idx, l.store.End()
	l.fresh = 0
	l.findHits()
	l.settle()
	return nil
}

// Sync takes in the rows added to the Store since the last call and drops
// the evicted ones.
func (l *List) Sync() {
	end, first := l.store.End(), l.store.First()
	if l.seen < first {
		l.seen = first
	}
	added := 0
	ctx := context.Background()
	if l.filter != nil {
		// the filter runs on each new event here, on the UI's goroutine:
		// bounded, so a runaway expression cannot freeze the screen
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, syncFilterBudget)
		defer cancel()
	}
	if len(l.shown) > 0 && l.store.Evicted() > 0 {
		for n := range l.shown {
			if n < first {
				delete(l.shown, n) // evicted
			}
		}
	}
	for n := l.seen; n < end; n++ {
		l.prepare(n)
		if !l.visible(l.store.classAt(n)) {
			continue
		}
		ok, err := l.pass(ctx, n)
		if err != nil {
			// too slow on new events: drop it, and show them all again
			l.filter = nil
			l.notice = "the jq filter took too long on new events and was removed"
			for m := n + 1; m < end; m++ {
				l.prepare(m) // every row is redacted before it can be drawn
			}
			l.rebuild()
			return
		}
		if ok {
			l.idx = append(l.idx, n)
			added++
			if l.query != "" && matches(l.store.At(n), l.query) {
				l.hits = append(l.hits, n)
			}
		}
	}
	l.seen = end
	if len(l.idx) > 0 && l.idx[0] < first {
		l.idx = l.idx[sort.SearchInts(l.idx, first):]
	}
	if len(l.hits) > 0 && l.hits[0] < first {
		l.hits = l.hits[sort.SearchInts(l.hits, first):]
	}
	if !l.follow {
		l.fresh += added
	}
	l.settle()
}

// pass runs the jq filter on row n; without one (or for rows jq does
// not judge) it touches nothing, so syncing stays cheap.
func (l *List) pass(ctx context.Context, n int) (bool, error) {
	if l.filter == nil || l.store.classAt(n) != ClassEvent {
		return true, nil
	}
	return l.filter.match(ctx, l.store.At(n))
}

// pos is the position of row number n among the visible rows (or where
// it would be).
func (l *List) pos(n int) int { return sort.SearchInts(l.idx, n) }

// bodyHeight is the number of row lines (the footer takes one).
func (l *List) bodyHeight() int { return max(l.h-1, 1) }

// settle keeps the selection on a visible row and on screen.
func (l *List) settle() {
	if len(l.idx) == 0 {
		l.sel, l.top = -1, -1
		return
	}
	last := len(l.idx) - 1
	var p int
	if l.follow || l.sel < 0 {
		p = last
	} else {
		p = min(l.pos(l.sel), last)
	}
	l.sel = l.idx[p]
	t := 0
	if l.top >= 0 {
		t = min(l.pos(l.top), last)
	}
	bh := l.bodyHeight()
	if p < t {
		t = p
	}
	if p >= t+bh {
		t = p - bh + 1
	}
	// Keep the screen full when rows above exist.
	if t > 0 && last-t+1 < bh {
		t = max(last-bh+1, 0)
	}
	l.top = l.idx[t]
}

// moveTo selects visible position p, pausing or resuming following.
func (l *List) moveTo(p int) {
	if len(l.idx) == 0 {
		return
	}
	p = max(0, min(p, len(l.idx)-1))
	l.sel = l.idx[p]
	l.follow = p == len(l.idx)-1
	if l.follow {
		l.fresh = 0
	}
	l.settle()
}

func (l *List) move(d int) {
	if len(l.idx) == 0 {
		return
	}
	l.moveTo(l.pos(l.sel) + d)
}

// find moves to the next (dir 1) or previous (dir -1) row matching the
// search, wrapping; from the selection itself when here is set.
func (l *List) find(dir int, here bool) bool {
	if len(l.idx) == 0 || l.query == "" {
		return false
	}
	n := len(l.hits)
	if n == 0 {
		l.notice = "no match for " + strconv.Quote(l.typed)
		return false
	}
	i := sort.SearchInts(l.hits, l.sel) // the first match at or after the selection
	onMatch := i < n && l.hits[i] == l.sel
	switch {
	case dir > 0 && onMatch && !here:
		i++
	case dir < 0 && !(onMatch && here):
		i--
	}
	i = (i%n + n) % n
	l.moveTo(l.pos(l.hits[i]))
	l.notice = ""
	return true
}

// SetRedact sets what a frame's text passes through before it is drawn
// (the provider's redaction rules); nil draws frames as they came.
func (l *List) SetRedact(f func(string) string) {
	l.redact, l.shown = f, nil
	for n := l.store.First(); n < l.store.End(); n++ {
		l.prepare(n)
	}
}

// prepare works out row n's text through redact when it is a frame's:
// redacting takes a lock and scans the text, which a frame must not do.
func (l *List) prepare(n int) {
	if l.redact == nil || l.store.classAt(n) != ClassWire {
		return
	}
	u := l.store.At(n)
	if u.Frame == nil || u.Frame.Op != protocol.OpText && u.Frame.Op != protocol.OpHTTP {
		return
	}
	if l.shown == nil {
		l.shown = make(map[int]string)
	}
	_, l.shown[n] = shownCells(u, l.redact)
}
