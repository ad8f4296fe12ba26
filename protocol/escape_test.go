package protocol

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// appendJSONStringBodyByteByByte is how AppendJSONStringBody worked
// before it skipped safe bytes eight at a time: the oracle the fast
// escaper is held to, beside encoding/json.
func appendJSONStringBodyByteByByte(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		if safeASCII[s[i]] {
			i++
			continue
		}
		if c := s[i]; c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			start = i + size
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			start = i + size
		}
		i += size
	}
	return append(b, s[start:]...)
}

// stdQuoted is s as encoding/json writes it with HTML escaping off.
func stdQuoted(t testing.TB, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func checkEscape(t *testing.T, s string) {
	t.Helper()
	got := AppendJSONString([]byte("prefix"), s)
	if !bytes.HasPrefix(got, []byte("prefix")) {
		t.Fatalf("%q: the bytes before were changed: %q", s, got)
	}
	got = got[len("prefix"):]
	if want := stdQuoted(t, s); !bytes.Equal(got, want) {
		t.Fatalf("%q:\n got %s\nwant %s (encoding/json)", s, got, want)
	}
	if old := appendJSONStringBodyByteByByte(nil, s); !bytes.Equal(got[1:len(got)-1], old) {
		t.Fatalf("%q:\n got %s\nwant %s (the byte-by-byte escaper)", s, got, old)
	}
}

// Every byte value, at every position of an eight-byte word and across
// the boundary between two words and the tail, in strings of every
// length up to three words, is escaped as encoding/json escapes it: a
// wrong constant or a carry between bytes in the word-at-a-time test
// would let some byte through raw here.
func TestEscapeEveryByteAtEveryPosition(t *testing.T) {
	for n := 1; n <= 24; n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				b := []byte(strings.Repeat("a", n))
				b[pos] = byte(c)
				checkEscape(t, string(b))
				// beside a byte that needs escaping, and one above it
				if pos+1 < n {
					b[pos+1] = '"'
					checkEscape(t, string(b))
					b[pos+1] = 0xff
					checkEscape(t, string(b))
				}
			}
		}
	}
	for _, s := range []string{"", "\u2028\u2029", "é€😀 mixed ascii and more text", "\xe2\x80", "abcdefg\xe2\x80\xa8h", strings.Repeat(`{\"a\":1}`, 9)} {
		checkEscape(t, s)
	}
}

// FuzzAppendJSONString: whatever the string, the escaper writes what
// encoding/json writes, and what the byte-by-byte escaper wrote.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `[{"type":"ServerNotification","wsc":{"token":"x"}}]`, "tab\there\nnew\x00\x1f\x7f", "é\u2028\xff\xc3", "\u009b2J \u202e"} {
		f.Add(s)
	}
	f.Fuzz(checkEscape)
}

// BenchmarkAppendJSONString escapes a notification frame's data, the
// bulk of a headless line; its baseline, in the same run, is the
// byte-by-byte escaper this one replaced.
func BenchmarkAppendJSONString(b *testing.B) {
	data := benchFrameData
	b.Run("byte-by-byte", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		var buf []byte
		for b.Loop() {
			buf = appendJSONStringBodyByteByByte(buf[:0], data)
		}
	})
	b.Run("words", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		var buf []byte
		for b.Loop() {
			buf = AppendJSONStringBody(buf[:0], data)
		}
	})
}
