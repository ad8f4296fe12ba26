package ringcentral_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/session"
	"github.com/evtap/evtap/session/ringcentral"
)

// foreign is a RingCentral-style server written here from the documents
// alone, not the emulator. It answers in its own way (no wsc anywhere, an
// unknown message type before the answer, null fields) and reports on
// problems anything the client sends that is not the documented shape.
// foreignMode varies how the foreign server behaves.
type foreignMode struct {
	numbered bool // a wsc sequence on every frame
	ignore   int  // subscription requests left unanswered (over all connections) before one is answered
}

func foreign(t *testing.T, problems chan<- string, mode foreignMode) string {
	t.Helper()
	report := func(format string, a ...any) {
		select {
		case problems <- fmt.Sprintf(format, a...):
		default:
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+rc.PathToken, func(w http.ResponseWriter, r *http.Request) {
		if id, secret, ok := r.BasicAuth(); !ok || id != "id" || secret != "secret" {
			report("token request without Basic client credentials")
		}
		if r.FormValue("grant_type") != rc.GrantJWT || r.FormValue("assertion") != "jwt" {
			report("token request is not the JWT grant")
		}
		_, _ = w.Write([]byte(`{"access_token":"AT","token_type":"bearer","expires_in":3600}`))
	})
	var wsURL string
	var ignored atomic.Int64 // subscription requests left unanswered so far
	mux.HandleFunc("POST "+rc.PathWSToken, func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.Header.Get("Authorization"), "bearer AT") {
			report("wstoken without the bearer token")
		}
		_ = json.NewEncoder(w).Encode(rc.WSTokenResponse{URI: wsURL, WSAccessToken: "WS1", ExpiresIn: 30})
	})
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("access_token") != "WS1" {
			report("upgrade without access_token")
		}
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		in := make(chan []byte, 16)
		go func() {
			defer close(in)
			for {
				_, data, err := ws.ReadMessage()
				if err != nil {
					return
				}
				in <- data
			}
		}()
		// The client must send nothing before ConnectionDetails.
		select {
		case data := <-in:
			report("client spoke before ConnectionDetails: %s", data)
			return
		case <-time.After(100 * time.Millisecond):
		}
		send := func(s string) { _ = ws.WriteMessage(websocket.TextMessage, []byte(s)) }
		// wsc renders the context for frame n: none at all, or (numbered)
		// a sequence on every frame, as a server might number them all.
		wsc := func(n int) string {
			if !mode.numbered {
				return ""
			}
			return fmt.Sprintf(`,"wsc":{"token":"tok%d","sequence":%d}`, n, n)
		}
		send(`[{"type":"ConnectionDetails","messageId":"cd","status":200` + wsc(1) + `},{"recoveryTimeout":180,"idleTimeout":1800}]`)
		var meta map[string]any
		for answer := false; !answer; {
			var req []json.RawMessage
			select {
			case data, open := <-in:
				if !open {
					return // the client went
				}
				if err := json.Unmarshal(data, &req); err != nil || len(req) == 0 {
					report("not a JSON array: %s", data)
					return
				}
			case <-time.After(5 * time.Second):
				report("no subscribe request")
				return
			}
			meta = nil
			_ = json.Unmarshal(req[0], &meta)
			if meta["type"] == "Heartbeat" {
				continue
			}
			answer = ignored.Add(1) > int64(mode.ignore)
			var body map[string]any
			if len(req) == 2 {
				_ = json.Unmarshal(req[1], &body)
			}
			if meta["type"] != "ClientRequest" || meta["method"] != "POST" || meta["path"] != rc.PathSubscription || meta["messageId"] == "" || len(meta) != 4 {
				report("subscribe meta %v", meta)
			}
			if dm, _ := body["deliveryMode"].(map[string]any); dm["transportType"] != "WebSocket" || len(body) != 2 {
				report("subscribe body %v", body)
			}
		}
		// An unknown message type, then the answer with nulls in it.
		send(`[{"type":"Announcement","messageId":"a"},{"text":"hello"}]`)
		send(fmt.Sprintf(`[{"type":"ClientRequest","messageId":%q,"status":200`+wsc(2)+`},{"id":"sub-1","status":"Active","eventFilters":null,"expirationTime":null,"deliveryMode":{"transportType":"WebSocket"}}]`, meta["messageId"]))
		for i := 1; i <= 6; i++ { // more than the reorder window, so a false gap would show
			send(fmt.Sprintf(`[{"type":"ServerNotification","messageId":"n%d"`+wsc(2+i)+`},{"uuid":"u%d","event":"/restapi/v1.0/account/1/extension/2/voicemail","timestamp":"2024-05-01T10:00:00.000Z","subscriptionId":"sub-1","body":{"from":{"phoneNumber":"+1"}}}]`, i, i))
		}
		for range in { // until the client goes
		}
	})
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	wsURL = "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws"
	return hs.URL
}

