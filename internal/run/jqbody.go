package run

import (
	"strings"

	"github.com/itchyny/gojq"

	"github.com/evtap/evtap/protocol"
)

// What a jq program is known to need of a line, read from its syntax:
// whether it can ever look inside an event's body (if not, the body is
// not parsed: it is most of an event's bytes), and whether it is only a
// test of the Update's kind (then nothing is built at all).

// shape is what a value in a program may be, as far as the body goes: a
// bit set, since a query may give several values.
type shape uint8

const (
	shapeOther shape = 1 << iota // cannot hold the body: a field of the line other than .event, a literal, a computed value
	shapeRoot                    // the line's whole object (holds .event.body)
	shapeEvent                   // .event (holds .body)
)

// holdsBody is the shapes whose content depends on the body.
const holdsBody = shapeRoot | shapeEvent

// needsBody reports whether q might see an event's body: whether running
// it with the body replaced by null could give anything else, outputs or
// errors. It is conservative: anything it does not follow needs the
// body. A program that does not is one of field accesses that never
// reach .event.body, comparisons and arithmetic on such fields, select,
// not, type, empty, literals, if, try, alternatives, and object or array
// constructions of such values; and its outputs are the line itself
// (written as the line) or values holding no part of the event.
func needsBody(q *gojq.Query) bool {
	out, ok := walkQuery(q, shapeRoot)
	return !ok || out&shapeEvent != 0
}

// walkQuery follows q applied to a value of shape in: the shapes of its
// outputs, and false when it might look into the body.
func walkQuery(q *gojq.Query, in shape) (shape, bool) {
	if q == nil {
		return in, true
	}
	if len(q.FuncDefs) > 0 || len(q.Imports) > 0 || len(q.Patterns) > 0 {
		return 0, false // definitions and variables: not followed
	}
	if q.Term != nil {
		return walkTerm(q.Term, in)
	}
	l, ok := walkQuery(q.Left, in)
	if !ok {
		return 0, false
	}
	switch q.Op {
	case gojq.OpPipe:
		var out shape
		for s := shapeOther; s <= shapeEvent; s <<= 1 {
			if l&s == 0 {
				continue
			}
			o, ok := walkQuery(q.Right, s)
			if !ok {
				return 0, false
			}
			out |= o
		}
		return out, true
	case gojq.OpComma, gojq.OpAlt:
		// An object is true whatever it holds, so // need not look in.
		r, ok := walkQuery(q.Right, in)
		return l | r, ok
	case gojq.OpAnd, gojq.OpOr:
		_, ok := walkQuery(q.Right, in)
		return shapeOther, ok
	case gojq.OpEq, gojq.OpNe, gojq.OpLt, gojq.OpGt, gojq.OpLe, gojq.OpGe,
		gojq.OpAdd, gojq.OpSub, gojq.OpMul, gojq.OpDiv, gojq.OpMod:
		// Comparing or computing with an object reads all of it.
		r, ok := walkQuery(q.Right, in)
		return shapeOther, ok && (l|r)&holdsBody == 0
	}
	return 0, false // assignments and updates rebuild the object
}

