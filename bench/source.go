package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// The source is a RingCentral-shaped server written for this benchmark
// from the provider document (/work/shared/seeds 000/001 and
// protocols/ringcentral.md §7), not from evtap's emulator: the OAuth
// token and wstoken calls, the WebSocket with ConnectionDetails first,
// the subscription ClientRequest answered, then n ServerNotifications
// as fast as the socket takes them, each with a wsc sequence one higher.
// It never paces, never buffers for recovery and never drops anyone: it
// is the fastest source a client can meet, so what is measured is the
// client.
//
// After the upgrade every write goes through one goroutine that writes
// whole WebSocket frames (server frames are unmasked) straight onto the
// TCP connection in 64 KB batches; gorilla only reads (the client's
// heartbeats, pings and close), and its ping and close answers are
// queued to that writer so two writers never interleave.

// sourceConfig is what one source process serves.
type sourceConfig struct {
	n    int // notifications per subscribed connection
	size int // bytes per notification frame, about
}

func runSource(args []string) error {
	fs := flag.NewFlagSet("source", flag.ExitOnError)
	var c sourceConfig
	fs.IntVar(&c.n, "n", 200000, "notifications per subscribed connection")
	fs.IntVar(&c.size, "size", 420, "bytes per notification frame, about")
	listen := fs.String("listen", "127.0.0.1:0", "loopback address to listen on")
	life := fs.Duration("life", 10*time.Minute, "exit after this long whatever happens")
	fs.Parse(args)
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	host := ln.Addr().String()
	if h, _, _ := net.SplitHostPort(host); h != "127.0.0.1" && h != "::1" {
		return fmt.Errorf("the source listens on loopback only, not %s", host)
	}
	s := &source{cfg: c, base: "http://" + host, ts: time.Now().UTC().Format("2006-01-02T15:04:05.000Z")}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /restapi/oauth/token", s.token)
	mux.HandleFunc("POST /restapi/oauth/wstoken", s.wstoken)
	mux.HandleFunc("POST /restapi/oauth/revoke", func(w http.ResponseWriter, _ *http.Request) {})
	mux.HandleFunc("GET /ws", s.socket)
	// The parent reads where to connect and how big a notification is.
	fmt.Println(s.base, len(s.notification(1, "wsc-bench-1", "2db5fcc4-7a44-4e0a-8e1a-000000000001")))
	time.AfterFunc(*life, func() { os.Exit(0) })
	return http.Serve(ln, mux)
}

type source struct {
	cfg  sourceConfig
	base string
	ts   string // the notifications' timestamp
	mu   sync.Mutex
	next int // connection counter, for ids
}

// Credentials the source accepts; anything non-empty works, as the
// document's sandbox does not care either.
const (
	benchClientID = "bench-client"
	benchJWT      = "bench.jwt.credential"
	wsToken       = "U0pDMDFQMDFQQVMwMnxBQUJmT2JlbmNo"
)

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// token answers the JWT grant (§1): an access token that lives an hour.
func (s *source) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") == "" {
		w.WriteHeader(http.StatusBadRequest)
		writeJSON(w, map[string]string{"error": "invalid_request"})
		return
	}
	writeJSON(w, map[string]any{
		"access_token": "AT-bench-" + strconv.FormatInt(time.Now().UnixNano(), 36), "token_type": "bearer",
		"expires_in": 3600, "refresh_token": "RT-bench", "refresh_token_expires_in": 604800,
		"scope": "WebSocketsSubscription", "owner_id": "233676004", "endpoint_id": "bench",
	})
}

// wstoken answers §2.1: where the socket is and its token.
func (s *source) wstoken(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(strings.ToLower(r.Header.Get("Authorization")), "bearer ") {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	writeJSON(w, map[string]any{"uri": strings.Replace(s.base, "http://", "ws://", 1) + "/ws", "ws_access_token": wsToken, "expires_in": 600})
}

var upgrader = websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096}

