package ringcentral_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/session/ringcentral"
	sim "github.com/evtap/evtap/sim/ringcentral"
)

// The two benchmarks below receive b.N notifications from the emulator:
// one through a whole session (decode, wsc, sequence, summary, Updates),
// one with a bare gorilla reader that only reads the frames. Their ratio
// is the session's cost over the wire's.

func benchSim(b *testing.B) (*sim.Server, string) {
	srv := sim.New(sim.Config{Seed: 3, BufferSize: -1})
	hs := httptest.NewServer(srv.Handler())
	b.Cleanup(func() { srv.Close(); hs.Close() })
	return srv, hs.URL
}

func BenchmarkThroughputBareReader(b *testing.B) {
	srv, base := benchSim(b)
	form := rc.JWTGrant(sim.DemoJWT)
	req, _ := http.NewRequest(http.MethodPost, base+rc.PathToken, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(sim.DemoClientID, sim.DemoClientSecret)
	var tr rc.TokenResponse
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_ = json.NewDecoder(resp.Body).Decode(&tr)
	resp.Body.Close()
	req, _ = http.NewRequest(http.MethodPost, base+rc.PathWSToken, nil)
	req.Header.Set("Authorization", "Bearer "+tr.AccessToken)
	var wt rc.WSTokenResponse
	if resp, err = http.DefaultClient.Do(req); err != nil {
		b.Fatal(err)
	}
	_ = json.NewDecoder(resp.Body).Decode(&wt)
	resp.Body.Close()
	u, _ := rc.SocketURL(wt.URI, wt.WSAccessToken, "")
	ws, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	_, _, _ = ws.ReadMessage() // ConnectionDetails
	sub, _ := rc.Encode(rc.Meta{Type: rc.TypeClientRequest, MessageID: "s", Method: "POST", Path: rc.PathSubscription},
		rc.SubscriptionRequest{EventFilters: []string{"/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS"}, DeliveryMode: rc.DeliveryMode{TransportType: "WebSocket"}})
	_ = ws.WriteMessage(websocket.TextMessage, sub)
	_, _, _ = ws.ReadMessage() // the answer
	b.ResetTimer()
	if _, err := srv.Generate("", "sms", b.N); err != nil {
		b.Fatal(err)
	}
	for got := 0; got < b.N; {
		_, data, err := ws.ReadMessage()
		if err != nil {
			b.Fatal(err)
		}
		if strings.Contains(string(data[:min(len(data), 40)]), "ServerNotification") {
			got++
		}
	}
}

func BenchmarkThroughputSession(b *testing.B) {
	srv, base := benchSim(b)
	var events atomic.Int64
	live := make(chan struct{}, 1)
	done := make(chan struct{})
	var want atomic.Int64
	want.Store(-1)
	emit := func(u protocol.Update) {
		if u.State != nil && u.State.Phase == protocol.PhaseLive {
			select {
			case live <- struct{}{}:
			default:
			}
		}
		if u.Event != nil && events.Add(1) == want.Load() {
			close(done)
		}
	}
	s := ringcentral.New(ringcentral.Config{Server: base, ClientID: sim.DemoClientID, ClientSecret: sim.DemoClientSecret, JWT: sim.DemoJWT,
		Filters: []string{"/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS"}})
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{})
	go func() { _ = s.Run(ctx, emit); close(ended) }()
	defer func() { cancel(); <-ended }()
	<-live
	want.Store(int64(b.N))
	b.ResetTimer()
	if _, err := srv.Generate("", "sms", b.N); err != nil {
		b.Fatal(err)
	}
	<-done
}