// walkTerm follows one term, then its suffixes.
func walkTerm(t *gojq.Term, in shape) (shape, bool) {
	var out shape
	ok := true
	switch t.Type {
	case gojq.TermTypeIdentity:
		out = in
	case gojq.TermTypeNull, gojq.TermTypeTrue, gojq.TermTypeFalse, gojq.TermTypeNumber:
		out = shapeOther
	case gojq.TermTypeString:
		out, ok = shapeOther, walkString(t.Str, in)
	case gojq.TermTypeIndex:
		out, ok = index(t.Index, in, in)
	case gojq.TermTypeQuery:
		out, ok = walkQuery(t.Query, in)
	case gojq.TermTypeFunc:
		out, ok = walkFunc(t.Func, in)
	case gojq.TermTypeObject:
		out, ok = shapeOther, walkObject(t.Object, in)
	case gojq.TermTypeArray:
		var s shape
		if t.Array.Query != nil {
			s, ok = walkQuery(t.Array.Query, in)
		}
		out, ok = shapeOther, ok && s&holdsBody == 0
	case gojq.TermTypeUnary:
		var s shape
		s, ok = walkTerm(t.Unary.Term, in)
		out, ok = shapeOther, ok && s&holdsBody == 0
	case gojq.TermTypeIf:
		out, ok = walkIf(t.If, in)
	case gojq.TermTypeTry:
		// The catch sees an error's message, which never quotes an
		// object this walk lets through (only named fields are taken
		// of one, and that cannot fail).
		var b, c shape
		b, ok = walkQuery(t.Try.Body, in)
		if ok && t.Try.Catch != nil {
			c, ok = walkQuery(t.Try.Catch, shapeOther)
		}
		out = b | c
	case gojq.TermTypeFormat:
		out, ok = shapeOther, in&holdsBody == 0 && (t.Str == nil || walkString(t.Str, in))
	default: // .., reduce, foreach, label, break
		return 0, false
	}
	if !ok {
		return 0, false
	}
	for _, s := range t.SuffixList {
		switch {
		case s.Index != nil:
			out, ok = index(s.Index, out, in)
		case s.Iter:
			ok = out&holdsBody == 0
		}
		if !ok {
			return 0, false
		}
	}
	return out, true
}

// index follows .name (or ."name", or .[expr] on a value that holds no
// body): in is the shape indexed, dot the shape of the term's input, on
// which an index expression runs.
func index(ix *gojq.Index, in, dot shape) (shape, bool) {
	name, named := ix.Name, ix.Name != ""
	if ix.Str != nil && len(ix.Str.Queries) == 0 {
		name, named = ix.Str.Str, true
	}
	if !named {
		if in&holdsBody != 0 {
			return 0, false // .[] or .[expr] of the line or the event
		}
		for _, q := range []*gojq.Query{ix.Start, ix.End} {
			if s, ok := walkQuery(q, dot); !ok || s&holdsBody != 0 {
				return 0, false
			}
		}
		if ix.Str != nil && !walkString(ix.Str, dot) {
			return 0, false
		}
		return shapeOther, true
	}
	var out shape
	if in&shapeOther != 0 {
		out |= shapeOther
	}
	if in&shapeRoot != 0 {
		if name == "event" {
			out |= shapeEvent
		} else {
			out |= shapeOther
		}
	}
	if in&shapeEvent != 0 {
		if name == "body" {
			return 0, false
		}
		out |= shapeOther
	}
	return out, true
}

// walkString follows a string's interpolations.
func walkString(s *gojq.String, in shape) bool {
	if s == nil {
		return true
	}
	for _, q := range s.Queries {
		if o, ok := walkQuery(q, in); !ok || o&holdsBody != 0 {
			return false
		}
	}
	return true
}

func walkObject(o *gojq.Object, in shape) bool {
	for _, kv := range o.KeyVals {
		if kv.KeyQuery != nil {
			if s, ok := walkQuery(kv.KeyQuery, in); !ok || s&holdsBody != 0 {
				return false
			}
		}
		if !walkString(kv.KeyString, in) {
			return false
		}
		var s shape
		ok := true
		switch {
		case kv.Val != nil:
			s, ok = walkQuery(kv.Val, in)
		case strings.HasPrefix(kv.Key, "$"):
			s = shapeOther // {$__loc__}: a variable
		case kv.Key != "":
			s, ok = index(&gojq.Index{Name: kv.Key}, in, in) // {kind}: .kind
		default:
			return false
		}
		if !ok || s&holdsBody != 0 {
			return false
		}
	}
	return true
}

func walkIf(f *gojq.If, in shape) (shape, bool) {
	if _, ok := walkQuery(f.Cond, in); !ok {
		return 0, false
	}
	out, ok := walkQuery(f.Then, in)
	if !ok {
		return 0, false
	}
	for _, e := range f.Elif {
		if _, ok := walkQuery(e.Cond, in); !ok {
			return 0, false
		}
		s, ok := walkQuery(e.Then, in)
		if !ok {
			return 0, false
		}
		out |= s
	}
	if f.Else == nil {
		return out | in, true // no else: the input itself
	}
	s, ok := walkQuery(f.Else, in)
	return out | s, ok
}

