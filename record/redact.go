package record

import (
	"bytes"
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
)

// PlaceholderPrefix starts every placeholder a Redactor writes. A
// placeholder is made only of URL-unreserved characters
// (REDACTED-<kind>-<n>), so it stays valid inside JSON strings, query
// strings, form bodies and headers, and a client given a redacted URL
// builds it unchanged.
const PlaceholderPrefix = "REDACTED-"

// secretKeys maps the lower-case name of a field, query parameter, form
// field or header that holds a secret to the kind reported for it.
var secretKeys = map[string]string{
	"access_token":    "access_token",
	"refresh_token":   "refresh_token",
	"ws_access_token": "ws_access_token",
	"assertion":       "assertion",
	"client_secret":   "client_secret",
	"password":        "password",
	"token":           "token",
	"wsc":             "wsc",
	"apikey":          "apikey",
	"api_key":         "apikey",
	"authorization":   "authorization",
	"encryptionkey":   "encryptionKey",
	"secretkey":       "secretKey",
	"id_token":        "id_token",
}

// needles are substrings that every spelling of a key in secretKeys
// contains (token, Token, TOKEN, apiKey, encryptionKey, Authorization, …).
// They are searched case-sensitively and mostly start with a rare byte,
// so that a line is scanned quickly; a hit is then widened to the whole
// identifier and looked up case-insensitively.
var needles = [][]byte{
	[]byte("ke"), []byte("Ke"), []byte("KE"), // token, apikey, secretKey, encryptionKey
	[]byte("za"), []byte("ZA"), // authorization
	[]byte("wsc"), []byte("WSC"),
	[]byte("assertion"), []byte("_secret"), []byte("password"), []byte("Password"),
}

// RedactedKinds lists every kind of value a Redactor replaces by key, for
// the recording header. It never lists values.
func RedactedKinds(withLiterals bool) []string {
	seen := map[string]bool{}
	var kinds []string
	for _, k := range secretKeys {
		if !seen[k] {
			seen[k] = true
			kinds = append(kinds, k)
		}
	}
	if withLiterals {
		kinds = append(kinds, "secret")
	}
	sort.Strings(kinds)
	return kinds
}

// Redactor replaces secrets in encoded lines with stable placeholders:
// the same secret value always becomes the same placeholder, whatever
// field it was found in, so a reader can still see that the wsc token in
// a URL is the one the server sent. It is not safe for concurrent use;
// the Writer holds it under its lock.
type Redactor struct {
	placeholders map[string]string // secret value → placeholder
	counts       map[string]int    // kind → placeholders made
	literals     []literal
	ident        []byte
	out          []byte
}

type literal struct {
	forms [][]byte // the value as it can appear in a line: JSON-escaped once and twice, query-escaped
	value string
}

// minLiteral is the shortest literal secret replaced wherever it appears;
// shorter ones would turn ordinary text into placeholders.
const minLiteral = 4

// NewRedactor returns a Redactor that also replaces each of the literal
// secrets (a client secret, a JWT) wherever it appears. Literals shorter
// than 4 bytes are ignored.
func NewRedactor(literals []string) *Redactor {
	r := &Redactor{placeholders: map[string]string{}, counts: map[string]int{}}
	for _, s := range literals {
		if len(s) < minLiteral {
			continue
		}
		once := jsonEscape(s)
		twice := jsonEscape(string(once))
		forms := [][]byte{once}
		for _, f := range [][]byte{twice, []byte(url.QueryEscape(s))} {
			if !bytes.Equal(f, once) {
				forms = append(forms, f)
			}
		}
		r.literals = append(r.literals, literal{forms: forms, value: s})
	}
	// Longest first, so that a secret containing another is replaced whole.
	sort.Slice(r.literals, func(i, j int) bool { return len(r.literals[i].value) > len(r.literals[j].value) })
	return r
}

// jsonEscape returns s as it appears between the quotes of a JSON string.
func jsonEscape(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	out := bytes.TrimSpace(b.Bytes())
	return out[1 : len(out)-1]
}

