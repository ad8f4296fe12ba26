package ringcentral

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The tests talk to the emulator with a raw gorilla client, never with
// evtap's session package, so that the two cannot agree on a mistake.

const waitFor = 5 * time.Second

func startSim(t testing.TB, cfg Config) (*Server, string) {
	t.Helper()
	s := New(cfg)
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		s.Close()
		hs.Close()
	})
	return s, hs.URL
}

func postForm(t testing.TB, base string, form url.Values, basic bool) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+pathToken, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(DemoClientID, DemoClientSecret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// login runs the JWT grant as the JS SDK does and returns the token.
func login(t testing.TB, base string) tokenResponse {
	t.Helper()
	resp, b := postForm(t, base, jwtGrant(DemoJWT), true)
	if resp.StatusCode != 200 {
		t.Fatalf("token: %d %s", resp.StatusCode, b)
	}
	var tr tokenResponse
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	return tr
}

// getWSToken asks for a ws token with an empty body and a lowercase scheme,
// as @rc-ex/ws does.
func getWSToken(t testing.TB, base, access string) (int, wsTokenResponse) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+pathWSToken, nil)
	req.Header.Set("Authorization", "bearer "+access)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var wt wsTokenResponse
	_ = json.NewDecoder(resp.Body).Decode(&wt)
	return resp.StatusCode, wt
}

type client struct {
	t  testing.TB
	ws *websocket.Conn
	n  int
}

// dialWS connects with a ws token and an optional wsc.
func dialWS(t testing.TB, wt wsTokenResponse, wsc string) (*client, *http.Response, error) {
	t.Helper()
	u, err := socketURL(wt.URI, wt.WSAccessToken, wsc)
	if err != nil {
		t.Fatal(err)
	}
	ws, resp, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		return nil, resp, err
	}
	t.Cleanup(func() { ws.Close() })
	return &client{t: t, ws: ws}, resp, nil
}

// connect does the whole token flow and returns the client and the
// ws token (to reconnect with).
func connect(t testing.TB, base string) (*client, wsTokenResponse, tokenResponse) {
	t.Helper()
	tr := login(t, base)
	code, wt := getWSToken(t, base, tr.AccessToken)
	if code != 200 {
		t.Fatalf("wstoken: %d", code)
	}
	c, resp, err := dialWS(t, wt, "")
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	return c, wt, tr
}

func (c *client) read() (frame, []byte) {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(waitFor))
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	f, err := decodeFrame(data)
	if err != nil {
		c.t.Fatalf("decode %s: %v", data, err)
	}
	return f, data
}

// readType reads the next frame and insists on its type.
func (c *client) readType(want msgType) frame {
	c.t.Helper()
	f, data := c.read()
	if f.Meta.Type != want {
		c.t.Fatalf("got %s frame %s, want %s", f.Meta.Type, data, want)
	}
	return f
}

// readClosed expects the connection to end (close frame or cut).
func (c *client) readClosed() error {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(waitFor))
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
				c.t.Fatalf("connection still open")
			}
			return err
		}
		c.t.Fatalf("want the connection closed, got frame %s", data)
	}
}

func (c *client) send(v string) {
	c.t.Helper()
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte(v)); err != nil {
		c.t.Fatal(err)
	}
}

// request sends a ClientRequest and returns the response frame, skipping
// notifications that arrive in between.
func (c *client) request(method, path string, body any) frame {
	c.t.Helper()
	c.n++
	id := fmt.Sprintf("req-%d", c.n)
	c.send(string(encodeFrame(meta{Type: typeClientRequest, MessageID: id, Method: method, Path: path}, body)))
	for {
		f, data := c.read()
		if f.Meta.Type == typeServerNotification {
			continue
		}
		if f.Meta.Type != typeClientRequest || f.Meta.MessageID != id {
			c.t.Fatalf("want the response to %s, got %s", id, data)
		}
		return f
	}
}

// subscribe POSTs filters with the Python/docs trailing slash.
func (c *client) subscribe(filters ...string) frame {
	c.t.Helper()
	return c.request("POST", pathSubscription+"/", subscriptionRequest{
		EventFilters: filters, DeliveryMode: deliveryMode{TransportType: transportWebSocket},
	})
}

func (c *client) mustSubscribe(filters ...string) subscriptionInfo {
	c.t.Helper()
	f := c.subscribe(filters...)
	if f.Meta.Status != 200 {
		c.t.Fatalf("subscribe: status %d %s", f.Meta.Status, f.Body)
	}
	var info subscriptionInfo
	if err := f.decodeBody(&info); err != nil {
		c.t.Fatal(err)
	}
	return info
}

// notification reads the next ServerNotification.
func (c *client) notification() (frame, notification) {
	c.t.Helper()
	f := c.readType(typeServerNotification)
	var n notification
	if err := f.decodeBody(&n); err != nil {
		c.t.Fatal(err)
	}
	if f.Meta.WSC == nil {
		c.t.Fatalf("notification without wsc")
	}
	return f, n
}

func details(t testing.TB, f frame) connDetails {
	t.Helper()
	var d connDetails
	if err := f.decodeBody(&d); err != nil {
		t.Fatal(err)
	}
	return d
}

func errorBody(t testing.TB, f frame) errBody {
	t.Helper()
	var e errBody
	if err := f.decodeBody(&e); err != nil {
		t.Fatal(err)
	}
	return e
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

const (
	smsFilter      = "/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS"
	voicemailF     = "/restapi/v1.0/account/~/extension/~/voicemail"
	presenceFilter = "/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true"
)

// The client side of the token flow, as the JS SDK does it (§1, §2.2).

func jwtGrant(assertion string) url.Values {
	return url.Values{"grant_type": {grantJWT}, "assertion": {assertion}}
}

func passwordGrant(username, password string) url.Values {
	return url.Values{"grant_type": {grantPassword}, "username": {username}, "password": {password}}
}

func refreshGrant(refresh string) url.Values {
	return url.Values{"grant_type": {grantRefresh}, "refresh_token": {refresh}}
}

// socketURL is ${uri}?access_token=${token}[&wsc=${wsc}], concatenated
// without escaping as @rc-ex/ws does (WSX 239-243).
func socketURL(uri, token, wsc string) (string, error) {
	if strings.Contains(uri, "?") {
		return "", fmt.Errorf("ws uri %q has a query", uri)
	}
	u := uri + "?access_token=" + token
	if wsc != "" {
		u += "&wsc=" + wsc
	}
	return u, nil
}

// oauthErrorBody is a refused token request's answer.
type oauthErrorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCode        string `json:"errorCode"`
}

// matchesExpanded reports whether event is filter with "~" expanded to
// the demo ids, which is what every generated notification carries.
func matchesExpanded(filter, event string) bool {
	f := strings.Replace(filter, "/account/~/", "/account/"+DemoAccountID+"/", 1)
	return strings.Replace(f, "/extension/~/", "/extension/"+DemoExtensionID+"/", 1) == event
}
