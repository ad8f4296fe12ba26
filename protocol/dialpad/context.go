package dialpad

import (
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
)

// DefaultLifetime is how long a URL token lives when it does not say:
// the documents' one hour.
const DefaultLifetime = time.Hour

// clockFormat writes a moment in the context pane: UTC, so a recording
// reads the same everywhere.
const clockFormat = "15:04:05Z07:00"

// TokenFields are the context pane's lines for a websocket URL: the
// token decoded and the planned rotation, with At set so the pane counts
// down to expiry and to the rotation. They come most urgent first (a
// small terminal shows the first few): expiry, rotation, scope, then
// issue, issuer and signing. tok is what DecodeToken returned, err its
// error (the token is then opaque); expires is when the session takes it
// to expire and rotates when it will fetch the next URL.
func TokenFields(tok Token, err error, expires, rotates time.Time) []protocol.Field {
	var fs []protocol.Field
	exp := tok.ExpiresAt
	note := ""
	if err != nil || exp.IsZero() {
		exp, note = expires, " (assumed)"
	}
	if !exp.IsZero() {
		fs = append(fs, protocol.Field{Label: "expires", Value: exp.UTC().Format(clockFormat) + note, At: exp})
	}
	if !rotates.IsZero() {
		fs = append(fs, protocol.Field{Label: "rotation", Value: rotates.UTC().Format(clockFormat), At: rotates})
	}
	if err != nil {
		return append(fs, protocol.Field{Label: "token", Value: "opaque (" + err.Error() + "): the documented 1 h lifetime is assumed"})
	}
	fs = append(fs, protocol.Field{Label: "scope", Value: scopeWords(tok.Scope)})
	if tok.Subject != "" {
		fs = append(fs, protocol.Field{Label: "sub", Value: clean(tok.Subject, 80)})
	}
	if l := tok.Lifetime(); l > 0 {
		fs = append(fs, protocol.Field{Label: "lifetime", Value: l.String()})
	}
	if !tok.IssuedAt.IsZero() {
		fs = append(fs, protocol.Field{Label: "issued", Value: tok.IssuedAt.UTC().Format(clockFormat), At: tok.IssuedAt, Ago: true})
	}
	if tok.Issuer != "" {
		fs = append(fs, protocol.Field{Label: "issuer", Value: clean(tok.Issuer, 80)})
	}
	// A client cannot check the token: production signs it with ES256
	// and Dialpad's key.
	fs = append(fs, protocol.Field{Label: "signed", Value: orQ(clean(tok.Alg, 12)) + ", opaque to a client"})
	if len(tok.Problems) > 0 {
		fs = append(fs, protocol.Field{Label: "note", Value: clean(strings.Join(tok.Problems, "; "), 200)})
	}
	return fs
}

// scopeWords says a token's scope in few words.
func scopeWords(s Scope) string {
	switch {
	case s.Websocket == "":
		return "unknown"
	case s.Type == "":
		return "websocket-wide"
	}
	return "only " + SubscriptionKey(s.Type, s.Subscription)
}
