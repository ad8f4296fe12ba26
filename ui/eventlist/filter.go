package eventlist

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/itchyny/gojq"
)

// filterBudget bounds one run of a jq filter over the whole store, so a
// runaway expression (`def f: f; f`) cannot freeze the screen.
const filterBudget = 3 * time.Second

// syncFilterBudget bounds the filter's work on the rows one Sync takes in
// (a frame's worth): it runs on the UI's goroutine.
const syncFilterBudget = 250 * time.Millisecond

// jqFilter is a compiled jq expression the list is narrowed by.
type jqFilter struct {
	expr string
	code *gojq.Code
}

// compileFilter parses and compiles expr, returning jq's own message when
// it is not valid.
func compileFilter(expr string) (*jqFilter, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, err
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return nil, err
	}
	return &jqFilter{expr: expr, code: code}, nil
}

// errFilterSlow says a filter ran out of its time budget.
var errFilterSlow = errors.New("the filter took too long; the previous view is kept")

// match says whether the event row u passes: the expression runs on the
// notification as the provider sent it, and the row passes when its first
// output is neither false nor null. Rows that are not events always pass
// (the noise toggles govern them). An expression that fails on this
// notification (`.a.b` on a string) rejects the row, as jq's select would.
func (f *jqFilter) match(ctx context.Context, u *protocol.Update) (bool, error) {
	if f == nil || u.Kind != protocol.KindEvent {
		return true, nil
	}
	var v any
	if err := json.Unmarshal(u.Event.Body, &v); err != nil {
		return false, nil
	}
	it := f.code.RunWithContext(ctx, v)
	out, ok := it.Next()
	if !ok {
		return false, nil
	}
	if err, isErr := out.(error); isErr {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return false, errFilterSlow
		}
		return false, nil
	}
	return out != nil && out != false, nil
}
