package record

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/itchyny/gojq"

	"github.com/evtap/evtap/protocol"
)

// Selector decides what a stream (NewStream) writes for each line: the
// line itself, nothing, or other JSON values in its place (a jq
// program's outputs, headless --jq). It is given the Update the line was
// encoded from when there is one (Write), so it need not parse the line
// again, and nil for a line written as it is (WriteLine). line is the
// line as it will be written: redacted, without its newline, valid only
// during the call.
type Selector interface {
	// Select calls emit for each value to write, in order: with nil for
	// line itself, or with a one-line JSON value, which the stream
	// redacts before writing. An error says why this line could not be
	// judged (a runtime error of the program); what was emitted before
	// it is written, and the stream goes on with the next line.
	Select(u *protocol.Update, kind protocol.Kind, line []byte, emit func(value []byte)) error
}

// Filter is a jq expression that passes or drops whole lines. A line
// passes when the expression yields at least one value that is neither
// false nor null, so both `.kind == "event"` and `select(.kind ==
// "event")` work. It parses each line; headless output uses
// internal/run's program, which reads the Update itself and may project.
type Filter struct {
	code *gojq.Code
	expr string
	// kind, when set, is the whole filter: a test of the Update's kind
	// alone, answered without parsing the line.
	kind func(protocol.Kind) bool
}

// kindTest matches the filters that only look at .kind, as gojq prints
// them back (so spacing and quoting do not matter).
var kindTest = regexp.MustCompile(`^(select\()?\.kind (==|!=) "([a-z_]+)"\)?$`)

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
	f := &Filter{code: code, expr: expr}
	if m := kindTest.FindStringSubmatch(q.String()); m != nil && (m[1] == "") == !hasCloseParen(q.String()) {
		want, eq := protocol.Kind(m[3]), m[2] == "=="
		f.kind = func(k protocol.Kind) bool { return (k == want) == eq }
	}
	return f, nil
}

func hasCloseParen(s string) bool { return len(s) > 0 && s[len(s)-1] == ')' }

// Match reports whether the JSON line passes the filter.
func (f *Filter) Match(line []byte) (bool, error) { return f.MatchLine(line, "") }

// MatchLine is Match for a line whose Update kind is known ("" when it
// is not): a filter on the kind alone is then answered without parsing.
func (f *Filter) MatchLine(line []byte, kind protocol.Kind) (bool, error) {
	if f.kind != nil {
		if kind == "" {
			if _, k, err := scanLine(trimLine(line)); err == nil {
				kind = k
			}
		}
		if kind != "" {
			return f.kind(kind), nil
		}
	}
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

// Select implements Selector: the line as it is, or nothing.
func (f *Filter) Select(_ *protocol.Update, kind protocol.Kind, line []byte, emit func([]byte)) error {
	ok, err := f.MatchLine(line, kind)
	if ok {
		emit(nil)
	}
	return err
}

// trimLine drops a line's end-of-line bytes.
func trimLine(line []byte) []byte {
	for len(line) > 0 && (line[len(line)-1] == '\n' || line[len(line)-1] == '\r') {
		line = line[:len(line)-1]
	}
	return line
}
