package record

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strings"

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
// Line is linear in the line's length: one pass for names, one bytes.Index
// sweep per path prefix, and one look at every eighth byte for secrets
// met before. A Redactor is not safe for concurrent use (the Writer holds
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

// Kinds lists the kinds of value this Redactor replaces, for the header.
func (r *Redactor) Kinds() []string {
	if r.issued.hasPinned() {
		return slices.Sorted(slices.Values(append(slices.Clone(r.rules.kinds), "secret")))
	}
	return r.rules.kinds
}

// Value returns the placeholder for value, a secret of kind known outside
// any line (a context field the protocol marks secret), and remembers it
// so that it is replaced wherever it appears.
func (r *Redactor) Value(kind, value string) string {
	if value == "" || isPlaceholder([]byte(value)) {
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
		r.edits[f.edit].text = r.issued.lookup(f.kind, f.value, i >= keepFrom)
	}
	r.edits = r.issued.hunt(line, r.edits)
	r.issued.mu.Unlock()
	if len(r.edits) == 0 {
		return line
	}
	return r.apply(line)
}

// identByte marks the bytes of a field, parameter or header name.
var identByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
	}
	return t
}()

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// scanNames walks the line once, name by name, and records the value of
// every name the rules list where it stands as a field, a parameter or a
// header. Values are skipped over, so no byte is looked at twice.
func (r *Redactor) scanNames(line []byte) {
	var noEnd uint64 // depths at which no string ends any more (see stringEndAt)
	n := len(line)
	for i := 0; i < n; {
		for i < n && !identByte[line[i]] {
			i++
		}
		a := i
		for i < n && identByte[line[i]] {
			i++
		}
		b := i
		if a == b {
			break // the end of the line
		}
		// A name glued to an escape sequence: the n of \n, the u0026 of
		// \u0026 (an & escaped in JSON) before a query parameter.
		// Any run of backslashes before it makes its first byte an
		// escape letter, at one depth of nesting or another.
		escaped := byte(0)
		if a > 0 && line[a-1] == '\\' {
			if line[a] == 'u' && b-a > 5 {
				if string(line[a+1:a+5]) == "0026" {
					escaped = '&'
				}
				a += 5
			} else {
				escaped, a = line[a], a+1
			}
		}
		if b >= n || b-a < 1 || b-a > maxName || r.rules.byFirst[lower(line[a])]&(1<<(b-a)) == 0 {
			continue
		}
		switch line[b] {
		case '"', '\\':
			if end := r.jsonField(line, a, b, &noEnd); end > 0 {
				i = end
			}
		case '=':
			if end := r.param(line, a, b, escaped); end > 0 {
				i = end
			}
		case ':':
			if end := r.headerLine(line, a, b, escaped); end > 0 {
				i = end
			}
		}
	}
}

// name returns the lower-case name line[a:b], in scratch space.
func (r *Redactor) name(line []byte, a, b int) []byte {
	r.low = r.low[:0]
	for _, c := range line[a:b] {
		r.low = append(r.low, lower(c))
	}
	return r.low
}

// backslashes counts the backslashes that end at line[i] (inclusive).
func backslashes(line []byte, i int) int {
	k := 0
	for ; i >= 0 && line[i] == '\\'; i-- {
		k++
	}
	return k
}

// quoteDepth tells how deeply the quote at line[q] is nested in JSON
// strings: a quote of the line's own JSON has no backslash before it
// (depth 1), one of JSON inside a string (a frame's data) has one
// (depth 2), one inside a string inside that has three (depth 3), and so
// on: 2^(depth-1)-1. It returns the number of backslashes, or -1 when q is
// not such a quote.
func quoteDepth(line []byte, q int) int {
	if q < 0 || line[q] != '"' {
		return -1
	}
	k := backslashes(line, q-1)
	if k&(k+1) != 0 || k > 63 { // k+1 must be a power of two
		return -1
	}
	return k
}

