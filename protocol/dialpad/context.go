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
// token decoded (scope, issuer, issued, expires, how it is signed) and
// the planned rotation, with At set so the pane counts down to expiry and
// to the rotation. tok is what DecodeToken returned, err its error (the
// token is then opaque); expires is when the session takes it to expire
// and rotates when it will fetch the next URL.
func TokenFields(tok Token, err error, expires, rotates time.Time) []protocol.Field {
	var fs []protocol.Field
	if err != nil {
		fs = append(fs, protocol.Field{Label: "token", Value: "opaque (" + err.Error() + "): the documented 1 h lifetime is assumed"})
	} else {
		scope := tok.Scope.Describe()
		if tok.Subject != "" {
			scope += " (" + clean(tok.Subject, 80) + ")"
		}
		fs = append(fs, protocol.Field{Label: "scope", Value: scope})
		if tok.Issuer != "" {
			fs = append(fs, protocol.Field{Label: "issuer", Value: clean(tok.Issuer, 80)})
		}
		if !tok.IssuedAt.IsZero() {
			fs = append(fs, protocol.Field{Label: "issued", Value: tok.IssuedAt.UTC().Format(clockFormat), At: tok.IssuedAt})
		}
	}
	if !tok.ExpiresAt.IsZero() && err == nil {
		v := tok.ExpiresAt.UTC().Format(clockFormat)
		if l := tok.Lifetime(); l > 0 {
			v += " (lifetime " + l.String() + ")"
		}
		fs = append(fs, protocol.Field{Label: "expires", Value: v, At: tok.ExpiresAt})
	} else if !expires.IsZero() {
		fs = append(fs, protocol.Field{Label: "expires", Value: expires.UTC().Format(clockFormat) + " (assumed)", At: expires})
	}
	if !rotates.IsZero() {
		fs = append(fs, protocol.Field{Label: "rotation", Value: rotates.UTC().Format(clockFormat) + ": fresh URL, new socket before the old closes", At: rotates})
	}
	if err == nil {
		sig := "alg " + orQ(clean(tok.Alg, 12))
		if tok.Alg == "ES256" {
			sig += ": Dialpad's key, which a client cannot verify"
		} else {
			sig += ": not verified by a client"
		}
		fs = append(fs, protocol.Field{Label: "signed", Value: sig})
		if len(tok.Problems) > 0 {
			fs = append(fs, protocol.Field{Label: "note", Value: clean(strings.Join(tok.Problems, "; "), 200)})
		}
	}
	return fs
}
