package session

import (
	"bytes"
	"encoding/json"
	"net/http"
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
	return rawURL[:i+1] + masker{}.pairs(rawURL[i+1:], func(name string) bool {
		for _, s := range names {
			if name == s {
				return true
			}
		}
		return false
	})
}

// pairs masks the values of the name=value pairs of a query or form body
// whose (unescaped) name secret reports, keeping the rest verbatim.
func (m masker) pairs(s string, secret func(string) bool) string {
	parts := strings.Split(s, "&")
	for k, p := range parts {
		name, value, hasValue := strings.Cut(p, "=")
		if !hasValue {
			continue
		}
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if secret(name) {
			parts[k] = p[:strings.IndexByte(p, '=')+1] + m.mask(strings.ToLower(name), unescapePath(value))
		}
	}
	return strings.Join(parts, "&")
}

// unescapePath is v with its %-escapes undone (as the recorder reads a
// query value or a path segment), or v when it has a bad one.
func unescapePath(v string) string {
	if u, err := url.PathUnescape(v); err == nil {
		return u
	}
	return v
}

// secretNames are the query parameters, form fields and JSON fields in
// which a client sends its own credentials: OAuth grants and client
// authentication, API keys, PubNub's auth key and signature.
var secretNames = map[string]bool{
	"password": true, "passwd": true, "secret": true, "client_secret": true,
	"assertion": true, "client_assertion": true, "refresh_token": true,
	"access_token": true, "id_token": true, "code_verifier": true,
	"apikey": true, "api_key": true, "api-key": true, "token": true,
	"auth": true, "signature": true,
}

func secretName(name string) bool { return secretNames[strings.ToLower(name)] }

// secretHeader reports request headers that carry the client's
// credentials.
func secretHeader(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "authorization", "proxy-authorization", "cookie":
		return true
	}
	for _, w := range []string{"token", "secret", "api-key", "apikey", "password"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// masker masks one request's credentials for publishing: with Mask, or
// with the placeholder the session was given for each value (see
// WithPlaceholders).
type masker struct {
	extra []string     // Request.Mask: further values to hide wherever they appear
	ph    Placeholders // nil: Mask
}

// mask is what stands for value, a secret of kind, in what is published.
func (m masker) mask(kind, value string) string {
	if m.ph == nil || value == "" || value == Mask {
		return Mask
	}
	return m.ph(kind, value)
}

func (m masker) text(s string) string {
	for _, v := range m.extra {
		if v != "" && strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, m.mask("secret", v))
		}
	}
	return s
}

// url masks the password of any userinfo and secret query parameters.
func (m masker) url(raw string) string {
	if i := strings.Index(raw, "://"); i >= 0 {
		rest := raw[i+3:]
		auth := rest
		if j := strings.IndexAny(rest, "/?#"); j >= 0 {
			auth = rest[:j]
		}
		if at := strings.LastIndexByte(auth, '@'); at >= 0 {
			if colon := strings.IndexByte(auth[:at], ':'); colon >= 0 {
				raw = raw[:i+3] + auth[:colon+1] + m.mask("password", unescapePath(auth[colon+1:at])) + rest[at:]
			}
		}
	}
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		raw = raw[:i+1] + m.pairs(raw[i+1:], secretName)
	}
	return m.text(raw)
}

// requestHeader flattens h for an HTTPRequest, masking credentials: an
// Authorization keeps its scheme ("Bearer ***").
func (m masker) requestHeader(h http.Header) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, vs := range h {
		v := strings.Join(vs, ", ")
		if secretHeader(k) {
			kind := strings.ToLower(k)
			scheme, cred, found := strings.Cut(v, " ")
			if found && (kind == "authorization" || kind == "proxy-authorization") {
				v = scheme + " " + m.mask(kind, cred)
			} else {
				v = m.mask(kind, v)
			}
		}
		out[http.CanonicalHeaderKey(k)] = m.text(v)
	}
	return out
}

