package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/websocket"
)

// runBare is the baseline: the least any client can do with the stream,
// a gorilla/websocket ReadMessage loop that goes live as the document
// says (token, wstoken, the socket, a subscription) and then only counts
// the notifications, touching no byte of them.
func runBare(args []string) error {
	fs := flag.NewFlagSet("bare", flag.ExitOnError)
	server := fs.String("server", "", "the source's base URL")
	n := fs.Int("n", 200000, "notifications to read")
	fs.Parse(args)
	ws, err := goLive(*server)
	if err != nil {
		return err
	}
	defer ws.Close()
	for got := 0; got < *n; {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return fmt.Errorf("after %d notifications: %w", got, err)
		}
		if bytes.HasPrefix(data, []byte(`[{"type":"ServerNotification"`)) {
			got++
		}
	}
	ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	return nil
}

// socketURL does the REST half of going live: the JWT grant, then the
// wstoken call, and returns the socket URL with its token.
func socketURL(server string) (string, error) {
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {benchJWT}}
	req, _ := http.NewRequest(http.MethodPost, server+"/restapi/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(benchClientID, "")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := call(req, &tok); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	req, _ = http.NewRequest(http.MethodPost, server+"/restapi/oauth/wstoken", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	var wt struct {
		URI   string `json:"uri"`
		Token string `json:"ws_access_token"`
	}
	if err := call(req, &wt); err != nil {
		return "", fmt.Errorf("wstoken: %w", err)
	}
	return wt.URI + "?access_token=" + wt.Token, nil
}

func call(req *http.Request, out any) error {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// subscribeFrame is the ClientRequest that starts the stream (§2.5).
const subscribeFrame = `[{"type":"ClientRequest","messageId":"bench-sub","method":"POST","path":"/restapi/v1.0/subscription"},` +
	`{"deliveryMode":{"transportType":"WebSocket"},"eventFilters":["/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS"]}]`

// goLive connects and subscribes; the stream starts after it returns.
func goLive(server string) (*websocket.Conn, error) {
	u, err := socketURL(server)
	if err != nil {
		return nil, err
	}
	ws, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		return nil, err
	}
	if _, _, err := ws.ReadMessage(); err != nil { // ConnectionDetails
		ws.Close()
		return nil, err
	}
	if err := ws.WriteMessage(websocket.TextMessage, []byte(subscribeFrame)); err != nil {
		ws.Close()
		return nil, err
	}
	if _, _, err := ws.ReadMessage(); err != nil { // the subscription's answer
		ws.Close()
		return nil, err
	}
	return ws, nil
}