// placeholder returns the stable placeholder for value.
func (r *Redactor) placeholder(kind, value string) string {
	if p, ok := r.placeholders[value]; ok {
		return p
	}
	r.counts[kind]++
	p := PlaceholderPrefix + kind + "-" + strconv.Itoa(r.counts[kind])
	r.placeholders[value] = p
	return p
}

// placeholderOf is placeholder without allocating for a value seen before.
func (r *Redactor) placeholderOf(kind string, value []byte) string {
	if p, ok := r.placeholders[string(value)]; ok {
		return p
	}
	return r.placeholder(kind, string(value))
}

// Value redacts a whole value known to be a secret of kind (for example
// a recovery token held outside any line).
func (r *Redactor) Value(kind, value string) string {
	if value == "" || isPlaceholder([]byte(value)) {
		return value
	}
	return r.placeholder(kind, value)
}

// String redacts a string as Line does.
func (r *Redactor) String(s string) string {
	return string(r.Line([]byte(s)))
}

// Line returns line with every secret replaced. The result may share
// memory with the Redactor and is valid until the next call. Lines with
// nothing to redact are returned as they are, without copying.
func (r *Redactor) Line(line []byte) []byte {
	if edits := r.keyedSecrets(line); len(edits) > 0 {
		line = r.apply(line, edits)
	}
	if len(r.literals) > 0 {
		line = r.replaceLiterals(line)
	}
	return line
}

// edit replaces line[from:to] with text.
type edit struct {
	from, to int
	text     string
}

