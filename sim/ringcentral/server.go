package ringcentral

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	mrand "math/rand"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Server is a RingCentral emulator: the OAuth REST endpoints, the
// WebSocket gateway at /ws, and the control API under ControlPrefix.
// All methods are safe for concurrent use.
//
// One mutex (mu) guards all state: tokens, sessions, connections and
// the fault switches. Frames are queued on a connection while mu is held,
// so a session's frames always leave in the order they were made.
type Server struct {
	cfg  Config
	seed int64
	wsc  wscCodec
	mux  *http.ServeMux

	mu           sync.Mutex
	ids          *mrand.Rand // session and subscription ids, from the seed
	tokens       map[string]*accessToken
	refresh      map[string]*accessToken
	wsTokens     map[string]*wsToken
	sessions     map[string]*session
	conns        map[string]*conn
	sessionCount int
	connCount    int
	rate         float64
	paused       bool
	refuseNext   bool
	counters     Counters // the cumulative fields only
	closed       bool
	pumpTicks    uint64 // for tests that must see the pump run

	delivered atomic.Uint64
	logMu     sync.Mutex
	delay     atomic.Int64 // frame delay (ns), read by every writer
	reorderOn atomic.Bool

	started   [3]chan struct{} // closed when the scenario start events happen
	startOnce [3]sync.Once

	stop     chan struct{}
	bg       sync.WaitGroup
	httpSrv  *http.Server
	baseURL  string
	upgrader websocket.Upgrader
}

// New builds an emulator. Its generator and scenario start at once;
// Close stops them.
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:      cfg,
		seed:     cfg.Seed,
		tokens:   map[string]*accessToken{},
		refresh:  map[string]*accessToken{},
		wsTokens: map[string]*wsToken{},
		sessions: map[string]*session{},
		conns:    map[string]*conn{},
		rate:     cfg.Rate,
		stop:     make(chan struct{}),
	}
	for i := range s.started {
		s.started[i] = make(chan struct{})
	}
	s.markStarted(startListen)
	if cfg.Scenario != nil && cfg.Scenario.Seed != nil && s.seed == 0 {
		s.seed = *cfg.Scenario.Seed
	}
	if s.seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		s.seed = int64(binary.LittleEndian.Uint64(b[:]) >> 1)
	}
	if cfg.Scenario != nil && cfg.Scenario.Rate != nil {
		s.rate = *cfg.Scenario.Rate
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	s.wsc = wscCodec{key: key}
	s.ids = mrand.New(mrand.NewSource(s.seed))
	s.upgrader = websocket.Upgrader{
		// The emulator is a local test double; browsers on any origin
		// may use it, as they may use the real gateway.
		CheckOrigin: func(*http.Request) bool { return true },
	}
	s.mux = http.NewServeMux()
	s.routes()
	s.bg.Add(1)
	go s.pump()
	if cfg.Scenario != nil {
		s.bg.Add(1)
		go s.runScenario(cfg.Scenario)
	}
	return s
}

func (s *Server) routes() {
	s.mux.HandleFunc("POST "+tokenPath, s.handleToken)
	s.mux.HandleFunc("POST "+revokePath, s.handleRevoke)
	s.mux.HandleFunc("POST "+wsTokenPath, s.handleWSToken)
	s.mux.HandleFunc("GET /ws", s.handleWS)
	s.mux.HandleFunc("GET /restapi/v1.0/account/{account}/extension/{extension}", s.handleExtension)
	s.controlRoutes()
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "CMN-102", "Resource for parameter [path] is not found: "+r.Method+" "+r.URL.Path+
			" (evtap sim serves "+tokenPath+", "+revokePath+", "+wsTokenPath+", /ws and "+ControlPrefix+"...)")
	})
}

// Handler serves the REST endpoints, /ws and the control API; it works
// with httptest.NewServer (the ws uri handed out follows the request's
// Host).
func (s *Server) Handler() http.Handler { return s.mux }

// Start listens on addr ("127.0.0.1:0" picks a port) and serves in the
// background. It returns the base URL, e.g. "http://127.0.0.1:40123".
func (s *Server) Start(addr string) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	s.mu.Lock()
	started, closed := s.httpSrv != nil, s.closed
	s.mu.Unlock()
	switch {
	case closed:
		return "", errClosed
	case started:
		return "", errors.New("sim: already started at " + s.URL())
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("sim: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second}
	host := ln.Addr().String()
	if strings.HasPrefix(host, "[::]:") || strings.HasPrefix(host, "0.0.0.0:") {
		host = "127.0.0.1:" + host[strings.LastIndex(host, ":")+1:]
	}
	s.mu.Lock()
	s.httpSrv = srv
	s.baseURL = "http://" + host
	s.mu.Unlock()
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		_ = srv.Serve(ln)
	}()
	return s.baseURL, nil
}