// quoteAt reports whether line[i:] starts with k backslashes and a quote.
func quoteAt(line []byte, i, k int) bool {
	if i+k >= len(line) || line[i+k] != '"' {
		return false
	}
	for j := i; j < i+k; j++ {
		if line[j] != '\\' {
			return false
		}
	}
	return true
}

func skipSpace(line []byte, j int) int {
	for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
		j++
	}
	return j
}

// jsonField handles a name followed by a quote: "name": "value" at any
// depth of nesting. It returns where scanning goes on, or 0.
func (r *Redactor) jsonField(line []byte, a, b int, noEnd *uint64) int {
	k := quoteDepth(line, a-1)
	if k < 0 || !quoteAt(line, b, k) {
		return 0
	}
	j := skipSpace(line, b+k+1)
	if j >= len(line) || line[j] != ':' {
		return 0
	}
	j = skipSpace(line, j+1)
	if !quoteAt(line, j, k) {
		return 0 // not a string: a number, an object, null
	}
	kind, header := r.fieldKind(line, a, b, k)
	if kind == "" {
		return 0
	}
	from := j + k + 1
	to := stringEndAt(line, from, k, noEnd)
	if to < 0 {
		return 0
	}
	if header {
		from += schemeLen(line[from:to])
	}
	r.add(line, from, to, kind, func(v []byte) string { return unescapeJSON(v, k) })
	return to
}

// fieldKind looks the name line[a:b] up: as "parent.name" when it is the
// first member of parent's object, then as a plain field, then as a
// header.
func (r *Redactor) fieldKind(line []byte, a, b, k int) (kind string, header bool) {
	name := r.name(line, a, b)
	if parents, ok := r.rules.nested[string(name)]; ok {
		if p := parentName(line, a-1-k); p != nil {
			if kind, ok := parents[string(r.name(p, 0, len(p)))]; ok {
				return kind, false
			}
			name = r.name(line, a, b)
		}
	}
	if kind, ok := r.rules.fields[string(name)]; ok {
		return kind, false
	}
	if kind, ok := r.rules.headers[string(name)]; ok {
		return kind, true
	}
	return "", false
}

// parentName returns the name of the object whose first member's opening
// quote (with its backslashes) starts at q: the parent of "parent":{"name"…
// It looks back over a bounded stretch, so it costs O(1).
func parentName(line []byte, q int) []byte {
	j := q
	back := func() {
		for j > 0 && q-j < 64 && (line[j-1] == ' ' || line[j-1] == '\t') {
			j--
		}
	}
	back()
	if j == 0 || line[j-1] != '{' {
		return nil
	}
	j--
	back()
	if j == 0 || line[j-1] != ':' {
		return nil
	}
	j--
	back()
	// the parent's closing quote, with the same escaping
	if j == 0 || line[j-1] != '"' {
		return nil
	}
	j--
	for j > 0 && line[j-1] == '\\' {
		j--
	}
	end := j
	for j > 0 && end-j < maxName && identByte[line[j-1]] {
		j--
	}
	if j == end {
		return nil
	}
	return line[j:end]
}

// stringEndAt returns the index of the backslashes before the quote that
// closes a string at depth k (2^(d-1)-1 backslashes) whose contents start
// at from, or -1. At depth d a closing quote is preceded by a run of
// backslashes whose length is k modulo 2^d; an escaped quote inside the
// string has another. noEnd remembers depths with no closing quote left,
// so a line full of unterminated strings stays linear.
func stringEndAt(line []byte, from, k int, noEnd *uint64) int {
	bit := uint64(1) << (k & 63)
	if *noEnd&bit != 0 {
		return -1
	}
	mod := 2 * (k + 1)
	for j := from; j < len(line); {
		q := bytes.IndexByte(line[j:], '"')
		if q < 0 {
			break
		}
		q += j
		run := 0
		for p := q - 1; p >= from && line[p] == '\\'; p-- {
			run++
		}
		if run%mod == k && run >= k {
			return q - k
		}
		j = q + 1
	}
	*noEnd |= bit
	return -1
}

