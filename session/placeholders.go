package session

import (
	"context"
	"strings"
)

// Placeholders returns what stands for value, a secret of kind ("token",
// "authorization", "password", …), in what a session publishes: a
// placeholder derived from the value, so that a secret masked here and
// the same secret redacted elsewhere (in an answer that issued it, by the
// recorder) are named alike. It must be safe for concurrent use.
type Placeholders func(kind, value string) string

type placeholdersKey struct{}

// WithPlaceholders returns ctx carrying f: a session run under it masks
// each credential it publishes (in http frames and in the URL of its
// states) with f's placeholder for that value instead of Mask. Without
// it, every credential is published as Mask, which names them all alike.
// evtap's runs pass the recorder's placeholders unless redaction is off.
func WithPlaceholders(ctx context.Context, f Placeholders) context.Context {
	return context.WithValue(ctx, placeholdersKey{}, f)
}

func placeholdersFrom(ctx context.Context) Placeholders {
	f, _ := ctx.Value(placeholdersKey{}).(Placeholders)
	return f
}

// ShownURL is what a state a Provider publishes itself (not one the
// engine publishes for a Target) names for url, of which masked is the
// masked form: masked, with each secret in it replaced by its
// placeholder when the session has them (see WithPlaceholders), just as
// the engine shows a Target's URL.
func ShownURL(l Link, url, masked string) string {
	if sl, ok := l.(*link); ok {
		return sl.s.shownURL(Target{URL: url, Masked: masked})
	}
	return masked
}

// shownURL is the URL a state names for t: Target.Masked, with each
// secret it masks replaced by its placeholder when the session has them.
func (s *Session) shownURL(t Target) string {
	if s.ph == nil || t.Masked == t.URL {
		return t.Masked
	}
	return remask(t.URL, t.Masked, s.ph)
}

// remask rebuilds masked — url with some of its parts replaced by Mask,
// as a Provider writes Target.Masked — with each masked part replaced by
// its placeholder instead. When the two do not line up it returns masked
// as it is. The text between the masks is masked's own, so nothing of url
// is kept that masked had hidden.
func remask(url, masked string, ph Placeholders) string {
	pieces := strings.Split(masked, Mask)
	if len(pieces) == 1 || !strings.HasPrefix(url, pieces[0]) {
		return masked
	}
	var b strings.Builder
	b.WriteString(pieces[0])
	at := len(pieces[0])
	for i, p := range pieces[1:] {
		var end int
		if i == len(pieces)-2 { // the last piece ends both
			end = len(url) - len(p)
			if end <= at || url[end:] != p {
				return masked
			}
		} else {
			j := strings.Index(url[min(at+1, len(url)):], p)
			if p == "" || j < 0 {
				return masked
			}
			end = at + 1 + j
		}
		b.WriteString(ph(maskedKind(b.String()), unescapePath(url[at:end])))
		b.WriteString(p)
		at = end + len(p)
	}
	return b.String()
}

// maskedKind names the secret that follows before in a URL: a query
// parameter's name, a userinfo's password, a path segment's token.
func maskedKind(before string) string {
	switch {
	case strings.HasSuffix(before, "="):
		name := before[:len(before)-1]
		if i := strings.LastIndexAny(name, "?&;"); i >= 0 {
			name = name[i+1:]
		}
		if name != "" && !strings.ContainsAny(name, "/:@") {
			return strings.ToLower(unescapePath(name))
		}
	case strings.HasSuffix(before, "/"):
		return "url_token"
	case strings.HasSuffix(before, ":"):
		if _, host, ok := strings.Cut(before, "://"); ok && !strings.Contains(host, "/") {
			return "password" // user:password@host
		}
	}
	return "secret"
}