func isIdent(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func isPlaceholder(v []byte) bool { return bytes.HasPrefix(v, []byte(PlaceholderPrefix)) }

// keyedSecrets finds values named by a secret key in JSON (plain or
// escaped inside a JSON string), query strings, form bodies and headers.
func (r *Redactor) keyedSecrets(line []byte) []edit {
	var edits []edit
	last := 0 // end of the last edit; edits never overlap
	for _, n := range needles {
		for start := 0; ; {
			i := bytes.Index(line[start:], n)
			if i < 0 {
				break
			}
			i += start
			start = i + len(n)
			// Extend the hit to the whole identifier around it.
			a, b := i, i+len(n)
			a = identStart(line, a)
			for b < len(line) && isIdent(line[b]) {
				b++
			}
			start = b
			r.ident = r.ident[:0]
			for _, c := range line[a:b] {
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				r.ident = append(r.ident, c)
			}
			kind, ok := secretKeys[string(r.ident)]
			if !ok {
				continue
			}
			from, to, keep := valueAfterKey(line, a, b)
			if from < 0 || to <= from || from < last && overlaps(edits, from, to) {
				continue
			}
			v := line[from:to]
			if keep > 0 {
				v = v[keep:]
				from += keep
			}
			if len(v) == 0 || isPlaceholder(v) {
				continue
			}
			if kind == "token" && inRecoveryObject(line, a) {
				kind = "wsc"
			}
			edits = append(edits, edit{from, to, r.placeholderOf(kind, v)})
			if to > last {
				last = to
			}
		}
	}
	return edits
}

// identStart extends an identifier left from a, stopping at an escape
// sequence glued to it (the n of \n, the 0026 of \u0026 before a query
// parameter in a JSON string).
func identStart(l []byte, a int) int {
	for a > 0 && isIdent(l[a-1]) {
		if a >= 2 && l[a-2] == '\\' {
			break
		}
		if a >= 6 && l[a-6] == '\\' && l[a-5] == 'u' {
			break
		}
		a--
	}
	return a
}

func overlaps(edits []edit, from, to int) bool {
	for _, e := range edits {
		if from < e.to && e.from < to {
			return true
		}
	}
	return false
}

// valueAfterKey finds the value that the key at line[a:b] names. It
// returns the value's bounds and how many leading bytes to keep (an
// authorization scheme such as "Bearer "), or from = -1 if the key does
// not name a string value here.
func valueAfterKey(line []byte, a, b int) (from, to, keep int) {
	// JSON key: "key" : "value", or \"key\" : \"value\" inside a string.
	if a > 0 && line[a-1] == '"' {
		escaped := a > 1 && line[a-2] == '\\'
		j := -1
		switch {
		case escaped && bytes.HasPrefix(line[b:], []byte(`\"`)):
			j = b + 2
		case !escaped && b < len(line) && line[b] == '"':
			j = b + 1
		}
		if j < 0 {
			return -1, -1, 0
		}
		j = skipSpace(line, j)
		if j >= len(line) || line[j] != ':' {
			return -1, -1, 0
		}
		j = skipSpace(line, j+1)
		if escaped {
			if !bytes.HasPrefix(line[j:], []byte(`\"`)) {
				return -1, -1, 0
			}
			from = j + 2
			end := bytes.Index(line[from:], []byte(`\"`))
			if end < 0 {
				return -1, -1, 0
			}
			to = from + end
		} else {
			if j >= len(line) || line[j] != '"' {
				return -1, -1, 0
			}
			from = j + 1
			to = stringEnd(line, from)
			if to < 0 {
				return -1, -1, 0
			}
		}
		return from, to, schemeLen(line[from:to])
	}
	// Query string or form field: key=value.
	if b < len(line) && line[b] == '=' {
		from = b + 1
		to = from
		for to < len(line) && !isValueEnd(line[to]) {
			to++
		}
		return from, to, 0
	}
	// Header: Key: value (keep the scheme).
	if b+1 < len(line) && line[b] == ':' && line[b+1] == ' ' {
		from = b + 2
		to = from
		for to < len(line) && line[to] != '\r' && line[to] != '\n' && line[to] != '"' && line[to] != '\\' {
			to++
		}
		return from, to, schemeLen(line[from:to])
	}
	return -1, -1, 0
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

func isValueEnd(c byte) bool {
	switch c {
	case '&', '"', '\\', ' ', '\t', '\r', '\n', '#', ',', ';', '\'', '<', '>':
		return true
	}
	return false
}

func skipSpace(line []byte, j int) int {
	for j < len(line) && (line[j] == ' ' || line[j] == '\t' || line[j] == '\n' || line[j] == '\r') {
		j++
	}
	return j
}

// stringEnd returns the index of the quote closing a JSON string whose
// contents start at from, or -1.
func stringEnd(line []byte, from int) int {
	for j := from; j < len(line); j++ {
		switch line[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return -1
}

// inRecoveryObject reports whether the "token" key starting at a sits in
// an object under "wsc" or "recovery": the session-recovery token.
func inRecoveryObject(line []byte, a int) bool {
	if a == 0 {
		return false
	}
	j := a - 1 // the opening quote
	if j > 0 && line[j-1] == '\\' {
		j--
	}
	for j > 0 && (line[j-1] == ' ' || line[j-1] == '\t') {
		j--
	}
	if j == 0 || line[j-1] != '{' {
		return false
	}
	j--
	for j > 0 && line[j-1] == ' ' {
		j--
	}
	if j == 0 || line[j-1] != ':' {
		return false
	}
	head := bytes.TrimRight(line[:j-1], " \\\"")
	return bytes.HasSuffix(head, []byte("wsc")) || bytes.HasSuffix(head, []byte("recovery"))
}

func (r *Redactor) apply(line []byte, edits []edit) []byte {
	sort.Slice(edits, func(i, j int) bool { return edits[i].from < edits[j].from })
	r.out = r.out[:0]
	at := 0
	for _, e := range edits {
		if e.from < at {
			continue
		}
		r.out = append(r.out, line[at:e.from]...)
		r.out = append(r.out, e.text...)
		at = e.to
	}
	r.out = append(r.out, line[at:]...)
	return r.out
}

func (r *Redactor) replaceLiterals(line []byte) []byte {
	for _, l := range r.literals {
		for _, f := range l.forms {
			if !bytes.Contains(line, f) {
				continue
			}
			p := r.placeholder("secret", l.value)
			line = bytes.ReplaceAll(line, f, []byte(p))
		}
	}
	return line
}