// unescapeJSON undoes depth k's escaping (k = 2^(d-1)-1: d-1 levels
// beyond the line's own, and the line's own) of a string's contents, so
// that the same secret has the same canonical value wherever it is.
func unescapeJSON(v []byte, k int) string {
	s := string(v)
	for levels := bitsLen(k + 1); levels > 0; levels-- {
		if !strings.ContainsRune(s, '\\') {
			return s
		}
		var out string
		if err := json.Unmarshal([]byte(`"`+s+`"`), &out); err != nil {
			return s
		}
		s = out
	}
	return s
}

// bitsLen is the depth of nesting of a string whose quotes have k
// backslashes before them: 1 for k = 0, 2 for 1, 3 for 3.
func bitsLen(x int) int {
	n := 0
	for ; x > 0; x >>= 1 {
		n++
	}
	return n
}

// param handles name=value in a query string, a form body or a cookie:
// only where a parameter can start (after ?, &, ;, #, or at the start of
// a string), never after a word in a sentence.
func (r *Redactor) param(line []byte, a, b int, escaped byte) int {
	ok := escaped == '&' || escaped == 'n' // after \u0026 (an escaped &) or a newline
	if escaped == 0 {
		switch {
		case a == 0:
			ok = true
		default:
			p := a - 1
			if line[p] == ' ' && p > 0 && line[p-1] == ';' {
				p-- // "a=b; token=c" in a cookie
			}
			switch line[p] {
			case '?', '&', ';', '#':
				ok = true
			case '"':
				ok = quoteDepth(line, p) >= 0
			}
		}
	}
	if !ok {
		return 0
	}
	name := r.name(line, a, b)
	kind, known := r.rules.fields[string(name)]
	if !known {
		return 0
	}
	from := b + 1
	to := from
	for to < len(line) && !isValueEnd(line[to]) {
		to++
	}
	if to == from {
		return 0
	}
	r.add(line, from, to, kind, func(v []byte) string {
		if s, err := url.PathUnescape(string(v)); err == nil {
			return s
		}
		return string(v)
	})
	return to
}

func isValueEnd(c byte) bool {
	switch c {
	case '&', '"', '\\', ' ', '\t', '\r', '\n', '#', ',', ';', '\'', '<', '>':
		return true
	}
	return false
}

// headerLine handles "Name: value" for a header the rules list, at the
// start of a line of text (the start of the line, or after a newline,
// raw or escaped).
func (r *Redactor) headerLine(line []byte, a, b int, escaped byte) int {
	if b+1 >= len(line) || line[b+1] != ' ' {
		return 0
	}
	if !(a == 0 || escaped == 'n' || line[a-1] == '\n') {
		return 0
	}
	kind, ok := r.rules.headers[string(r.name(line, a, b))]
	if !ok {
		return 0
	}
	from := b + 2
	to := from
	for to < len(line) && line[to] != '\r' && line[to] != '\n' && line[to] != '"' && line[to] != '\\' {
		to++
	}
	from += schemeLen(line[from:to])
	r.add(line, from, to, kind, func(v []byte) string { return string(v) })
	return to
}

// schemeLen is the length of a leading "Bearer " or "Basic " to keep.
func schemeLen(v []byte) int {
	i := bytes.IndexByte(v, ' ')
	if i <= 0 || i > 10 {
		return 0
	}
	for _, c := range v[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return 0
		}
	}
	return i + 1
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

// add records line[from:to] as a secret of kind unless it is empty or
// already a placeholder.
func (r *Redactor) add(line []byte, from, to int, kind string, canonical func([]byte) string) {
	v := line[from:to]
	if len(v) == 0 || isPlaceholder(v) {
		return
	}
	r.found = append(r.found, found{edit: len(r.edits), kind: kind, value: canonical(v)})
	r.edits = append(r.edits, edit{from: from, to: to})
}

func isPlaceholder(v []byte) bool { return bytes.HasPrefix(v, []byte(PlaceholderPrefix)) }

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
