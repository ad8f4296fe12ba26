package dialpad

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session"
)

// Rule: with 2-second URL tokens, cut at expiry, the session rotates
// before every expiry, make before break, and every event the server
// wrote appears exactly once (the overlap's second copies marked
// Duplicate); the server never had a moment without a connection, and
// the client reports no outage, no drop and no backoff.
func TestRotationLosesNothing(t *testing.T) {
	srv := newDPServer(t, 2*time.Second)
	r := start(t, srv, Config{Subscribe: mustSpecs(t, "call states=ringing")})
	r.rec.waitFor(t, "the first connection live", 10*time.Second, liveOn(1))

	stop := make(chan struct{})
	generating := make(chan struct{})
	go func() {
		defer close(generating)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				srv.generate(1)
			}
		}
	}()
	const rotations = 6
	deadline := time.Now().Add(30 * time.Second)
	for srv.connsOpened() < rotations+1 {
		if time.Now().After(deadline) {
			close(stop)
			t.Fatalf("%d connections in 30s, want %d\n%s", srv.connsOpened(), rotations+1, dump(r.rec.snapshot()))
		}
		time.Sleep(50 * time.Millisecond) // polling the server's count; the deadline bounds it
	}
	close(stop)
	<-generating

	// The server's own list: every event it generated after the first
	// connection must have been queued on some connection (none was made
	// while the rotation left the server without one) and must reach the
	// client.
	gen := srv.generated()
	sent := map[string]bool{}
	first := -1
	for i, e := range gen {
		if e.during && first < 0 {
			first = i
		}
		if first >= 0 {
			if !e.during {
				t.Errorf("event %s (%d of %d) was made while no connection was open: the rotation left a hole", e.callID, i, len(gen))
			}
			sent[e.callID] = true
		}
	}
	ups := r.rec.waitFor(t, "every event the server sent", 10*time.Second, func(ups []protocol.Update) bool {
		got := map[string]bool{}
		for _, e := range events(ups) {
			got[e.ID] = true
		}
		for id := range sent {
			if !got[id] {
				return false
			}
		}
		return true
	})
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}

	// Exactly once each, duplicates aside: an event marked duplicate that
	// the server sent once would be missing here.
	once, dups := map[string]int{}, 0
	for _, e := range events(ups) {
		if !sent[e.ID] {
			continue // from before the count began
		}
		if e.Duplicate {
			dups++
			continue
		}
		once[e.ID]++
	}
	for id := range sent {
		if once[id] != 1 {
			t.Errorf("event %s shown %d times (duplicates aside), want exactly once", id, once[id])
		}
	}
	if dups == 0 {
		t.Error("no duplicate: the overlaps delivered nothing twice, so de-duplication went untested")
	}
	for _, u := range ups {
		if u.State != nil && (u.State.Phase == protocol.PhaseDropped || u.State.Phase == protocol.PhaseBackoff) {
			t.Errorf("conn %d reported %s (%s)", u.Conn, u.State.Phase, u.State.Cause)
		}
	}
	if g := gaps(ups); len(g) != 0 {
		t.Errorf("outage windows across planned rotations: %+v", g[0])
	}
	rot := 0
	for _, u := range ups {
		if u.State != nil && u.State.Phase == protocol.PhaseRotating && strings.Contains(u.State.Cause, "opening a new connection before closing") {
			rot++
		}
	}
	if rot < rotations {
		t.Errorf("%d make-before-break rotations announced, want %d", rot, rotations)
	}
	gets := 0
	for _, c := range srv.restCalls() {
		if strings.HasPrefix(c, "GET /api/v2/websockets/") {
			gets++
		}
	}
	if gets < rotations {
		t.Errorf("%d GET /websockets/{id} for %d rotations", gets, rotations)
	}
	t.Logf("%d events over %d connections, %d delivered twice in the overlaps", len(sent), srv.connsOpened(), dups)
}

