package record

import (
	"bytes"
	"net/url"
	"slices"

	"github.com/evtap/evtap/protocol"
)

// PlaceholderPrefix starts every placeholder a Redactor writes. A
// placeholder (REDACTED-<kind>-<12 hex digits>) is made only of
// URL-unreserved characters, so it stays valid inside JSON strings, query
// strings, form bodies and headers, and a client given a redacted URL
// builds it unchanged.
const PlaceholderPrefix = "REDACTED-"

// Redactor replaces secrets in encoded lines with placeholders: the values
// its Rules name (JSON fields, query and form parameters, header lines,
// URL path tokens), and every secret it has met before wherever it shows
// up again (see Issued). Free text is never touched because of a word in
// it: "Your login token: 123456" stays as it is.
//
// The same value always gets the same placeholder, so a reader can still
// see that the token in a reconnect URL is the one the server issued.
//
// Line is linear in the line's length: one pass over the line's ':' and
// '=' for names (scanNames), one bytes.Index sweep per path prefix, and
// one look at every eighth byte for secrets met before. A Redactor is not safe for concurrent use (the Writer holds
// it under its lock); the Issued it shares is.
type Redactor struct {
	rules  *ruleSet
	issued *Issued
	edits  []edit
	found  []found
	low    []byte
	out    []byte
}

// edit replaces line[from:to] with text.
type edit struct {
	from, to int
	text     string
}

// found is a value the rules named, before its placeholder is known.
type found struct {
	edit  int // index in Redactor.edits
	kind  string
	value string // canonical: unescaped as many times as it was escaped
	// raw is the value as the line holds it when that is already its
	// canonical form (no escape in it), value then "": a secret met
	// before is looked up without copying it out of the line.
	raw []byte
}

// NewRedactor returns a Redactor for rules (DefaultRules are always
// added) that also replaces each literal secret (a client secret, a JWT
// given on the command line; at least 4 bytes) wherever it appears.
// issued is the session's shared memory of secrets; nil gives this
// Redactor one of its own.
func NewRedactor(rules Rules, literals []string, issued *Issued) *Redactor {
	if issued == nil {
		issued = NewIssued()
	}
	for _, s := range literals {
		issued.Pin(s)
	}
	return &Redactor{rules: compileRules(DefaultRules().Merge(rules)), issued: issued}
}

// Kinds lists the kinds of value this Redactor replaces, for the header:
// each once, sorted (a provider's rules may name a kind "secret" too).
func (r *Redactor) Kinds() []string {
	if r.issued.hasPinned() {
		return slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(r.rules.kinds), "secret"))))
	}
	return r.rules.kinds
}

// Value returns the placeholder for value, a secret of kind known outside
// any line (a context field the protocol marks secret, a credential the
// session masks as it publishes it), and remembers it so that it is
// replaced wherever it appears. Unlike Line, Value is safe for concurrent
// use: it touches only the shared Issued.
func (r *Redactor) Value(kind, value string) string {
	if value == "" || isPlaceholder([]byte(value)) || isMasked([]byte(value)) {
		return value
	}
	r.issued.mu.Lock()
	defer r.issued.mu.Unlock()
	return r.issued.lookup(cleanKind(kind), value, true)
}

// String redacts a string as Line does.
func (r *Redactor) String(s string) string {
	return string(r.Line([]byte(s)))
}

// Line returns line with every secret replaced. The result may share
// memory with the Redactor and is valid until the next call. A line with
// nothing to redact is returned as it is, without copying.
func (r *Redactor) Line(line []byte) []byte {
	r.edits, r.found = r.edits[:0], r.found[:0]
	r.scanNames(line)
	r.scanPaths(line)
	if len(r.edits) == 0 && r.issued.hunted.Load() == 0 {
		return line
	}
	r.issued.mu.Lock()
	// Only the last MaxIssued new secrets of a line could be remembered
	// anyway: the ones before would be forgotten at once.
	keepFrom := len(r.found) - MaxIssued
	for i, f := range r.found {
		if f.raw != nil {
			r.edits[f.edit].text = r.issued.lookupBytes(f.kind, f.raw, i >= keepFrom)
		} else {
			r.edits[f.edit].text = r.issued.lookup(f.kind, f.value, i >= keepFrom)
		}
	}
	r.edits = r.issued.hunt(line, r.edits)
	r.issued.mu.Unlock()
	if len(r.edits) == 0 {
		return line
	}
	return r.apply(line)
}