// socket serves one connection: ConnectionDetails, the subscription
// answer, n notifications, then heartbeats until the client leaves.
func (s *source) socket(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("access_token") != wsToken && r.Header.Get("Authorization") != "Bearer "+wsToken {
		http.Error(w, "bad ws_access_token", http.StatusUnauthorized)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer ws.Close()
	s.mu.Lock()
	s.next++
	conn := s.next
	s.mu.Unlock()
	out := newFrameWriter(ws.NetConn())
	defer out.stop()
	ws.SetPingHandler(func(data string) error { out.control(websocket.PongMessage, []byte(data)); return nil })
	ws.SetCloseHandler(func(code int, _ string) error {
		out.control(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""))
		return nil
	})
	wsc := fmt.Sprintf("wsc-bench-%d", conn)
	out.now(fmt.Appendf(nil, `[{"type":"ConnectionDetails","messageId":"cd-%d","status":200,"wsc":{"token":%q,"sequence":1},"headers":{"RCRequestId":"cd-%d"}},`+
		`{"creationTime":%q,"maxConnectionsPerSession":50,"recoveryBufferSize":100,"recoveryTimeout":180,"idleTimeout":1800,"absoluteTimeout":86400,"maxActiveRequests":10}]`,
		conn, wsc, conn, time.Now().UTC().Format("2006-01-02T15:04:05.000-0700")))
	started := false
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var frame []json.RawMessage
		var meta struct {
			Type, MessageID, Method, Path string
		}
		if json.Unmarshal(data, &frame) != nil || len(frame) == 0 || json.Unmarshal(frame[0], &meta) != nil {
			continue
		}
		switch {
		case meta.Type == "Heartbeat":
			out.now(fmt.Appendf(nil, `[{"type":"Heartbeat","messageId":%q,"status":200,"headers":{}}]`, meta.MessageID))
		case meta.Type == "ClientRequest" && strings.HasPrefix(meta.Path, "/restapi/v1.0/subscription"):
			subID := fmt.Sprintf("2db5fcc4-7a44-4e0a-8e1a-%012d", conn)
			var req struct {
				EventFilters []string `json:"eventFilters"`
			}
			if len(frame) > 1 {
				json.Unmarshal(frame[1], &req)
			}
			filters, _ := json.Marshal(req.EventFilters)
			now := time.Now().UTC()
			out.now(fmt.Appendf(nil, `[{"type":"ClientRequest","messageId":%q,"status":200,"headers":{"RCRequestId":"sub-%d"}},`+
				`{"uri":"/restapi/v1.0/subscription/%s","id":%q,"creationTime":%q,"status":"Active","eventFilters":%s,`+
				`"expirationTime":%q,"expiresIn":86399,"deliveryMode":{"transportType":"WebSocket","encryption":false}}]`,
				meta.MessageID, conn, subID, subID, now.Format(time.RFC3339), filters, now.Add(24*time.Hour).Format(time.RFC3339)))
			if !started {
				started = true
				go s.stream(out, wsc, subID)
			}
		}
	}
}

// stream writes the notifications, each a ServerNotification with the
// next wsc sequence (§2.9) and an instant SMS body (§6).
func (s *source) stream(out *frameWriter, wsc, subID string) {
	for i := 1; i <= s.cfg.n; i++ {
		if !out.text(s.notification(i, wsc, subID)) {
			return
		}
	}
	out.flush()
}

// notification is notification number i: about cfg.size bytes, the
// subject padded to get there.
func (s *source) notification(i int, wsc, subID string) []byte {
	const event = "/restapi/v1.0/account/37439510/extension/1834890001/message-store/instant?type=SMS"
	id := strconv.FormatInt(2661273919712564939+int64(i), 10)
	f := make([]byte, 0, s.cfg.size+64)
	f = append(f, `[{"type":"ServerNotification","messageId":"`...)
	f = append(f, id...)
	f = append(f, `","status":200,"wsc":{"token":"`...)
	f = append(f, wsc...)
	f = append(f, `","sequence":`...)
	f = strconv.AppendInt(f, int64(i+1), 10)
	f = append(f, `}},{"uuid":"`...)
	f = append(f, id...)
	f = append(f, `","event":"`+event+`","timestamp":"`...)
	f = append(f, s.ts...)
	f = append(f, `","subscriptionId":"`...)
	f = append(f, subID...)
	f = append(f, `","body":{"id":"`...)
	f = append(f, id[9:]...)
	f = append(f, `","type":"SMS","direction":"Inbound","subject":"hello #`...)
	f = strconv.AppendInt(f, int64(i), 10)
	const tail = `"}}]`
	for len(f)+len(tail) < s.cfg.size {
		f = append(f, '.')
	}
	return append(f, tail...)
}

// frameWriter is the one writer of a connection after the upgrade: data
// frames go into a 64 KB buffer written when full (or flushed), control
// frames the reader asks for go out before the next data frame.
type frameWriter struct {
	mu   sync.Mutex
	conn net.Conn
	bw   *bufio.Writer
	dead bool
}

func newFrameWriter(c net.Conn) *frameWriter {
	return &frameWriter{conn: c, bw: bufio.NewWriterSize(c, 64<<10)}
}

// text writes one text frame into the batch; it reports false once the
// peer is gone.
func (w *frameWriter) text(p []byte) bool { return w.frame(websocket.TextMessage, p, false) }

// now writes one text frame at once (an answer the client waits for).
func (w *frameWriter) now(p []byte) bool { return w.frame(websocket.TextMessage, p, true) }

// control writes a control frame at once.
func (w *frameWriter) control(op int, p []byte) { w.frame(op, p, true) }

func (w *frameWriter) frame(op int, p []byte, flush bool) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dead {
		return false
	}
	var h [10]byte
	h[0] = 0x80 | byte(op) // FIN
	n := 2
	switch {
	case len(p) < 126:
		h[1] = byte(len(p))
	case len(p) <= 0xffff:
		h[1] = 126
		binary.BigEndian.PutUint16(h[2:], uint16(len(p)))
		n = 4
	default:
		h[1] = 127
		binary.BigEndian.PutUint64(h[2:], uint64(len(p)))
		n = 10
	}
	w.bw.Write(h[:n])
	w.bw.Write(p)
	if flush || op != websocket.TextMessage {
		if w.bw.Flush() != nil {
			w.dead = true
		}
	}
	if w.bw.Available() == 0 || w.bw.Buffered() > 60<<10 {
		if w.bw.Flush() != nil {
			w.dead = true
		}
	}
	return !w.dead
}

func (w *frameWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.dead && w.bw.Flush() != nil {
		w.dead = true
	}
}

func (w *frameWriter) stop() {
	w.mu.Lock()
	w.dead = true
	w.mu.Unlock()
}