// Rule: the handover shows as rotating → live, never as a failure: the
// new connection's phases are rotating until it is live, and only then is
// the old one closed.
func TestRotationShowsRotatingThenLive(t *testing.T) {
	srv := newDPServer(t, 2*time.Second)
	r := start(t, srv, Config{Subscribe: mustSpecs(t, "call")})
	ups := r.rec.waitFor(t, "connection 2 live", 10*time.Second, liveOn(2))
	live2, close1 := -1, -1
	for i, u := range ups {
		if u.Conn == 2 && u.State != nil {
			if u.State.Phase == protocol.PhaseLive && live2 < 0 {
				live2 = i
			} else if live2 < 0 && u.State.Phase != protocol.PhaseRotating {
				t.Errorf("connection 2 showed %s during the handover", u.State.Phase)
			}
		}
	}
	ups = r.rec.waitFor(t, "connection 1 closed", 5*time.Second, func(ups []protocol.Update) bool {
		for i, u := range ups {
			if u.Conn == 1 && u.Kind == protocol.KindSent && u.Frame.Op == protocol.OpClose {
				close1 = i
				return true
			}
		}
		return false
	})
	if close1 < live2 {
		t.Errorf("connection 1 closed (%d) before connection 2 was live (%d)", close1, live2)
	}
	// The context pane got the fresh token decoded, with its countdowns.
	var ctx []protocol.Field
	for _, u := range ups {
		if u.Conn == 2 && u.State != nil && len(u.State.Context) > 0 {
			ctx = u.State.Context
		}
	}
	labels := map[string]protocol.Field{}
	for _, f := range ctx {
		labels[f.Label] = f
	}
	if labels["scope"].Value != "websocket-wide" || labels["expires"].At.IsZero() || labels["rotation"].At.IsZero() ||
		!labels["rotation"].At.Before(labels["expires"].At) {
		t.Errorf("context of connection 2: %+v", ctx)
	}
}

// Rule: a connection that dies without a close frame is a drop, and the
// time until the next one is live is reported as a window in which events
// may have been lost; the session goes on.
func TestUnannouncedCloseIsAPossibleLossWindow(t *testing.T) {
	srv := newDPServer(t, time.Hour)
	r := start(t, srv, Config{Subscribe: mustSpecs(t, "call")})
	r.rec.waitFor(t, "live", 10*time.Second, liveOn(1))
	srv.cutAll(t)
	ups := r.rec.waitFor(t, "an outage window", 10*time.Second, func(ups []protocol.Update) bool { return len(gaps(ups)) > 0 })
	g := gaps(ups)[0]
	if g.Start.IsZero() || !g.End.After(g.Start) || g.Missed != 0 || !strings.Contains(g.Reason, "without a close frame") || !strings.Contains(g.Reason, "may have been lost") {
		t.Errorf("gap %+v", g)
	}
	if !hasPhase(ups, protocol.PhaseDropped) {
		t.Error("no dropped state")
	}
	srv.generate(1)
	r.rec.waitFor(t, "an event on the next connection", 5*time.Second, func(ups []protocol.Update) bool {
		for _, u := range ups {
			if u.Kind == protocol.KindEvent && u.Conn >= 2 {
				return true
			}
		}
		return false
	})
}

// Rule: a close the server sends is answered by fetching a fresh URL at
// once (rotating, not dropped), as Dialpad's sample does from onclose;
// the time without a connection is still a possible-loss window.
func TestServerCloseFetchesAFreshURL(t *testing.T) {
	srv := newDPServer(t, time.Hour)
	r := start(t, srv, Config{Subscribe: mustSpecs(t, "call")})
	r.rec.waitFor(t, "live", 10*time.Second, liveOn(1))
	srv.closeAll(t, websocket.CloseNormalClosure)
	// The window is derived from connection 2's live state and published
	// right after it: wait for both, not for the live state alone.
	ups := r.rec.waitFor(t, "connection 2 live and the window closed", 10*time.Second, func(ups []protocol.Update) bool {
		return liveOn(2)(ups) && len(gaps(ups)) > 0
	})
	for _, u := range ups {
		if u.Conn == 1 && u.State != nil && u.State.Phase == protocol.PhaseBackoff {
			t.Errorf("a server close waited out a backoff: %s", u.State.Cause)
		}
	}
	var replaced bool
	for _, u := range ups {
		if u.Conn == 1 && u.State != nil && u.State.Phase == protocol.PhaseRotating && strings.Contains(u.State.Cause, "preparing a fresh target") {
			replaced = true
		}
	}
	if !replaced {
		t.Errorf("no rotating state for the server's close\n%s", dump(ups))
	}
	if len(gaps(ups)) != 1 {
		t.Errorf("gaps %+v, want the window between the close and the new connection", gaps(ups))
	}
}

