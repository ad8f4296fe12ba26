package ringcentral

import (
	"errors"
	"net/url"
	"strings"
)

// Grant types accepted by POST /restapi/oauth/token.
const (
	GrantJWT      = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	GrantPassword = "password"
	GrantRefresh  = "refresh_token"
)

// TokenResponse is the answer to POST /restapi/oauth/token.
type TokenResponse struct {
	AccessToken           string `json:"access_token"`
	TokenType             string `json:"token_type"`
	ExpiresIn             int    `json:"expires_in"`
	RefreshToken          string `json:"refresh_token"`
	RefreshTokenExpiresIn int    `json:"refresh_token_expires_in"`
	Scope                 string `json:"scope"`
	OwnerID               string `json:"owner_id"`
	EndpointID            string `json:"endpoint_id,omitempty"`
}

// OAuthError is the body of a refused token request.
type OAuthError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCode        string `json:"errorCode,omitempty"`
	Message          string `json:"message,omitempty"`
}

// WSTokenResponse is the answer to POST /restapi/oauth/wstoken.
type WSTokenResponse struct {
	URI           string `json:"uri"`
	WSAccessToken string `json:"ws_access_token"`
	ExpiresIn     int    `json:"expires_in"`
}

// JWTGrant is the form body that exchanges a JWT credential for a token.
func JWTGrant(assertion string) url.Values {
	return url.Values{"grant_type": {GrantJWT}, "assertion": {assertion}}
}

// PasswordGrant is the (deprecated) password grant form.
func PasswordGrant(username, password string) url.Values {
	return url.Values{"grant_type": {GrantPassword}, "username": {username}, "password": {password}}
}

// RefreshGrant is the form body that renews an access token.
func RefreshGrant(refreshToken string) url.Values {
	return url.Values{"grant_type": {GrantRefresh}, "refresh_token": {refreshToken}}
}

// SocketURL builds the URL a client dials: uri?access_token=T, plus
// &wsc=W when recovering. Like the official JS SDK it does not escape the
// tokens, which are URL-safe by contract; a token that is not is escaped
// rather than sent broken.
func SocketURL(uri, wsAccessToken, wsc string) (string, error) {
	if strings.Contains(uri, "?") {
		return "", errors.New("ws uri already has a query")
	}
	s := uri + "?access_token=" + queryValue(wsAccessToken)
	if wsc != "" {
		s += "&wsc=" + queryValue(wsc)
	}
	return s, nil
}

func queryValue(s string) string {
	if urlSafe(s) {
		return s
	}
	return url.QueryEscape(s)
}

func urlSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-' || c == '_' || c == '.' || c == '~' || c == '=':
		default:
			return false
		}
	}
	return true
}