// Rule: the client works with a server its authors did not write: it
// sends exactly the documented frames and nothing early, and it accepts
// frames without wsc, unknown types and null fields.
func TestWorksWithAServerBuiltFromTheDocuments(t *testing.T) {
	for _, numbered := range []bool{false, true} {
		t.Run(fmt.Sprintf("wsc on every frame=%v", numbered), func(t *testing.T) { worksWithForeign(t, numbered) })
	}
}

func worksWithForeign(t *testing.T, numbered bool) {
	problems := make(chan string, 8)
	base := foreign(t, problems, foreignMode{numbered: numbered})
	r := start(t, simConfig{}, func(c *ringcentral.Config) {
		c.Server, c.ClientID, c.ClientSecret, c.JWT = base, "id", "secret", "jwt"
	})
	ups := r.out.waitFor("6 events", countEvents(6))
	select {
	case p := <-problems:
		t.Fatal(p)
	default:
	}
	if !hasPhase(protocol.PhaseLive)(ups) {
		t.Error("never live")
	}
	subs := subscriptions(ups)
	if len(subs) != 1 || subs[0].ID != "sub-1" || subs[0].Error != nil {
		t.Errorf("subscription %+v", subs)
	}
	var unknown bool
	for _, u := range ups {
		if u.Error != nil && strings.Contains(u.Error.Message, "Announcement") {
			unknown = true
		}
	}
	if !unknown {
		t.Error("the unknown message type was not reported")
	}
	for i, e := range events(ups) {
		want := uint64(0)
		if numbered {
			want = uint64(3 + i)
		}
		if e.Seq != want || e.Label != "voicemail" {
			t.Errorf("event %d: seq %d label %q, want seq %d", i, e.Seq, e.Label, want)
		}
	}
	if len(gaps(ups)) != 0 {
		t.Errorf("gaps without any sequence: %+v", gaps(ups))
	}
}

// Rule: a subscription request the server does not answer is asked
// again after a bounded backoff, said in the connection pane, until one
// is answered: an unattended run ends up receiving events.
func TestUnansweredSubscriptionIsAskedAgain(t *testing.T) {
	problems := make(chan string, 8)
	base := foreign(t, problems, foreignMode{ignore: 2})
	r := start(t, simConfig{}, func(c *ringcentral.Config) {
		c.Server, c.ClientID, c.ClientSecret, c.JWT = base, "id", "secret", "jwt"
		c.RequestTimeout = 100 * time.Millisecond
		c.SubscribeRetry = session.Backoff{Base: 20 * time.Millisecond, Max: 40 * time.Millisecond}
	})
	ups := r.out.waitFor("6 events after two unanswered requests", countEvents(6))
	select {
	case p := <-problems:
		t.Fatal(p)
	default:
	}
	var retries []*protocol.State
	requests := 0
	for _, u := range ups {
		if u.State != nil && strings.Contains(u.State.Cause, "no answer to the subscription request") {
			retries = append(retries, u.State)
		}
		if u.Kind == protocol.KindSent && u.Frame.Type == "ClientRequest" {
			requests++
		}
	}
	if len(retries) != 2 || requests != 3 {
		t.Fatalf("%d retry states and %d requests, want 2 and 3:\n%s", len(retries), requests, dump(ups))
	}
	for i, st := range retries {
		if st.Attempt != i+2 || st.Delay.Duration() > 40*time.Millisecond || st.Until.IsZero() || !strings.Contains(st.Cause, "asking again") {
			t.Errorf("retry %d: %+v", i, st)
		}
	}
	if subs := subscriptions(ups); len(subs) != 1 || subs[0].ID != "sub-1" {
		t.Errorf("subscriptions %+v", subs)
	}
	if lastPhase(ups) != protocol.PhaseLive {
		t.Errorf("not live: %v", phases(ups))
	}
}

// Rule: a connection on which the subscription goes unanswered three
// times is given up; the next connection asks again and gets events.
func TestUnansweredSubscriptionEndsTheConnection(t *testing.T) {
	problems := make(chan string, 8)
	base := foreign(t, problems, foreignMode{ignore: 4})
	r := start(t, simConfig{}, func(c *ringcentral.Config) {
		c.Server, c.ClientID, c.ClientSecret, c.JWT = base, "id", "secret", "jwt"
		c.RequestTimeout = 60 * time.Millisecond
		c.SubscribeRetry = session.Backoff{Base: 10 * time.Millisecond, Max: 20 * time.Millisecond}
	})
	ups := r.out.waitFor("6 events after four unanswered requests", countEvents(6))
	select {
	case p := <-problems:
		t.Fatal(p)
	default:
	}
	d := stateOf(ups, protocol.PhaseDropped)
	if d == nil || !strings.Contains(d.Cause, "3 subscription requests had no answer") {
		t.Fatalf("dropped %+v, want the unanswered requests as the cause", d)
	}
	if n := ups[len(ups)-1].Conn; n != 2 {
		t.Errorf("events on connection %d, want 2:\n%s", n, dump(ups))
	}
}