// Rule: a key the API refuses ends the session at once with the
// refusal (exit 3), and nothing was created.
func TestBadKeyIsFinal(t *testing.T) {
	srv := newDPServer(t, time.Hour)
	r := start(t, srv, Config{APIKey: "not-the-key", Subscribe: mustSpecs(t, "call")})
	err := r.wait(t)
	var rej *session.RejectedError
	if !errors.As(err, &rej) || rej.Status != 401 || !strings.Contains(rej.Error(), "invalid api key") {
		t.Fatalf("Run = %v, want a 401 refusal", err)
	}
	if ws, _ := srv.state(); len(ws) != 0 {
		t.Errorf("websockets left: %v", ws)
	}
	b, _ := json.Marshal(r.rec.snapshot())
	if strings.Contains(string(b), "not-the-key") {
		t.Error("the API key reached an Update")
	}
}

// Rule: the API key is sent as a bearer header and never shown; the URL
// token never appears in a state (the connection pane).
func TestKeyAndTokenAreNeverShown(t *testing.T) {
	srv := newDPServer(t, time.Hour)
	r := start(t, srv, Config{Subscribe: mustSpecs(t, "call")})
	ups := r.rec.waitFor(t, "live", 10*time.Second, liveOn(1))
	b, _ := json.Marshal(ups)
	if strings.Contains(string(b), testKey) {
		t.Error("the API key reached an Update")
	}
	if !strings.Contains(string(b), `Bearer ***`) {
		t.Error("the request's Authorization is not shown masked")
	}
	for _, u := range ups {
		if u.State != nil && strings.Contains(u.State.URL, "/events/") && !strings.HasSuffix(u.State.URL, "/events/***") {
			t.Errorf("a state shows the URL token: %s", u.State.URL)
		}
	}
}

// Rule: a rotation whose GET for a fresh URL is answered 429 with
// Retry-After: 1 asks again no sooner than a second later (dialpad.md
// B2; docs/session.md, Backoff), while the old connection stays up, and
// the rotation still completes before the token expires: no drop, no
// outage window.
func TestRotationHonoursRetryAfterOn429(t *testing.T) {
	srv := newDPServer(t, 4*time.Second)
	r := start(t, srv, Config{Subscribe: mustSpecs(t, "call"), RotateLead: 2 * time.Second})
	r.rec.waitFor(t, "the first connection live", 10*time.Second, liveOn(1))
	srv.failNext("GET", "/api/v2/websockets/", 429, map[string]string{"Retry-After": "1"}, `{"error":{"code":429,"message":"rate limit exceeded"}}`)
	ups := r.rec.waitFor(t, "connection 3 live", 10*time.Second, liveOn(3))

	// The rotation's GETs as the session published them: each request
	// when it was sent, with the status of its answer.
	type get struct {
		at     time.Time
		status int
	}
	var gets []*get
	byID := map[int]*get{}
	for _, u := range ups {
		if u.Frame == nil || u.Frame.Op != protocol.OpHTTP {
			continue
		}
		if u.Kind == protocol.KindSent {
			var q protocol.HTTPRequest
			if err := json.Unmarshal([]byte(u.Frame.Data), &q); err != nil {
				t.Fatal(err)
			}
			if q.Method == "GET" && strings.Contains(q.URL, "/api/v2/websockets/") {
				g := &get{at: u.Time}
				gets, byID[q.ID] = append(gets, g), g
			}
			continue
		}
		var a protocol.HTTPResponse
		if err := json.Unmarshal([]byte(u.Frame.Data), &a); err != nil {
			t.Fatal(err)
		}
		if g := byID[a.ID]; g != nil {
			g.status = a.Status
		}
	}
	i := slices.IndexFunc(gets, func(g *get) bool { return g.status == 429 })
	if i < 0 || i+1 >= len(gets) {
		t.Fatalf("GETs %+v: want a 429 and one after it\n%s", gets, dump(ups))
	}
	if waited := gets[i+1].at.Sub(gets[i].at); waited < time.Second {
		t.Errorf("the GET after a 429 with Retry-After: 1 went %s later, want a second or more", waited.Round(time.Millisecond))
	}
	for _, u := range ups {
		if u.State != nil && (u.State.Phase == protocol.PhaseDropped || u.State.Phase == protocol.PhaseBackoff) {
			t.Errorf("conn %d reported %s (%s)", u.Conn, u.State.Phase, u.State.Cause)
		}
	}
	if g := gaps(ups); len(g) != 0 {
		t.Errorf("outage window %+v: the rotation did not complete before the token expired", g[0])
	}
}
