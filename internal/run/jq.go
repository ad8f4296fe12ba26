package run

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/itchyny/gojq"

	"github.com/evtap/evtap/protocol"
)

// jqProgram is headless output's jq program (--jq, and --filter on
// replay), with jq's semantics: each line is the program's input, and
// every value it yields is printed in the line's place, so it may filter
// (select(.kind=="event")) or project (.event.body, {seq: .event.seq}).
// A yield that is the line itself is printed as the line, exactly as it
// would be without a program; one that is the event's body as the
// body's own bytes; any other value as gojq prints it (keys sorted).
// Projections are redacted like lines.
//
// The input is built from the Update the session decoded (live), never by
// encoding it and parsing the text back, and an event's body is parsed
// only for a program that can look at it (jqbody.go); a program that
// only tests the kind builds nothing. A replay's lines are parsed, once.
//
// A line the program fails on (a runtime error, a body it cannot parse,
// a run past its bounds, jqguard.go) gives an error naming the line's
// kind and offset; what it printed before the error stays printed, and
// the run goes on with the next line.
type jqProgram struct {
	flag  string // --jq or --filter, for messages
	expr  string
	code  *gojq.Code
	kind  func(protocol.Kind) bool // the whole program is a test of .kind
	body  bool                     // the program may look at an event's body
	guard *jqGuard
}

// maxJQLen bounds a program's text: a program is typed, not generated.
const maxJQLen = 64 << 10

// compileJQ compiles expr for flag. A program that does not parse or
// compile is a usage error with gojq's message. The program's bounds end
// any evaluation when ctx ends; close releases its watchdog.
func compileJQ(ctx context.Context, flag, expr string) (*jqProgram, error) {
	switch {
	case strings.TrimSpace(expr) == "":
		return nil, Usagef("%s: the program is empty (try 'select(.kind==\"event\")')", flag)
	case len(expr) > maxJQLen:
		return nil, Usagef("%s: the program is %d KB long; at most %d KB", flag, len(expr)>>10, maxJQLen>>10)
	}
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, Usagef("%s %q: %v", flag, expr, err)
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return nil, Usagef("%s %q: %v", flag, expr, err)
	}
	return &jqProgram{flag: flag, expr: expr, code: code, kind: kindTest(q), body: needsBody(q),
		guard: newJQGuard(ctx, limits.jqBudget, limits.jqHeap)}, nil
}

// close stops the program's watchdog.
func (p *jqProgram) close() { p.guard.close() }

// jqError is a line the program could not be run on.
type jqError struct {
	flag string
	kind protocol.Kind
	off  float64 // seconds; -1 when unknown
	err  error
}

func (e *jqError) Error() string {
	where := article(string(e.kind)) + " " + string(e.kind) + " line"
	if e.kind == "" {
		where = "a line"
	}
	if e.off >= 0 {
		where += fmt.Sprintf(" at %.6fs", e.off)
	}
	return fmt.Sprintf("%s: %s: %v; skipped", e.flag, where, e.err)
}

func (e *jqError) Unwrap() error { return e.err }

// article is "an" before a kind that starts with a vowel ("an event
// line", "an error line"), else "a".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// Select implements record.Selector.
func (p *jqProgram) Select(u *protocol.Update, kind protocol.Kind, line []byte, emit func([]byte)) error {
	if p.kind != nil && kind != "" {
		if p.kind(kind) {
			emit(nil)
		}
		return nil
	}
	var in jqInput
	var err error
	if u != nil {
		in, err = updateValue(u, p.body)
	} else {
		in, err = lineValue(line)
	}
	if err != nil {
		return p.fail(u, kind, in, err)
	}
	ctx := p.guard.begin()
	defer p.guard.end()
	it := p.code.RunWithContext(ctx, in.root)
	for {
		v, ok := it.Next()
		if !ok {
			return nil
		}
		if e, isErr := v.(error); isErr {
			var halt *gojq.HaltError
			if errors.As(e, &halt) && halt.Value() == nil {
				return nil // halt: this line is done
			}
			return p.fail(u, kind, in, e)
		}
		switch {
		case sameRef(v, in.root):
			emit(nil)
		case in.bodyRaw != nil && sameRef(v, in.body):
			emit(in.bodyRaw)
		default:
			b, err := gojq.Marshal(v)
			if err != nil {
				return p.fail(u, kind, in, err)
			}
			emit(b)
		}
	}
}

func (p *jqProgram) fail(u *protocol.Update, kind protocol.Kind, in jqInput, err error) error {
	e := &jqError{flag: p.flag, kind: kind, off: -1, err: err}
	if u != nil {
		e.kind, e.off = u.Kind, u.Offset.Duration().Seconds()
	} else if off, ok := in.root["off"].(float64); ok {
		e.off = off
	}
	return e
}

// sameRef reports whether a is b itself: the same map, or the same
// array, not merely an equal one.
func sameRef(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		return ok && a != nil && b != nil && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
	case []any:
		b, ok := b.([]any)
		return ok && len(a) > 0 && len(a) == len(b) && &a[0] == &b[0]
	}
	return false
}
