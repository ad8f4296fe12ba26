package raw

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session"
)

// Config is one raw WebSocket session.
type Config struct {
	// URL is the ws:// or wss:// URL to dial. A user:password in it is
	// sent as HTTP Basic authentication (gorilla refuses userinfo in a
	// WebSocket URL) and masked wherever it is shown.
	URL string
	// Header holds extra upgrade headers, as ParseHeader read them.
	Header http.Header
	// SecretHeaders names headers whose values are credentials besides
	// those whose names say so (see SecretHeader): they are sent as given
	// and masked wherever they are shown.
	SecretHeaders []string
	// Subprotocols are offered in Sec-WebSocket-Protocol, in order of
	// preference.
	Subprotocols []string
	// Origin, when set, is sent as the Origin header.
	Origin string
	// Token is sent as "Authorization: Bearer <Token>" and never shown.
	Token string
	// OnConnect are text frames sent after every connect, in order, the
	// first connection and every reconnect alike.
	OnConnect []string
	// Options are the engine's timings, retries and TLS settings.
	Options session.Options
}

// minSecret is the shortest value masked as a secret wherever it
// appears: a shorter one would mask ordinary words (the recorder draws
// the same line).
const minSecret = 4

// handshakeHeaders are set by the WebSocket handshake itself; gorilla
// refuses to dial with any of them among the extra headers.
var handshakeHeaders = map[string]bool{
	"Upgrade": true, "Connection": true, "Sec-Websocket-Key": true,
	"Sec-Websocket-Version": true, "Sec-Websocket-Extensions": true,
}

// ParseHeader reads one -H argument, "Name: value" as curl, wscat and
// websocat take it, and says what is wrong with it in the user's terms.
// The name is returned in canonical form.
func ParseHeader(s string) (name, value string, err error) {
	name, value, ok := strings.Cut(s, ":")
	if !ok {
		return "", "", fmt.Errorf("%q: want 'Name: value'", s)
	}
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if name == "" {
		return "", "", fmt.Errorf("%q: the header has no name", s)
	}
	if !isToken(name) {
		return "", "", fmt.Errorf("%q: %q is not a header name (letters, digits and !#$%%&'*+-.^_`|~ only)", s, name)
	}
	if i := strings.IndexFunc(value, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }); i >= 0 {
		return "", "", fmt.Errorf("%q: the value holds a control character (a line break?), which a header cannot carry", name)
	}
	name = http.CanonicalHeaderKey(name)
	switch {
	case handshakeHeaders[name]:
		return "", "", fmt.Errorf("%s is set by the WebSocket handshake itself and cannot be given", name)
	case name == "Sec-Websocket-Protocol":
		return "", "", errors.New("Sec-WebSocket-Protocol: offer subprotocols with --subprotocol")
	}
	return name, value, nil
}

// CheckSubprotocol says what is wrong with a subprotocol name: RFC 6455
// wants a token, which is also what keeps a list of them unambiguous.
func CheckSubprotocol(p string) error {
	if p == "" || !isToken(p) {
		return fmt.Errorf("%q is not a subprotocol name (one word of letters, digits and !#$%%&'*+-.^_`|~; repeat the flag for several)", p)
	}
	return nil
}

// CheckURL parses a ws:// or wss:// URL and says what is wrong with it.
func CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("URL %q: %v", raw, err)
	}
	switch {
	case u.Scheme != "ws" && u.Scheme != "wss":
		return nil, fmt.Errorf("URL %q: want ws:// or wss://", raw)
	case u.Opaque != "":
		return nil, fmt.Errorf("URL %q: want ws://host/path (two slashes)", raw)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("URL %q has no host", raw)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, fmt.Errorf("URL %q has a fragment (#…), which a WebSocket URL cannot have", raw)
	}
	if p := u.Port(); p != "" {
		for _, c := range p {
			if c < '0' || c > '9' {
				return nil, fmt.Errorf("URL %q: port %q is not a number", raw, p)
			}
		}
	}
	return u, nil
}