// walkFunc follows a call. A few builtins look at no more of their input
// than its truth or its type; any other (and any definition of the
// user's) must be given a value that holds no body, and so must its
// arguments' values.
func walkFunc(f *gojq.Func, in shape) (shape, bool) {
	if strings.HasPrefix(f.Name, "$") {
		return shapeOther, len(f.Args) == 0 // $ENV, $__loc__: no variables are bound (walkQuery refuses patterns)
	}
	switch {
	case f.Name == "select" && len(f.Args) == 1:
		_, ok := walkQuery(f.Args[0], in)
		return in, ok
	case (f.Name == "not" || f.Name == "type") && len(f.Args) == 0:
		return shapeOther, true
	case f.Name == "empty" && len(f.Args) == 0:
		return 0, true
	}
	if in&holdsBody != 0 || builtinReadsInput[f.Name] {
		return 0, false
	}
	for _, a := range f.Args {
		if s, ok := walkQuery(a, in); !ok || s&holdsBody != 0 {
			return 0, false
		}
	}
	return shapeOther, true
}

// builtinReadsInput are builtins that read or show something besides
// their input and arguments: the program's other inputs, or a message
// on stderr.
var builtinReadsInput = map[string]bool{"input": true, "inputs": true, "debug": true, "stderr": true, "input_filename": true}

// kindTest returns the test of the Update's kind that q is, when the
// whole program is select(C) with C made of .kind == "…", .kind != "…",
// and, or and parentheses; nil otherwise. Such a program is answered
// from the kind alone.
func kindTest(q *gojq.Query) func(protocol.Kind) bool {
	if q == nil || q.Term == nil || len(q.FuncDefs) > 0 || len(q.Patterns) > 0 || len(q.Imports) > 0 {
		return nil
	}
	t := q.Term
	if t.Type != gojq.TermTypeFunc || t.Func.Name != "select" || len(t.Func.Args) != 1 || len(t.SuffixList) > 0 {
		return nil
	}
	return kindCond(t.Func.Args[0])
}

func kindCond(q *gojq.Query) func(protocol.Kind) bool {
	if q == nil || len(q.FuncDefs) > 0 || len(q.Patterns) > 0 {
		return nil
	}
	if q.Term != nil {
		if q.Term.Type == gojq.TermTypeQuery && len(q.Term.SuffixList) == 0 {
			return kindCond(q.Term.Query)
		}
		return nil
	}
	switch q.Op {
	case gojq.OpAnd, gojq.OpOr:
		l, r := kindCond(q.Left), kindCond(q.Right)
		if l == nil || r == nil {
			return nil
		}
		if q.Op == gojq.OpAnd {
			return func(k protocol.Kind) bool { return l(k) && r(k) }
		}
		return func(k protocol.Kind) bool { return l(k) || r(k) }
	case gojq.OpEq, gojq.OpNe:
		want, ok := kindLiteral(q.Left, q.Right)
		if !ok {
			if want, ok = kindLiteral(q.Right, q.Left); !ok {
				return nil
			}
		}
		eq := q.Op == gojq.OpEq
		return func(k protocol.Kind) bool { return (string(k) == want) == eq }
	}
	return nil
}

// kindLiteral matches .kind on one side and a plain string on the other.
func kindLiteral(field, lit *gojq.Query) (string, bool) {
	if field == nil || lit == nil || field.Term == nil || lit.Term == nil {
		return "", false
	}
	f, l := field.Term, lit.Term
	if f.Type != gojq.TermTypeIndex || f.Index.Name != "kind" || len(f.SuffixList) > 0 {
		return "", false
	}
	if l.Type != gojq.TermTypeString || len(l.Str.Queries) > 0 || len(l.SuffixList) > 0 {
		return "", false
	}
	return l.Str.Str, true
}
