package session

import (
	"net/url"
	"strings"
)

// Mask is what replaces a secret in text meant for a screen or a log.
const Mask = "***"

// MaskQuery returns rawURL with the values of the named query parameters
// replaced by Mask, keeping the rest verbatim (the query is not
// re-encoded, so what is shown is what was dialled). A URL that cannot be
// parsed is masked whole after its path.
func MaskQuery(rawURL string, names ...string) string {
	i := strings.IndexByte(rawURL, '?')
	if i < 0 {
		return rawURL
	}
	parts := strings.Split(rawURL[i+1:], "&")
	for k, p := range parts {
		name, _, hasValue := strings.Cut(p, "=")
		if !hasValue {
			continue
		}
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		for _, s := range names {
			if name == s {
				parts[k] = p[:strings.IndexByte(p, '=')+1] + Mask
			}
		}
	}
	return rawURL[:i+1] + strings.Join(parts, "&")
}