// scanPaths finds the path segments the rules call tokens, in URLs only:
// the prefix must follow a host or a port, not a space.
func (r *Redactor) scanPaths(line []byte) {
	for _, p := range r.rules.paths {
		prefix := []byte(p.Prefix)
		for at := 0; ; {
			i := bytes.Index(line[at:], prefix)
			if i < 0 {
				break
			}
			i += at
			at = i + len(prefix)
			if i == 0 || !isHostByte(line[i-1]) {
				continue
			}
			from := i + len(prefix)
			to := from
			for to < len(line) && !isSegmentEnd(line[to]) {
				to++
			}
			at = to
			if to > from {
				r.add(line, from, to, p.Kind, func(v []byte) string {
					if s, err := url.PathUnescape(string(v)); err == nil {
						return s
					}
					return string(v)
				})
			}
		}
	}
}

func isHostByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == ']' || c == '_'
}

func isSegmentEnd(c byte) bool {
	return isValueEnd(c) || c == '/' || c == '?'
}

// add records line[from:to] as a secret of kind unless it is empty,
// already a placeholder or already masked.
func (r *Redactor) add(line []byte, from, to int, kind string, canonical func([]byte) string) {
	v := line[from:to]
	if len(v) == 0 || isPlaceholder(v) || isMasked(v) {
		return
	}
	f := found{edit: len(r.edits), kind: kind}
	if bytes.IndexByte(v, '\\') < 0 && bytes.IndexByte(v, '%') < 0 {
		f.raw = v // no JSON or URL escape: canonical as it stands
	} else {
		f.value = canonical(v)
	}
	r.found = append(r.found, f)
	r.edits = append(r.edits, edit{from: from, to: to})
}

func isPlaceholder(v []byte) bool { return bytes.HasPrefix(v, []byte(PlaceholderPrefix)) }

// isMasked reports a value another layer has masked already ("***", as
// the session and the raw provider write): the secret is not there to
// derive a placeholder from, and a placeholder derived from the mask
// would name every masked secret alike.
func isMasked(v []byte) bool {
	if len(v) == 0 {
		return false
	}
	for _, c := range v {
		if c != '*' {
			return false
		}
	}
	return true
}

// apply writes the line with the edits made; where two overlap, the
// placeholder of the one that starts first (the longer, at the same
// start) replaces both.
func (r *Redactor) apply(line []byte) []byte {
	slices.SortFunc(r.edits, func(x, y edit) int {
		if x.from != y.from {
			return x.from - y.from
		}
		return y.to - x.to
	})
	r.out = r.out[:0]
	at := 0
	for _, e := range r.edits {
		if e.from < at {
			// Overlapping secrets: the placeholder already written
			// stands for both, so no byte of either survives.
			at = max(at, e.to)
			continue
		}
		r.out = append(r.out, line[at:e.from]...)
		r.out = append(r.out, e.text...)
		at = e.to
	}
	r.out = append(r.out, line[at:]...)
	return r.out
}

// jsonEscape returns s as it appears between the quotes of a JSON string
// written by encoding/json with HTML escaping off, as the Writer writes.
func jsonEscape(s string) []byte {
	return protocol.AppendJSONStringBody(nil, s)
}

// hasPinned reports whether any literal secret is remembered.
func (s *Issued) hasPinned() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.values {
		if v.pinned {
			return true
		}
	}
	return false
}
