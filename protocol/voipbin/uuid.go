package voipbin

import "strings"

// NilUUID is how VoIPBin writes an unset id (A11: a gofrs UUID is a
// [16]byte, so omitempty never omits it).
const NilUUID = "00000000-0000-0000-0000-000000000000"

// parseUUID reads the forms the server's UUID parser accepts in a topic:
// canonical 8-4-4-4-12, the same in braces, and 32 bare hex digits, in
// either case. It returns the canonical lowercase form.
func parseUUID(s string) (string, bool) {
	switch len(s) {
	case 38:
		if s[0] != '{' || s[37] != '}' {
			return "", false
		}
		s = s[1:37]
		fallthrough
	case 36:
		if s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
			return "", false
		}
		s = s[:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	case 32:
	default:
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return "", false
		}
	}
	s = strings.ToLower(s)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:], true
}

// setID reports whether id names something: present and not the nil
// UUID.
func setID(id string) bool { return id != "" && id != NilUUID }

// shortID is the first block of a UUID, enough to tell rows apart.
func shortID(id string) string {
	if len(id) == 36 && id[8] == '-' {
		return id[:8]
	}
	return id
}
