package dialpad

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

// Server is a Dialpad emulator: the REST resources under /api/v2, the
// event socket at /events/<token>, and the control API under
// ControlPrefix. All methods are safe for concurrent use.
//
// One mutex (mu) guards the resources, the connections and the
// generator. Events are routed and queued on connections while mu is
// held, so every connection sees events in the order they were made.
type Server struct {
	cfg    Config
	seed   int64
	key    []byte // signs URL tokens; never leaves the process
	mux    *http.ServeMux
	limits *limiter
	ledger *ledger

	mu         sync.Mutex
	ids        *mrand.Rand // websocket and subscription ids, from the seed
	seq        uint64      // creation order of websockets and subscriptions
	websockets map[int64]*websocketEnt
	subs       map[int64]*subscription
	conns      map[string]*conn
	connCount  int
	gen        *generator
	rate       float64
	paused     bool
	credit     float64
	refuseNext int
	lastStamp  int64 // the last event_timestamp handed out, Unix ms
	counters   Counters
	closed     bool

	delivered atomic.Uint64
	logMu     sync.Mutex

	stop     chan struct{}
	bg       sync.WaitGroup
	httpSrv  *http.Server
	baseURL  string
	upgrader websocket.Upgrader
}

// New builds an emulator; its generator starts at once. Close stops it.
// Check a Config built from user input with Validate first: New takes
// the default for any value Validate would refuse.
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:        cfg,
		seed:       cfg.Seed,
		limits:     newLimiter(),
		ledger:     newLedger(cfg.LedgerSize),
		websockets: map[int64]*websocketEnt{},
		subs:       map[int64]*subscription{},
		conns:      map[string]*conn{},
		rate:       cfg.Rate,
		stop:       make(chan struct{}),
	}
	if s.seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		s.seed = int64(binary.LittleEndian.Uint64(b[:]) >> 1)
	}
	s.key = make([]byte, 32)
	_, _ = rand.Read(s.key)
	// Separate streams, so that REST traffic does not change the events
	// a seed generates.
	s.ids = mrand.New(mrand.NewSource(s.seed ^ 0x5eed1d5))
	s.gen = newGenerator(s.seed)
	s.upgrader = websocket.Upgrader{
		// Dialpad's own sample runs in a browser; any origin may connect.
		CheckOrigin: func(*http.Request) bool { return true },
	}
	s.mux = http.NewServeMux()
	s.routes()
	s.bg.Add(1)
	go s.pump()
	return s
}

func (s *Server) routes() {
	s.mux.HandleFunc(apiPrefix, s.serveAPI)
	s.mux.HandleFunc("GET /events/{token}", s.handleEvents)
	s.controlRoutes()
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, notFound("no such resource: %s %s (evtap's Dialpad emulator serves %s..., /events/<token> and %s...)",
			r.Method, r.URL.Path, apiPrefix, ControlPrefix))
	})
}

// Handler serves the REST API, the event socket and the control API; it
// works with httptest.NewServer (the websocket_url handed out follows
// the request's Host).
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
		return "", errors.New("dialpad sim: already started at " + s.URL())
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("dialpad sim: listen on %s: %w", addr, err)
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

// URL is the base URL after Start ("" before). Point a Dialpad client's
// base URL at it (the python SDK's base_url, evtap's --server).
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
	s.mu.Lock()
	for _, c := range s.conns {
		c.end(CloseAbrupt, "emulator closing")
	}
	s.mu.Unlock()
	s.bg.Wait()
	return err
}

// Seed is the seed in use (the random one when Config.Seed was 0).
func (s *Server) Seed() int64 { return s.seed }

// APIKey is the key the emulator accepts.
func (s *Server) APIKey() string { return s.cfg.APIKey }

// Banner is what `evtap sim dialpad` prints: where the REST API, the
// socket and the control API are, and the key accepted.
func (s *Server) Banner() string {
	base := s.URL()
	if base == "" {
		base = "http://HOST:PORT"
	}
	ws := "ws" + strings.TrimPrefix(base, "http")
	s.mu.Lock()
	rate := s.rate
	s.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "evtap Dialpad emulator\n")
	fmt.Fprintf(&b, "  server (--server, python base_url): %s (REST under %s)\n", base, strings.TrimSuffix(apiPrefix, "/"))
	fmt.Fprintf(&b, "  event socket:  %s/events/<token> (websocket_url from POST or GET %swebsockets)\n", ws, apiPrefix)
	fmt.Fprintf(&b, "  control API:   %s%s (GET %sledger, GET %scounters)\n", base, ControlPrefix, ControlPrefix, ControlPrefix)
	fmt.Fprintf(&b, "  api key:       %s\n", showSecret(s.cfg.APIKey, DemoAPIKey))
	fmt.Fprintf(&b, "  token lifetime %s, closed at %s (%s), refused with %d; rate %g events/s, seed %d; rate limits %d/%s create, %d/%s other\n",
		s.cfg.TokenLifetime, closeAtWords(s.cfg.CloseAt), s.cfg.ExpiryClose, s.cfg.RefuseStatus, rate, s.seed,
		s.cfg.CreateRateLimit, s.cfg.RateWindow, s.cfg.RateLimit, s.cfg.RateWindow)
	return b.String()
}

func closeAtWords(at string) string {
	if at == AfterLifetime {
		return "lifetime after open"
	}
	return "token expiry"
}

// Serve starts an emulator on listen, prints its banner to out and runs
// until ctx ends. It is the whole of `evtap sim dialpad`.
func Serve(ctx context.Context, cfg Config, listen string, out io.Writer) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
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

// showSecret prints the demo key in full (it opens nothing but this
// emulator) and masks one the user supplied: it is theirs, and may be
// real.
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

// newID draws a 16-digit id, datastore style, from the seeded source.
// Caller holds mu.
func (s *Server) newID() int64 {
	for {
		id := idMin + s.ids.Int63n(idSpan)
		if s.websockets[id] == nil && s.subs[id] == nil {
			return id
		}
	}
}

// Ids are 16 digits, like Dialpad's.
const (
	idMin  int64 = 1e15
	idSpan int64 = 9e15
)

var errClosed = errors.New("dialpad sim: server closed")
