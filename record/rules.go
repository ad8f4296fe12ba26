package record

import (
	"maps"
	"slices"
	"strings"
)

// Rules say where a protocol carries secrets, so that a Redactor replaces
// exactly those values and never ordinary text that happens to follow a
// word like "token". Each provider supplies its own (the registry passes
// them in Options.Rules); DefaultRules apply to every recording on top.
//
// A name is matched case-insensitively. Kinds are written into the
// placeholders (REDACTED-<kind>-<id>) and listed in the header; they must
// be made of letters, digits and _.~- (other bytes become _).
type Rules struct {
	// Fields maps the name of a JSON field, URL query parameter or form
	// field whose string value is secret to its kind:
	// {"access_token": "access_token"}. A name written "parent.name"
	// matches name only as the first member of an object that is the
	// value of parent ({"wsc":{"token":…}}, as providers and evtap
	// write them), and wins over a plain "name" there.
	Fields map[string]string
	// Headers are HTTP header names whose values are secret: in an http
	// frame's header object, and as a "Name: value" line at the start of
	// a line of text. The header's lower-case name is its kind. A leading
	// scheme ("Bearer ", "Basic ") is kept.
	Headers []string
	// PathTokens are URL path segments that are tokens, such as
	// Dialpad's /events/<token>.
	PathTokens []PathToken
}

// PathToken says that in a URL the path segment after Prefix is a token.
// Prefix starts and ends with a slash ("/events/"); it is matched only
// inside a URL (right after a host or port), not in free text.
type PathToken struct {
	Prefix string
	Kind   string
}

// DefaultRules are what every recording redacts, whatever the provider:
// the OAuth 2.0 credentials and tokens, API keys, a field named "token",
// the recovery token of protocol.State, and credential headers.
func DefaultRules() Rules {
	return Rules{
		Fields: map[string]string{
			"access_token":   "access_token",
			"refresh_token":  "refresh_token",
			"id_token":       "id_token",
			"client_secret":  "client_secret",
			"assertion":      "assertion",
			"password":       "password",
			"code_verifier":  "code_verifier",
			"api_key":        "apikey",
			"apikey":         "apikey",
			"token":          "token",
			"recovery.token": "recovery_token",
		},
		Headers: []string{"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"},
	}
}

// Merge returns the rules of r and o together; for a name in both, o's
// kind wins. Neither r nor o is changed.
func (r Rules) Merge(o Rules) Rules {
	out := Rules{Fields: make(map[string]string, len(r.Fields)+len(o.Fields))}
	for k, v := range r.Fields {
		out.Fields[strings.ToLower(k)] = v
	}
	for k, v := range o.Fields {
		out.Fields[strings.ToLower(k)] = v
	}
	seen := map[string]bool{}
	for _, h := range slices.Concat(r.Headers, o.Headers) {
		h = strings.ToLower(h)
		if !seen[h] {
			seen[h] = true
			out.Headers = append(out.Headers, h)
		}
	}
	paths := map[string]string{}
	for _, p := range slices.Concat(r.PathTokens, o.PathTokens) {
		paths[p.Prefix] = p.Kind
	}
	for _, prefix := range slices.Sorted(maps.Keys(paths)) {
		out.PathTokens = append(out.PathTokens, PathToken{Prefix: prefix, Kind: paths[prefix]})
	}
	return out
}

// Kinds lists, sorted, every kind of value the rules replace: what a
// recording header's "redacted" says. It never lists values.
func (r Rules) Kinds() []string {
	set := map[string]bool{}
	for _, k := range r.Fields {
		set[cleanKind(k)] = true
	}
	for _, h := range r.Headers {
		set[cleanKind(strings.ToLower(h))] = true
	}
	for _, p := range r.PathTokens {
		set[cleanKind(p.Kind)] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// cleanKind makes a kind safe inside a placeholder, which must stay valid
// in JSON strings, URLs, form bodies and headers.
func cleanKind(k string) string {
	if k == "" {
		return "secret"
	}
	b := []byte(k)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '~' || c == '-') {
			b[i] = '_'
		}
	}
	if len(b) > 32 {
		b = b[:32]
	}
	return string(b)
}

// ruleSet is Rules compiled for the scanner.
type ruleSet struct {
	fields  map[string]string            // lower name → kind
	nested  map[string]map[string]string // lower name → lower parent → kind
	headers map[string]string            // lower header name → kind
	paths   []PathToken
	// byFirst[c] has bit n set when some name of length n starts with
	// the lower-case byte c: most identifiers in a line are rejected
	// without a map lookup.
	byFirst [256]uint64
	kinds   []string
}

// maxName is the longest field or header name the scanner considers.
const maxName = 63

func compileRules(r Rules) *ruleSet {
	rs := &ruleSet{fields: map[string]string{}, nested: map[string]map[string]string{}, headers: map[string]string{}, kinds: r.Kinds()}
	note := func(name string) {
		if n := len(name); n > 0 && n <= maxName {
			rs.byFirst[name[0]] |= 1 << n
		}
	}
	for name, kind := range r.Fields {
		name, kind = strings.ToLower(name), cleanKind(kind)
		if parent, child, ok := strings.Cut(name, "."); ok && parent != "" && child != "" {
			if rs.nested[child] == nil {
				rs.nested[child] = map[string]string{}
			}
			rs.nested[child][parent] = kind
			note(child)
			continue
		}
		rs.fields[name] = kind
		note(name)
	}
	for _, h := range r.Headers {
		h = strings.ToLower(h)
		rs.headers[h] = cleanKind(h)
		note(h)
	}
	for _, p := range r.PathTokens {
		if p.Prefix != "" {
			rs.paths = append(rs.paths, PathToken{Prefix: p.Prefix, Kind: cleanKind(p.Kind)})
		}
	}
	return rs
}
