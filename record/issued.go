package record

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
)

// Issued remembers the secrets a session has met so far (found by the
// rules, or given as literals) so that each is replaced wherever it
// appears later, whatever surrounds it: a token issued in a JSON body
// that comes back in a URL, a key echoed in an error message.
//
// Every Writer of one session (headless output and each recording, even
// one started halfway through) should share one Issued, through
// Options.Issued, so that a recording started late still knows what was
// issued before it. It is safe for concurrent use.
//
// Memory is bounded: it holds at most MaxIssued values (and
// maxIssuedBytes of them), forgetting the least recently seen first; a
// value longer than maxIssuedValue is redacted where the rules find it
// but not hunted elsewhere. Forgetting never changes a placeholder,
// because placeholders are derived from the value itself (see
// placeholder), not from a counter.
type Issued struct {
	mu     sync.Mutex
	values map[string]*issuedValue // canonical value → entry
	head   *issuedValue            // most recently seen; the LRU list
	tail   *issuedValue
	count  int
	bytes  int
	// windows maps the last eight-byte windows of each hunted form (see
	// hunt) to the forms that end there, grouped by length and offset so
	// that forms sharing an ending (many tokens of one shape) cost one
	// map lookup, not one comparison each.
	windows map[uint64][]*windowGroup
	filter  [filterWords]uint64 // a bit per window hash: most lookups stop here
	refs    [1 << filterBits]uint16
	short   []shortForm // literal secrets too short for windows
	hunted  atomic.Int32
	mac     hash.Hash
	sum     []byte
}

// MaxIssued is how many secrets an Issued remembers at most.
const MaxIssued = 1024

const (
	maxIssuedBytes = 1 << 20
	maxIssuedValue = 4096
	// minHunted is the shortest value hunted outside the place the rules
	// found it: shorter ones (a 6-digit code) would turn ordinary text
	// into placeholders. Literal secrets are hunted from minLiteral.
	minHunted   = 16
	minLiteral  = 4
	filterBits  = 16
	filterWords = (1 << filterBits) / 64
)

type issuedValue struct {
	value       string
	placeholder string
	forms       []string
	pinned      bool // a literal: never forgotten
	prev, next  *issuedValue
}

// windowGroup holds the forms of one length whose window ends off bytes
// before their end.
type windowGroup struct {
	size, off int
	forms     map[string]*issuedValue
}

type shortForm struct {
	form []byte
	v    *issuedValue
}

// NewIssued returns an empty set.
func NewIssued() *Issued {
	return &Issued{values: map[string]*issuedValue{}, windows: map[uint64][]*windowGroup{}}
}

// placeholderKey keys the placeholders of this process. It is random and
// never written anywhere, so a placeholder cannot be turned back into its
// value, and the same value gets the same placeholder in every file and
// stream this process writes (a recording and the headless output of one
// session match line for line), but not across runs.
var placeholderKey = sync.OnceValue(func() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic("record: no randomness for placeholder keys: " + err.Error())
	}
	return k
})

// placeholder is REDACTED-<kind>-<12 hex digits of HMAC-SHA256(value)>:
// stable for a value without remembering it, and 48 bits make a clash
// between two secrets of one session vanishingly rare. Must be called
// with mu held (the MAC is reused).
func (s *Issued) placeholder(kind, value string) string {
	if s.mac == nil {
		s.mac = hmac.New(sha256.New, placeholderKey())
	}
	s.mac.Reset()
	s.mac.Write([]byte(value))
	s.sum = s.mac.Sum(s.sum[:0])
	var h [12]byte
	hex.Encode(h[:], s.sum[:6])
	return PlaceholderPrefix + kind + "-" + string(h[:])
}

// lookup returns the placeholder of value, remembering it as issued with
// kind if it is new and keep is set. Must be called with mu held.
func (s *Issued) lookup(kind, value string, keep bool) string {
	if v, ok := s.values[value]; ok {
		s.touch(v)
		return v.placeholder
	}
	v := &issuedValue{value: value, placeholder: s.placeholder(kind, value)}
	if !keep || len(value) > maxIssuedValue {
		return v.placeholder
	}
	s.add(v)
	return v.placeholder
}

// Pin remembers a literal secret (a client secret, a JWT given on the
// command line) for good, with kind "secret". Values shorter than 4 bytes
// are ignored.
func (s *Issued) Pin(value string) {
	if len(value) < minLiteral || len(value) > maxIssuedValue || isPlaceholder([]byte(value)) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.values[value]; ok {
		if !v.pinned {
			s.unlink(v)
			v.pinned = true
		}
		return
	}
	v := &issuedValue{value: value, placeholder: s.placeholder("secret", value), pinned: true}
	s.add(v)
}

// Len is how many secrets are remembered.
func (s *Issued) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.values)
}

func (s *Issued) add(v *issuedValue) {
	s.values[v.value] = v
	v.forms = formsOf(v.value)
	for _, f := range v.forms {
		s.bytes += len(f)
		switch {
		case len(f) >= minHunted:
			s.addWindows(f, v)
		case v.pinned:
			s.short = append(s.short, shortForm{form: []byte(f), v: v})
		}
	}
	s.hunted.Store(int32(len(s.windows) + len(s.short)))
	if v.pinned {
		return
	}
	s.pushFront(v)
	s.count++
	for s.tail != nil && (s.count > MaxIssued || s.bytes > maxIssuedBytes) {
		s.forget(s.tail)
	}
}

