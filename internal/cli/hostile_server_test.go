package cli

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/gorilla/websocket"
	"github.com/spf13/pflag"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/internal/run"
	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session"
	rcsession "github.com/evtap/evtap/session/ringcentral"
	"github.com/evtap/evtap/themes"
	"github.com/evtap/evtap/ui/shell"
)

// hostile is a WebSocket server that speaks just enough RingCentral for
// evtap to reach live — the token and wstoken calls, ConnectionDetails,
// the answer to the subscription request, a Successful recovery — and
// then does to each connection what its test says. It is built here,
// from the protocol documents, not from evtap's emulator: the emulator
// is well behaved.
type hostile struct {
	t   *testing.T
	srv *httptest.Server
	// answer says whether subscription requests are answered.
	answer bool
	// subID is the subscription's id (a test may make it hostile too).
	subID string
	// first is a new session's sequence (1 unless a test says).
	first uint64
	// act runs once a connection is ready (subscribed or recovered), in
	// its own goroutine; ready counts them from 1.
	act func(c *hconn, ready int)

	mu         sync.Mutex
	seq        uint64 // the session's newest sequence; 1 after ConnectionDetails
	subscribed bool
	ready      int
	sent       []string // uuids of the valid notifications sent

	requests atomic.Int32 // subscription requests received
	pongs    atomic.Int32
}

// hconn is one connection to the hostile server.
type hconn struct {
	h   *hostile
	ws  *websocket.Conn
	wmu sync.Mutex
}

const hostileEvent = "/restapi/v1.0/account/37439510/extension/1834890001/message-store/instant?type=SMS"

func newHostile(t *testing.T, act func(c *hconn, ready int)) *hostile {
	h := &hostile{t: t, answer: true, subID: "sub-hostile-1", first: 1, act: act}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /restapi/oauth/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"AT-hostile","token_type":"bearer","expires_in":3600,"refresh_token":"RT-hostile","refresh_token_expires_in":604800,"scope":"WebSocketsSubscription","owner_id":"1834890001"}`)
	})
	mux.HandleFunc("POST /restapi/oauth/wstoken", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"uri":"ws%s/ws","ws_access_token":"WST-hostile","expires_in":600}`, strings.TrimPrefix(h.srv.URL, "http"))
	})
	mux.HandleFunc("GET /ws", h.serveWS)
	h.srv = httptest.NewServer(mux)
	t.Cleanup(h.srv.Close)
	return h
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (h *hostile) serveWS(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer ws.Close()
	c := &hconn{h: h, ws: ws}
	ws.SetPongHandler(func(string) error { h.pongs.Add(1); return nil })
	_, recovering := r.URL.Query()["wsc"]
	h.mu.Lock()
	state := ""
	switch {
	case recovering && h.subscribed:
		state = `,"recoveryState":"Successful"`
	case recovering:
		state = `,"recoveryState":"Failed","recoveryErrorCode":"WSG-1005"`
		h.seq = h.first
	default:
		h.seq, h.subscribed = h.first, false
	}
	seq := h.seq
	h.mu.Unlock()
	c.text(fmt.Sprintf(`[{"type":"ConnectionDetails","messageId":"cd","status":200,"wsc":{"token":"wsc-%d","sequence":%d},"headers":{"RCRequestId":"r-cd"}},`+
		`{"creationTime":"2026-01-02T03:04:05.000+0000","maxConnectionsPerSession":50,"recoveryBufferSize":100,"recoveryTimeout":180,"idleTimeout":1800,"absoluteTimeout":86400,"maxActiveRequests":10%s}]`, seq, seq, state))
	if strings.Contains(state, "Successful") {
		h.start(c)
	}
	for {
		typ, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if typ != websocket.TextMessage {
			continue
		}
		var frame []json.RawMessage
		var meta struct{ Type, MessageID string }
		if json.Unmarshal(data, &frame) != nil || len(frame) == 0 || json.Unmarshal(frame[0], &meta) != nil {
			continue
		}
		switch meta.Type {
		case "Heartbeat":
			c.text(fmt.Sprintf(`[{"type":"Heartbeat","messageId":%q,"status":200}]`, meta.MessageID))
		case "ClientRequest":
			h.requests.Add(1)
			if !h.answer {
				continue
			}
			id, _ := json.Marshal(h.subID)
			c.text(fmt.Sprintf(`[{"type":"ClientRequest","messageId":%q,"status":200,"headers":{"RCRequestId":"r-sub","Content-Type":"application/json"}},`+
				`{"uri":"/restapi/v1.0/subscription/x","id":%s,"creationTime":"2026-01-02T03:04:05.000Z","status":"Active","eventFilters":[%q],`+
				`"expirationTime":"2026-01-03T03:04:05.000Z","expiresIn":86399,"deliveryMode":{"transportType":"WebSocket","encryption":false}}]`, meta.MessageID, id, hostileEvent))
			h.mu.Lock()
			h.subscribed = true
			h.mu.Unlock()
			h.start(c)
		}
	}
}

