package record

import (
	"encoding/json"
	"fmt"

	"github.com/itchyny/gojq"
)

// Filter is a jq expression applied to each headless line (--filter).
// A line passes when the expression yields at least one value that is
// neither false nor null, so both `.kind == "event"` and
// `select(.kind == "event")` work.
type Filter struct {
	code *gojq.Code
	expr string
}

// NewFilter compiles expr, with a clear error for bad syntax.
func NewFilter(expr string) (*Filter, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("--filter %q: %w", expr, err)
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return nil, fmt.Errorf("--filter %q: %w", expr, err)
	}
	return &Filter{code: code, expr: expr}, nil
}

// Match reports whether the JSON line passes the filter.
func (f *Filter) Match(line []byte) (bool, error) {
	var v any
	if err := json.Unmarshal(line, &v); err != nil {
		return false, fmt.Errorf("--filter: line is not JSON: %w", err)
	}
	iter := f.code.Run(v)
	for {
		out, ok := iter.Next()
		if !ok {
			return false, nil
		}
		if err, isErr := out.(error); isErr {
			return false, fmt.Errorf("--filter %q: %w", f.expr, err)
		}
		if out != nil && out != false {
			return true, nil
		}
	}
}