// SecretHeader reports whether a header's name says it carries a
// credential: its value is then masked wherever it is shown.
func SecretHeader(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "authorization", "proxy-authorization", "cookie":
		return true
	}
	for _, w := range []string{"token", "secret", "password", "key", "auth", "session", "signature"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// secretParams are query parameters whose values are credentials.
var secretParams = map[string]bool{
	"token": true, "access_token": true, "auth": true, "auth_token": true, "authorization": true,
	"api_key": true, "apikey": true, "api-key": true, "key": true, "secret": true, "client_secret": true,
	"password": true, "passwd": true, "signature": true, "sig": true, "jwt": true, "ticket": true,
}

func secretParam(name string) bool {
	n := strings.ToLower(name)
	return secretParams[n] || strings.HasSuffix(n, "token")
}

// isToken reports whether s is an RFC 7230 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// plan is a validated Config: the Target every connection dials, the
// secrets to mask and what the context pane says.
type plan struct {
	target  session.Target
	secrets secrets
	context []protocol.Field // what every handshake offers and what follows it
}

// newPlan validates c and builds the plan.
func newPlan(c Config) (*plan, error) {
	u, err := CheckURL(c.URL)
	if err != nil {
		return nil, err
	}
	for _, p := range c.Subprotocols {
		if err := CheckSubprotocol(p); err != nil {
			return nil, err
		}
	}
	if strings.ContainsAny(c.Origin, "\r\n\x00") {
		return nil, errors.New("the Origin holds a line break")
	}
	if _, err := c.Options.TLSConfig(); err != nil {
		return nil, err
	}
	p := &plan{}
	h := c.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if h.Get("Origin") != "" && c.Origin != "" {
		return nil, errors.New("Origin is given twice: as a header and with --origin")
	}
	secretNames := map[string]bool{}
	for _, n := range c.SecretHeaders {
		secretNames[http.CanonicalHeaderKey(n)] = true
	}
	if u.User != nil {
		if h.Get("Authorization") != "" || c.Token != "" {
			return nil, errors.New("the URL holds a user:password and an Authorization is given too: give one")
		}
		pass, _ := u.User.Password()
		basic := base64.StdEncoding.EncodeToString([]byte(u.User.Username() + ":" + pass)) // as http.Request.SetBasicAuth
		h.Set("Authorization", "Basic "+basic)
		p.secrets.add(basic)
		p.secrets.add(pass)
		if raw, ok := rawPassword(c.URL); ok {
			p.secrets.add(raw)
		}
		u.User = nil
	}
	if c.Token != "" {
		if h.Get("Authorization") != "" {
			return nil, errors.New("a bearer token and an Authorization header are both given: give one")
		}
		if strings.ContainsAny(c.Token, "\r\n\x00") {
			return nil, errors.New("the bearer token holds a line break")
		}
		h.Set("Authorization", "Bearer "+c.Token)
		p.secrets.add(c.Token)
	}
	var names []string
	for name, vs := range h {
		secret := SecretHeader(name) || secretNames[name]
		shown := name
		if secret {
			shown += " (masked)"
			for _, v := range vs {
				p.secrets.add(v)
				if _, rest, ok := strings.Cut(v, " "); ok { // "Bearer x": x alone too
					p.secrets.add(rest)
				}
			}
		}
		names = append(names, shown)
	}
	for k, vs := range u.Query() {
		if secretParam(k) {
			for _, v := range vs {
				p.secrets.add(v)
				p.secrets.add(url.QueryEscape(v))
			}
		}
	}
	dial := u.String()
	p.target = session.Target{
		URL: dial, Masked: p.secrets.mask(maskedUserinfo(c.URL, u)), Header: h,
		Subprotocols: c.Subprotocols, Origin: c.Origin,
	}
	p.describe(c, names)
	return p, nil
}

// maskedUserinfo is the URL as the user gave it for display: with its
// userinfo's password spelled as the mask, the rest as dialled.
func maskedUserinfo(given string, dial *url.URL) string {
	g, err := url.Parse(given)
	if err != nil || g.User == nil {
		return dial.String()
	}
	d := *dial
	d.User = url.User(g.User.Username()) // escaped: the first @ is the userinfo's end
	out := d.String()
	if _, ok := g.User.Password(); ok {
		out = strings.Replace(out, "@", ":"+session.Mask+"@", 1) // url.UserPassword would escape the mask
	}
	return out
}

// rawPassword is the password as written in the URL (percent-encoded).
func rawPassword(s string) (string, bool) {
	i := strings.Index(s, "://")
	if i < 0 {
		return "", false
	}
	rest := s[i+3:]
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		rest = rest[:j]
	}
	at := strings.LastIndexByte(rest, '@')
	if at < 0 {
		return "", false
	}
	_, pass, ok := strings.Cut(rest[:at], ":")
	return pass, ok
}

// describe says what every handshake offers and what follows it, for the
// context pane; secrets are never in it.
func (p *plan) describe(c Config, headers []string) {
	add := func(label, value string) { p.context = append(p.context, protocol.Field{Label: label, Value: value}) }
	if len(c.Subprotocols) > 0 {
		add("offers", strings.Join(c.Subprotocols, ", "))
	}
	if c.Origin != "" {
		add("origin", c.Origin)
	}
	if len(headers) > 0 {
		slices.Sort(headers)
		add("headers", strings.Join(headers, ", "))
	}
	switch n := len(c.OnConnect); n {
	case 0:
		add("on connect", "sends nothing (a raw server has no greeting)")
	case 1:
		add("on connect", "sends 1 frame, again after every reconnect")
	default:
		add("on connect", fmt.Sprintf("sends %d frames, again after every reconnect", n))
	}
}