// start runs the test's act on a ready connection.
func (h *hostile) start(c *hconn) {
	h.mu.Lock()
	h.ready++
	n := h.ready
	h.mu.Unlock()
	if h.act != nil {
		go h.act(c, n)
	}
}

func (c *hconn) write(typ int, data []byte) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_ = c.ws.WriteMessage(typ, data)
}

func (c *hconn) text(s string) { c.write(websocket.TextMessage, []byte(s)) }

// raw writes a server frame byte by byte, bypassing gorilla's checks (a
// close frame longer than a control frame may be).
func (c *hconn) raw(opcode byte, payload []byte) {
	head := []byte{0x80 | opcode, 127, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint64(head[2:], uint64(len(payload)))
	if len(payload) < 126 {
		head = []byte{0x80 | opcode, byte(len(payload))}
	} else if len(payload) < 1<<16 {
		head = binary.BigEndian.AppendUint16([]byte{0x80 | opcode, 126}, uint16(len(payload)))
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, _ = c.ws.NetConn().Write(append(head, payload...))
}

// next takes the session's next sequence.
func (c *hconn) next() uint64 {
	c.h.mu.Lock()
	defer c.h.mu.Unlock()
	c.h.seq++
	return c.h.seq
}

// notification is a ServerNotification frame.
func notification(seq uint64, uuid, sub, subject string) string {
	n := map[string]any{
		"uuid": uuid, "event": hostileEvent, "timestamp": "2026-01-02T03:04:05.000Z", "subscriptionId": sub, "ownerId": "1834890001",
		"body": map[string]any{"id": fmt.Sprint(seq), "type": "SMS", "direction": "Inbound", "subject": subject, "readStatus": "Unread",
			"from": map[string]any{"phoneNumber": "+16505550111", "name": "Ada Lovelace"}, "to": []any{map[string]any{"phoneNumber": "+16505550100"}}},
	}
	b, _ := json.Marshal(n)
	return fmt.Sprintf(`[{"type":"ServerNotification","messageId":"m-%d","status":200,"wsc":{"token":"wsc-%d","sequence":%d},"headers":{"RCRequestId":"r-%d"}},%s]`, seq, seq, seq, seq, b)
}

// valid sends k well-formed notifications with the next sequences.
func (c *hconn) valid(k int) {
	for i := 0; i < k; i++ {
		seq := c.next()
		uuid := fmt.Sprintf("valid-%d", seq)
		c.h.mu.Lock()
		c.h.sent = append(c.h.sent, uuid)
		c.h.mu.Unlock()
		c.text(notification(seq, uuid, c.h.subID, fmt.Sprintf("valid %d", seq)))
	}
}

// connectArgs is `evtap connect ringcentral` against h, headless.
func (h *hostile) connectArgs(extra ...string) []string {
	return append([]string{"connect", "ringcentral", "--headless", "--server", h.srv.URL,
		"--client-id", "hostile-id", "--client-secret", "hostile-secret", "--jwt", "hostile.jwt.credential"}, extra...)
}

// outcome is one evtap run against a hostile server.
type outcome struct {
	code    int
	stdout  string
	stderr  string
	ups     []protocol.Update
	elapsed time.Duration
}

// against runs evtap as a user does against h until --count or
// --duration ends it; the deadline only catches a run that never ends.
func (h *hostile) against(t *testing.T, reg *providers.Registry, extra ...string) outcome {
	t.Helper()
	start := time.Now()
	code, out, errw := evtap(t, reg, 30*time.Second, h.connectArgs(extra...)...)
	o := outcome{code: code, stdout: out, stderr: errw, ups: updates(t, out), elapsed: time.Since(start)}
	if o.elapsed > 25*time.Second {
		t.Fatalf("evtap did not end by itself (--count or --duration) within 25 s; exit %d\n%s", code, dump(o.ups))
	}
	if code != ExitOK {
		t.Fatalf("exit %d; stderr: %s", code, errw)
	}
	return o
}

// keptEverything insists that every valid notification the server sent
// is an event in the output, exactly once, in order.
func (o outcome) keptEverything(t *testing.T, h *hostile) {
	t.Helper()
	h.mu.Lock()
	sent := append([]string(nil), h.sent...)
	h.mu.Unlock()
	seen := map[string]int{}
	var order []string
	for _, u := range events(o.ups) {
		seen[u.Event.ID]++
		if strings.HasPrefix(u.Event.ID, "valid-") {
			order = append(order, u.Event.ID)
		}
	}
	for _, id := range sent {
		if seen[id] != 1 {
			t.Errorf("valid notification %s is in the output %d times, want once\n%s", id, seen[id], dump(o.ups))
		}
	}
	if strings.Join(order, ",") != strings.Join(sent, ",") {
		t.Errorf("valid notifications out of order: got %v, sent %v", order, sent)
	}
}

// errorsMatching returns the error Updates whose message holds s.
func errorsMatching(ups []protocol.Update, s string) []protocol.Update {
	var out []protocol.Update
	for _, u := range ups {
		if u.Kind == protocol.KindError && strings.Contains(u.Error.Message, s) {
			out = append(out, u)
		}
	}
	return out
}

func statesIn(ups []protocol.Update, p protocol.Phase) []protocol.State {
	var out []protocol.State
	for _, u := range ups {
		if u.Kind == protocol.KindState && u.State.Phase == p {
			out = append(out, *u.State)
		}
	}
	return out
}

func gapsIn(ups []protocol.Update) []protocol.Gap {
	var out []protocol.Gap
	for _, u := range ups {
		if u.Kind == protocol.KindGap {
			out = append(out, *u.Gap)
		}
	}
	return out
}

func dump(ups []protocol.Update) string {
	var b strings.Builder
	for _, u := range ups {
		if u.Kind == protocol.KindRecv || u.Kind == protocol.KindSent {
			continue
		}
		line, _ := json.Marshal(u)
		fmt.Fprintf(&b, "  %.300s\n", line)
	}
	return b.String()
}

// sgr is the styling the UI itself draws with; nothing else may reach
// the screen as an escape sequence.
var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// screenClean fails if the rendered view holds a terminal control from
// the network: an escape sequence other than the UI's own colours, BEL,
// any other C0 control but newline, a C1 control, a bidi override.
func screenClean(t *testing.T, what, view string) {
	t.Helper()
	plain := sgr.ReplaceAllString(view, "")
	for i, r := range plain {
		bad := ""
		switch {
		case r == 0x1b:
			bad = "ESC"
		case r == 0x07:
			bad = "BEL"
		case r < 0x20 && r != '\n':
			bad = fmt.Sprintf("C0 %#x", r)
		case r >= 0x80 && r < 0xa0:
			bad = fmt.Sprintf("C1 %#x", r)
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			bad = fmt.Sprintf("bidi %U", r)
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(plain[i:]); size == 1 {
				bad = "invalid UTF-8"
			}
		}
		if bad != "" {
			t.Fatalf("%s: %s reached the screen at byte %d: %q", what, bad, i, plain[max(0, i-60):min(len(plain), i+60)])
		}
	}
}

// screens renders what evtap printed in the TUI, as the live TUI would
// show it (the same Updates, through the same model), at 160×50: the
// main screen, and — when find is not empty — the detail view of the
// first row a search for find selects. Both must be clean.
func screens(t *testing.T, ups []protocol.Update, find string) (main, detail string) {
	t.Helper()
	main = render(t, ups, "")
	if find != "" {
		detail = render(t, ups, find)
	}
	return main, detail
}

func render(t *testing.T, ups []protocol.Update, find string) string {
	t.Helper()
	e, _ := providers.Builtin().Lookup("ringcentral")
	mono, err := themes.ByName("mono")
	if err != nil {
		t.Fatal(err)
	}
	feed := shell.NewFeed(len(ups) + 1)
	for _, u := range ups {
		feed.Push(u)
	}
	feed.Close()
	src := shell.NewSource(feed, protocol.Controls{}, func(protocol.Command) error { return nil })
	m := shell.New(src, shell.Options{Title: "hostile", Provider: e.UI, Theme: mono})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 50),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	// The model has read everything once it says the source has ended
	// (each word is styled on its own).
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("ended")) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	if find != "" {
		tm.Send(tea.KeyPressMsg{Code: '/', Text: "/"})
		for _, r := range find {
			tm.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
		tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	}
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	view := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View().Content
	what := "main screen"
	if find != "" {
		what = "detail of " + find
	}
	screenClean(t, what, view)
	return sgr.ReplaceAllString(view, "")
}

// withRequestTimeout is the builtin registry with RingCentral's
// subscription request timeout shortened (60 s otherwise): the same
// provider, flags and session, only faster to give up on an unanswered
// request.
func withRequestTimeout(t *testing.T, d time.Duration) *providers.Registry {
	t.Helper()
	rc, ok := providers.Builtin().Lookup("ringcentral")
	if !ok {
		t.Fatal("no ringcentral provider")
	}
	e := *rc
	c := *e.Connect
	c.Flags = func(fs *pflag.FlagSet) providers.Dial {
		var server, id, secret, jwt string
		fs.StringVar(&server, "server", "", "")
		fs.StringVar(&id, "client-id", "", "")
		fs.StringVar(&secret, "client-secret", "", "")
		fs.StringVar(&jwt, "jwt", "", "")
		return func(_ []string, o providers.Options) (run.Session, error) {
			s := rcsession.New(rcsession.Config{Server: server, ClientID: id, ClientSecret: secret, JWT: jwt, Filters: o.Filters,
				RequestTimeout: d, SubscribeRetry: session.Backoff{Base: d / 4, Max: d / 2}})
			return run.Session{Endpoint: server, Secrets: []string{secret, jwt}, Run: s.Run, Do: s.Do, Controls: s.Controls()}, nil
		}
	}
	e.Connect = &c
	return providers.NewRegistry(providers.DefaultName, &e)
}