// body masks secret fields of a form or JSON body.
func (m masker) body(contentType string, body []byte) string {
	if len(body) == 0 {
		return ""
	}
	ct := strings.ToLower(contentType)
	trimmed := bytes.TrimSpace(body)
	switch {
	case strings.Contains(ct, "x-www-form-urlencoded"):
		return m.text(m.pairs(string(body), secretName))
	case strings.Contains(ct, "json") || (ct == "" && len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')):
		out, ok := m.json(body)
		if !ok {
			// Not JSON after all: it cannot be masked field by field.
			if containsSecretName(body) {
				return Mask + " (the body could not be parsed to mask its credentials)"
			}
			return m.text(string(body))
		}
		return m.text(string(out))
	}
	return m.text(string(body))
}

func containsSecretName(b []byte) bool {
	l := bytes.ToLower(b)
	for n := range secretNames {
		if bytes.Contains(l, []byte(n)) {
			return true
		}
	}
	return false
}

// maskJSON replaces the values of secret fields, at any depth, by Mask.
// Key order is kept; the body comes back verbatim when nothing was
// masked, compact otherwise. ok is false when body is not JSON.
func (m masker) json(body []byte) (out []byte, ok bool) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var b bytes.Buffer
	masked := false
	if err := m.value(d, &b, "", &masked, 0); err != nil {
		return nil, false
	}
	if _, err := d.Token(); err == nil {
		return nil, false // trailing data
	}
	if !masked {
		return body, true
	}
	return b.Bytes(), true
}

// maxMaskDepth bounds maskValue's recursion on a hostile body.
const maxMaskDepth = 200

var errTooDeep = &json.UnsupportedValueError{Str: "nested too deeply"}

// value copies one JSON value from d to w (nil: skip it), writing its
// mask instead when it is the value of a secret field (secret names it).
func (m masker) value(d *json.Decoder, w *bytes.Buffer, secret string, masked *bool, depth int) error {
	if depth > maxMaskDepth {
		return errTooDeep
	}
	tok, err := d.Token()
	if err != nil {
		return err
	}
	if secret != "" {
		*masked = true
		if w != nil {
			str, _ := tok.(string) // an object or a number has no placeholder
			enc, _ := json.Marshal(m.mask(secret, str))
			w.Write(enc)
		}
		w = nil // skip the rest of the value
	}
	delim, isDelim := tok.(json.Delim)
	if !isDelim {
		if w != nil {
			enc, _ := json.Marshal(tok)
			w.Write(enc)
		}
		return nil
	}
	if w != nil {
		w.WriteByte(byte(delim))
	}
	first := true
	for d.More() {
		if w != nil && !first {
			w.WriteByte(',')
		}
		first = false
		child := ""
		if delim == '{' {
			k, err := d.Token()
			if err != nil {
				return err
			}
			key, _ := k.(string)
			if w != nil {
				enc, _ := json.Marshal(key)
				w.Write(enc)
				w.WriteByte(':')
			}
			if secretName(key) {
				child = strings.ToLower(key)
			}
		}
		if err := m.value(d, w, child, masked, depth+1); err != nil {
			return err
		}
	}
	end, err := d.Token()
	if err != nil {
		return err
	}
	if w != nil {
		w.WriteByte(byte(end.(json.Delim)))
	}
	return nil
}

// responseHeader flattens an answer's headers for an HTTPResponse.
// Cookies the server sets are masked; the rest is kept verbatim.
func (m masker) responseHeader(h http.Header) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, vs := range h {
		v := strings.Join(vs, ", ")
		if strings.EqualFold(k, "Set-Cookie") {
			v = m.mask("set-cookie", v)
		}
		out[k] = v
	}
	return out
}

// maxInfoHeaders bounds how many headers of a refused answer go into a
// State's Info.
const maxInfoHeaders = 32

// headerInfo turns a refused answer's headers into State.Info entries
// for the connection pane: canonical name to value, sanitised for a
// terminal, cookies masked, at most maxInfoHeaders of them.
func headerInfo(h http.Header) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, v := range (masker{}).responseHeader(h) {
		if len(out) == maxInfoHeaders {
			break
		}
		out[Sanitize(k, 64)] = Sanitize(v, 200)
	}
	return out
}
