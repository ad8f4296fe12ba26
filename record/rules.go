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
	// PathTokens are URL path segments that are tokens, such as a
	// socket URL of the form /events/<token>.
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
	names map[string]*nameRule // lower name → what it is: one lookup per name met
	paths []PathToken
	// byFirst[c] has bit n set when some name of length n starts with
	// the lower-case byte c: most identifiers in a line are rejected
	// without a map lookup.
	byFirst [256]uint64
	// endsIn has the bit of identPair(x, y) set when some name ends
	// with the bytes x y, or with y alone: the scanner, which meets a
	// name at its end, passes over most names on their last two bytes.
	endsIn [64 * 64 / 64]uint64
	kinds  []string
}

// identCode numbers the bytes a name is made of, 1 to 63, a letter's
// cases alike; any other byte is 0.
var identCode = func() (t [256]uint8) {
	code := uint8(1)
	for c := 0; c < 256; c++ {
		if identByte[c] && !(c >= 'A' && c <= 'Z') {
			t[c] = code
			code++
		}
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = t[c+'a'-'A']
	}
	return t
}()

// identPair packs the codes of a name's last two bytes (x is 0 for a
// name of one byte).
func identPair(x, y byte) uint { return uint(identCode[x])<<6 | uint(identCode[y]) }

// endsWith reports whether a name the rules list may end with the bytes
// x y (y alone when x is not a byte of a name).
func (rs *ruleSet) endsWith(x, y byte) bool {
	k := identPair(x, y)
	return rs.endsIn[k/64]&(1<<(k%64)) != 0
}

// mayEnd reports whether a name the rules list may end at line[b] (the
// name is line[a:b] for some a, line[b-1] a byte of it).
func (rs *ruleSet) mayEnd(line []byte, b int) bool {
	x := byte(0)
	if b >= 2 {
		x = line[b-2]
	}
	k := identPair(x, line[b-1])
	return rs.endsIn[k/64]&(1<<(k%64)) != 0
}

// nameRule is what the rules say of one name.
type nameRule struct {
	field   string            // its kind as a field or parameter; "" if none
	header  string            // its kind as a header; "" if none
	parents map[string]string // lower parent → kind, for "parent.name"
}

// rule returns name's entry, made on first use.
func (rs *ruleSet) rule(name string) *nameRule {
	nr := rs.names[name]
	if nr == nil {
		nr = &nameRule{}
		rs.names[name] = nr
	}
	return nr
}

// maxName is the longest field or header name the scanner considers.
const maxName = 63

func compileRules(r Rules) *ruleSet {
	rs := &ruleSet{names: map[string]*nameRule{}, kinds: r.Kinds()}
	note := func(name string) {
		if n := len(name); n > 0 && n <= maxName {
			rs.byFirst[name[0]] |= 1 << n
			if n == 1 {
				// whatever precedes it: another name's byte, an
				// escape letter's backslash, a quote
				for x := 0; x < 256; x++ {
					k := identPair(byte(x), name[0])
					rs.endsIn[k/64] |= 1 << (k % 64)
				}
			} else {
				k := identPair(name[n-2], name[n-1])
				rs.endsIn[k/64] |= 1 << (k % 64)
			}
		}
	}
	for name, kind := range r.Fields {
		name, kind = strings.ToLower(name), cleanKind(kind)
		if parent, child, ok := strings.Cut(name, "."); ok && parent != "" && child != "" {
			nr := rs.rule(child)
			if nr.parents == nil {
				nr.parents = map[string]string{}
			}
			nr.parents[parent] = kind
			note(child)
			continue
		}
		rs.rule(name).field = kind
		note(name)
	}
	for _, h := range r.Headers {
		h = strings.ToLower(h)
		rs.rule(h).header = cleanKind(h)
		note(h)
	}
	for _, p := range r.PathTokens {
		if p.Prefix != "" {
			rs.paths = append(rs.paths, PathToken{Prefix: p.Prefix, Kind: cleanKind(p.Kind)})
		}
	}
	return rs
}