func (s *Issued) forget(v *issuedValue) {
	s.unlink(v)
	s.count--
	delete(s.values, v.value)
	for _, f := range v.forms {
		s.bytes -= len(f)
		if len(f) >= minHunted {
			s.removeWindows(f, v)
		}
	}
	s.hunted.Store(int32(len(s.windows) + len(s.short)))
}

func (s *Issued) touch(v *issuedValue) {
	if v.pinned || s.head == v {
		return
	}
	s.unlink(v)
	s.pushFront(v)
}

func (s *Issued) pushFront(v *issuedValue) {
	v.prev, v.next = nil, s.head
	if s.head != nil {
		s.head.prev = v
	}
	s.head = v
	if s.tail == nil {
		s.tail = v
	}
}

func (s *Issued) unlink(v *issuedValue) {
	if v.prev != nil {
		v.prev.next = v.next
	} else if s.head == v {
		s.head = v.next
	}
	if v.next != nil {
		v.next.prev = v.prev
	} else if s.tail == v {
		s.tail = v.prev
	}
	v.prev, v.next = nil, nil
}

func windowHash(w uint64) uint32 { return uint32((w * 0x9E3779B97F4A7C15) >> (64 - filterBits)) }

// addWindows registers the eight windows that end 0..7 bytes before the
// end of form. Any occurrence of a form of 15 bytes or more contains, as
// its last whole eight-byte window at a position divisible by eight, one
// of those, so hunt need look only at every eighth position. The windows
// are taken from the end because tokens share their beginnings (every
// JWT starts with the same header) far more than their ends.
func (s *Issued) addWindows(form string, v *issuedValue) {
	for off := 0; off < 8; off++ {
		w := windowAt(form, off)
		var g *windowGroup
		for _, c := range s.windows[w] {
			if c.size == len(form) && c.off == off {
				g = c
				break
			}
		}
		if g == nil {
			g = &windowGroup{size: len(form), off: off, forms: map[string]*issuedValue{}}
			s.windows[w] = append(s.windows[w], g)
		}
		g.forms[form] = v
		h := windowHash(w)
		if s.refs[h] < 0xffff {
			s.refs[h]++
		}
		s.filter[h/64] |= 1 << (h % 64)
	}
}

// windowAt is the eight bytes of form that end off bytes before its end.
func windowAt(form string, off int) uint64 {
	end := len(form) - off
	return binary.LittleEndian.Uint64([]byte(form[end-8 : end]))
}

func (s *Issued) removeWindows(form string, v *issuedValue) {
	for off := 0; off < 8; off++ {
		w := windowAt(form, off)
		groups := s.windows[w]
		for i, g := range groups {
			if g.size != len(form) || g.off != off {
				continue
			}
			if g.forms[form] == v {
				delete(g.forms, form)
			}
			if len(g.forms) == 0 {
				groups = append(groups[:i], groups[i+1:]...)
			}
			break
		}
		if len(groups) == 0 {
			delete(s.windows, w)
		} else {
			s.windows[w] = groups
		}
		h := windowHash(w)
		// A saturated count is never lowered: its bit stays set, which
		// costs a map lookup now and then, never a missed secret.
		if s.refs[h] > 0 && s.refs[h] < 0xffff {
			s.refs[h]--
			if s.refs[h] == 0 {
				s.filter[h/64] &^= 1 << (h % 64)
			}
		}
	}
}

// hunt appends an edit for every occurrence in line of a remembered
// secret, in any of its forms. It reads every eighth position of the
// line once, so it is linear in the line's length whatever the number of
// secrets. Must be called with mu held.
func (s *Issued) hunt(line []byte, edits []edit) []edit {
	if len(s.windows) > 0 {
		for a := 0; a+8 <= len(line); a += 8 {
			w := binary.LittleEndian.Uint64(line[a : a+8])
			h := windowHash(w)
			if s.filter[h/64]&(1<<(h%64)) == 0 {
				continue
			}
			for _, g := range s.windows[w] {
				end := a + 8 + g.off
				start := end - g.size
				if start < 0 || end > len(line) {
					continue
				}
				if v, ok := g.forms[string(line[start:end])]; ok {
					edits = append(edits, edit{from: start, to: end, text: v.placeholder})
					s.touch(v)
				}
			}
		}
	}
	for _, f := range s.short {
		for at := 0; ; {
			i := bytes.Index(line[at:], f.form)
			if i < 0 {
				break
			}
			edits = append(edits, edit{from: at + i, to: at + i + len(f.form), text: f.v.placeholder})
			at += i + len(f.form)
		}
	}
	return edits
}

// formsOf lists how value can appear in a line: as it is, JSON-escaped
// once, twice and three times (a frame's data is a JSON string inside
// the line, an http frame's body a string inside that), with slashes
// escaped as some servers write them, and percent-encoded in a URL.
func formsOf(value string) []string {
	if plainToken(value) {
		return []string{value} // every encoding leaves it as it is
	}
	forms := []string{value}
	addForm := func(f string) {
		for _, g := range forms {
			if g == f {
				return
			}
		}
		forms = append(forms, f)
	}
	e := value
	for range 3 {
		e = string(jsonEscape(e))
		addForm(e)
	}
	if strings.Contains(value, "/") {
		addForm(strings.ReplaceAll(string(jsonEscape(value)), "/", `\/`))
	}
	addForm(url.QueryEscape(value))
	addForm(url.PathEscape(value))
	addForm(strings.ReplaceAll(url.PathEscape(value), "+", "%2B"))
	return forms
}

// plainToken reports a value made only of bytes no JSON or URL encoding
// changes, as most tokens are.
func plainToken(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return false
		}
	}
	return true
}
