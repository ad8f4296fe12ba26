package record

import (
	"slices"
	"testing"
)

// scanNamesByteByByte is how scanNames worked before it searched for ':'
// and '=': a walk over every name of the line, forwards. It is kept as
// the oracle FuzzScanNames holds the faster scanner to: both must find
// the same values, of the same kinds, in the same order.
func (r *Redactor) scanNamesByteByByte(line []byte) {
	var noEnd uint64
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
			break
		}
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

// scanRules are every shape of rule: plain and nested fields, headers, a
// name that is a prefix of another, and names of one byte and of many.
var scanRules = Rules{
	Fields: map[string]string{"wsc": "wsc", "wsc.token": "wsc", "recovery.token": "wsc", "encryptionKey": "encryptionKey",
		"x": "x", "tok": "tok", "a-b_c": "abc", "secret": "secret"},
	Headers:    []string{"X-Auth"},
	PathTokens: []PathToken{{Prefix: "/events/", Kind: "url_token"}},
}

// seen is a value found, comparable.
type seen struct {
	edit        int
	kind, value string
}

func seenOf(fs []found) []seen {
	out := make([]seen, len(fs))
	for i, f := range fs {
		out[i] = seen{f.edit, f.kind, f.value + string(f.raw)}
	}
	return out
}

func scanBoth(r *Redactor, line []byte) (fast, slow []seen, fastEdits, slowEdits []edit) {
	r.edits, r.found = r.edits[:0], r.found[:0]
	r.scanNames(line)
	fast, fastEdits = seenOf(r.found), slices.Clone(r.edits)
	r.edits, r.found = r.edits[:0], r.found[:0]
	r.scanNamesByteByByte(line)
	return fast, seenOf(r.found), fastEdits, r.edits
}

// FuzzScanNames: the scanner finds exactly what a walk over every byte
// finds, whatever the line.
func FuzzScanNames(f *testing.F) {
	for _, s := range []string{
		`{"access_token":"SECRET1","x":1}`,
		`{"refresh_token" : "SECRET1"}`,
		`{"data":"[{\"ws_access_token\":\"SECRET1\"}]"}`,
		`{"data":"{\"body\":\"{\\\"access_token\\\":\\\"SECRET1\\\"}\"}"}`,
		`wss://h/ws?access_token=SECRET1&wsc=SECRET2`,
		`{"u":"wss://h/ws?x=1\u0026access_token=SECRET1"}`,
		`grant_type=x&assertion=SECRET1&client_secret=SECRET2`,
		`{"header":{"Cookie":"a=b; token=SECRET1"}}`,
		"POST / HTTP/1.1\r\nAuthorization: Bearer SECRET1\r\nX-Auth: k\r\n",
		`{"data":"POST / HTTP/1.1\r\nAuthorization: Basic SECRET1\r\n\r\n"}`,
		`{"wsc":{"token":"SECRET1","sequence":3}}`,
		`{"recovery": {"token":"SECRET1"}}`,
		`{"token":"a":"b","token" :"c"}`,
		`{"\ntoken":"x","\u0026token=y","a-b_c":"z"}`,
		`token=1&tok=2&x=3;wsc=4#token=5`,
		`{"n":{"token":42,"password":null,"apikey":{"x":1}}}`,
		`"Your login token: 123456 expires soon"`,
	} {
		f.Add(s)
	}
	r := NewRedactor(scanRules, nil, nil)
	f.Fuzz(func(t *testing.T, s string) {
		fast, slow, fe, se := scanBoth(r, []byte(s))
		if !slices.Equal(fast, slow) || !slices.Equal(fe, se) {
			t.Fatalf("%q:\n fast %v %v\n slow %v %v", s, fast, fe, slow, se)
		}
	})
}

// The fuzzer seldom builds the shapes that matter (a name, its quotes at
// the right depth, a colon, a value); this builds many from the pieces
// they are made of, with a fixed seed, and holds the scanner to the walk.
func TestScanNamesMatchesTheWalkOnBuiltLines(t *testing.T) {
	pieces := []string{`"`, `\"`, `\\\"`, `\`, `:`, ` : `, `=`, `&`, `?`, `;`, `; `, `#`, ` `, "\r\n", `\r\n`, `\n`, `\u0026`,
		`{`, `}`, `[`, `,`, "token", "Token", "wsc", "recovery", "x", "tok", "a-b_c", "secret", "access_token", "authorization",
		"X-Auth", "cookie", "value", "SECRET", "u0026", "zz"}
	rng := uint64(1)
	next := func(n int) int {
		rng ^= rng << 13
		rng ^= rng >> 7
		rng ^= rng << 17
		return int(rng % uint64(n))
	}
	r := NewRedactor(scanRules, nil, nil)
	var line []byte
	for i := 0; i < 100000; i++ {
		line = line[:0]
		for k := next(24) + 1; k > 0; k-- {
			line = append(line, pieces[next(len(pieces))]...)
		}
		fast, slow, fe, se := scanBoth(r, line)
		if !slices.Equal(fast, slow) || !slices.Equal(fe, se) {
			t.Fatalf("%q:\n fast %v %v\n slow %v %v", line, fast, fe, slow, se)
		}
	}
}
