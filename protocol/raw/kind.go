package raw

import "unicode/utf8"

// kindKeys are the top-level fields in which JSON messages commonly name
// their own kind: {"type":"hello"} (graphql-ws, Slack, most chat
// protocols), {"event":"trade"}, {"method":"eth_subscription"}
// (JSON-RPC), {"action":…}, {"op":"subscribe"}, {"kind":…}.
var kindKeys = [...]string{"type", "event", "method", "action", "op", "kind"}

// maxKind is the longest kind name taken for a label.
const maxKind = 64

// kindField returns the value of the first top-level field of a JSON
// object (in the object's order) named as in kindKeys whose value is a
// short string without escapes; "" when there is none. data must be
// valid JSON. It reads the object once, skipping nested values without
// decoding them.
func kindField(data []byte) string {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return ""
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) || data[i] != '"' {
			return "" // the closing brace (or, on bad input, anything else)
		}
		key, clean, next := scanString(data, i)
		i = skipSpace(data, next)
		if i >= len(data) || data[i] != ':' {
			return ""
		}
		i = skipSpace(data, i+1)
		if i >= len(data) {
			return ""
		}
		if data[i] == '"' && clean && isKindKey(key) {
			v, vclean, _ := scanString(data, i)
			if vclean && len(v) > 0 && len(v) <= maxKind && utf8.Valid(v) {
				return string(v)
			}
		}
		i = skipSpace(data, skipValue(data, i))
		if i >= len(data) || data[i] != ',' {
			return ""
		}
		i++
	}
}

func isKindKey(k []byte) bool {
	for _, n := range kindKeys {
		if string(k) == n {
			return true
		}
	}
	return false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// scanString reads the string starting at data[i] (a quote) and returns
// its bytes between the quotes, whether they hold no escape (so they are
// the string itself), and the index after the closing quote.
func scanString(data []byte, i int) (s []byte, clean bool, next int) {
	start := i + 1
	clean = true
	for j := start; j < len(data); j++ {
		switch data[j] {
		case '\\':
			clean = false
			j++ // the escaped byte
		case '"':
			return data[start:j], clean, j + 1
		}
	}
	return nil, false, len(data)
}

// skipValue returns the index after the JSON value starting at data[i].
func skipValue(data []byte, i int) int {
	depth := 0
	for i < len(data) {
		switch c := data[i]; c {
		case '"':
			_, _, i = scanString(data, i)
			if depth == 0 {
				return i
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i // the end of the enclosing object
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',':
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return i
}