// URL is the base URL after Start ("" before).
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// Close stops serving, cuts every connection and stops generation.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	srv := s.httpSrv
	s.mu.Unlock()
	close(s.stop)
	var err error
	if srv != nil {
		err = srv.Close()
	}
	s.Drop("")
	s.bg.Wait()
	return err
}

// Seed is the seed in use (the random one when Config.Seed was 0).
func (s *Server) Seed() int64 { return s.seed }

// Banner is what `evtap sim ringcentral` prints: where the REST base,
// the WebSocket and the control API are, and the credentials accepted.
func (s *Server) Banner() string {
	base := s.URL()
	if base == "" {
		base = "http://HOST:PORT"
	}
	ws := "ws" + strings.TrimPrefix(base, "http") + "/ws"
	var b strings.Builder
	fmt.Fprintf(&b, "evtap RingCentral emulator\n")
	fmt.Fprintf(&b, "  server (RINGCENTRAL_SERVER_URL): %s\n", base)
	fmt.Fprintf(&b, "  websocket:                       %s (token from POST %s)\n", ws, wsTokenPath)
	fmt.Fprintf(&b, "  control API:                     %s%s (GET %scounters)\n", base, ControlPrefix, ControlPrefix)
	fmt.Fprintf(&b, "  client id:     %s\n", s.cfg.ClientID)
	fmt.Fprintf(&b, "  client secret: %s\n", showSecret(s.cfg.ClientSecret, DemoClientSecret))
	fmt.Fprintf(&b, "  jwt:           %s\n", showSecret(s.cfg.JWT, DemoJWT))
	fmt.Fprintf(&b, "  password grant: username %s, password %s\n", DemoUsername, DemoPassword)
	fmt.Fprintf(&b, "  account/extension (~): %s/%s\n", DemoAccountID, DemoExtensionID)
	s.mu.Lock()
	rate := s.rate
	s.mu.Unlock()
	fmt.Fprintf(&b, "  rate %g/s per subscription, seed %d, recovery %s, buffer %d, idle %s, absolute %s, strict tokens %v\n",
		rate, s.seed, s.cfg.RecoveryTimeout, s.cfg.BufferSize, s.cfg.IdleTimeout, s.cfg.AbsoluteTimeout, s.cfg.StrictTokens)
	return b.String()
}

// Serve starts an emulator on listen, prints its banner to out and runs
// until ctx ends. It is the whole of `evtap sim ringcentral`.
func Serve(ctx context.Context, cfg Config, listen string, out io.Writer) error {
	s := New(cfg)
	if _, err := s.Start(listen); err != nil {
		s.Close()
		return err
	}
	if _, err := io.WriteString(out, s.Banner()); err != nil {
		s.Close()
		return err
	}
	<-ctx.Done()
	return s.Close()
}

// showSecret prints the demo credentials in full (they open nothing but
// this emulator) and masks one the user supplied: it is theirs, and may
// be real.
func showSecret(v, demo string) string {
	if v == demo {
		return v
	}
	if len(v) <= 8 {
		return "****** (as given)"
	}
	return v[:4] + "…" + v[len(v)-2:] + " (as given, masked)"
}

// logf writes one line to Config.Log. Callers may hold mu; logMu keeps
// lines whole when several goroutines log.
func (s *Server) logf(format string, a ...any) {
	if s.cfg.Log == nil {
		return
	}
	line := time.Now().UTC().Format("15:04:05.000") + " " + fmt.Sprintf(format, a...) + "\n"
	s.logMu.Lock()
	_, _ = io.WriteString(s.cfg.Log, line)
	s.logMu.Unlock()
}

// now is the configured clock.
func (s *Server) now() time.Time { return s.cfg.Now() }

// newID draws an id shaped like a UUID from the seeded source. Caller
// holds mu.
func (s *Server) newID() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(s.ids.Intn(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// secret makes an unguessable URL-safe token with a readable prefix.
func secret(prefix string) string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	out := []byte(prefix)
	for _, c := range b {
		out = append(out, alphabet[c&63])
	}
	return string(out)
}

var errClosed = errors.New("sim: server closed")
