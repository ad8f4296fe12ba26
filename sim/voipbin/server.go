package voipbin

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Paths of the API the emulator serves.
const (
	PathLogin        = "/auth/login"
	PathWS           = "/v1.0/ws"
	PathServiceAgent = "/v1.0/service_agents/ws"
	// ControlPrefix is the reserved path prefix of the control API.
	ControlPrefix = "/_evtap/"
)

// Server is a VoIPBin emulator: POST /auth/login, the topic WebSocket at
// /v1.0/ws and /v1.0/service_agents/ws, and the control API under
// ControlPrefix. All methods are safe for concurrent use.
//
// One mutex (mu) guards the connections, their topics, the generator and
// the switches. Events are published while mu is held, so every
// connection receives them in the order they were made.
type Server struct {
	cfg      Config
	seed     int64
	customer uuid
	agents   map[string]*demoAgent // by username
	mux      *http.ServeMux
	upgrader websocket.Upgrader

	mu          sync.Mutex
	ids         *rand.Rand // request ids; not the generator's source
	gen         *generator
	conns       []*conn // open connections, in the order they opened
	connSeq     int
	rate        float64
	paused      bool
	wrapped     bool
	refuseLogin bool
	counters    Counters // the cumulative fields only
	closed      bool
	pumpTicks   uint64

	delivered atomic.Uint64
	dropped   atomic.Uint64
	delay     atomic.Int64 // frame delay (ns), read by every writer
	logMu     sync.Mutex

	stop    chan struct{}
	bg      sync.WaitGroup // pump and connection goroutines
	httpSrv *http.Server
	baseURL string
}

// demoAgent is an agent that can log in.
type demoAgent struct {
	claim agentClaim
}

// New builds an emulator. Its generator starts at once (it makes events
// only while a client is connected); Close stops it.
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:      cfg,
		seed:     cfg.Seed,
		customer: mustUUID(DemoCustomerID),
		rate:     cfg.Rate,
		wrapped:  cfg.Wrapped,
		stop:     make(chan struct{}),
	}
	if s.seed == 0 {
		var b [8]byte
		_, _ = crand.Read(b[:])
		s.seed = int64(binary.LittleEndian.Uint64(b[:]) >> 1)
	}
	s.ids = rand.New(rand.NewPCG(uint64(s.seed), 1))
	s.gen = newGenerator(s.seed, s.customer)
	s.agents = map[string]*demoAgent{}
	for _, a := range s.gen.agents[:2] {
		s.agents[a.Username] = &demoAgent{claim: agentClaim{ID: a.ID, CustomerID: a.CustomerID, Username: a.Username,
			Name: a.Name, Detail: a.Detail, RingMethod: a.RingMethod, Status: a.Status, Permission: a.Permission,
			TagIDs: a.TagIDs, Addresses: a.Addresses, DirectHash: a.DirectHash,
			TMCreate: a.TMCreate, TMUpdate: a.TMUpdate, TMDelete: a.TMDelete}}
	}
	if cfg.Username != DemoUsername {
		a := s.agents[DemoUsername]
		delete(s.agents, DemoUsername)
		a.claim.Username = cfg.Username
		s.agents[cfg.Username] = a
	}
	s.upgrader = websocket.Upgrader{
		// VoIPBin's CheckOrigin always returns true; no subprotocol.
		CheckOrigin: func(*http.Request) bool { return true },
	}
	s.mux = http.NewServeMux()
	s.routes()
	s.bg.Add(1)
	go s.pump()
	return s
}

func (s *Server) routes() {
	s.mux.HandleFunc("POST "+PathLogin, s.handleLogin)
	s.mux.HandleFunc("GET "+PathWS, s.handleWS)
	s.mux.HandleFunc("GET "+PathServiceAgent, s.handleWS)
	s.controlRoutes()
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "404 page not found (evtap sim voipbin serves POST "+PathLogin+", GET "+PathWS+", GET "+
			PathServiceAgent+" and "+ControlPrefix+"...)", http.StatusNotFound)
	})
}

// Handler serves login, the sockets and the control API; it works with
// httptest.NewServer.
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

// AdminToken and AgentToken are tokens for the two demo agents, as login
// would return them.
func (s *Server) AdminToken() string {
	return s.agentToken(s.agents[s.cfg.Username].claim, s.now().Add(s.cfg.TokenTTL))
}

// AgentToken is a token for the plain demo agent (CustomerAgent).
func (s *Server) AgentToken() string {
	return s.agentToken(s.agents[DemoAgentUsername].claim, s.now().Add(s.cfg.TokenTTL))
}

// Banner is what `evtap sim voipbin` prints: where login, the socket and
// the control API are, and the credentials and topics to try.
func (s *Server) Banner() string {
	base := s.URL()
	if base == "" {
		base = "http://HOST:PORT"
	}
	ws := "ws" + strings.TrimPrefix(base, "http") + PathWS
	admin := s.agents[s.cfg.Username].claim
	var b strings.Builder
	fmt.Fprintf(&b, "evtap VoIPBin emulator\n")
	fmt.Fprintf(&b, "  server (VOIPBIN_SERVER_URL): %s\n", base)
	fmt.Fprintf(&b, "  login:        POST %s%s {\"username\",\"password\"}\n", base, PathLogin)
	fmt.Fprintf(&b, "  websocket:    %s?token=JWT  (or ?accesskey=KEY; also %s)\n", ws, PathServiceAgent)
	fmt.Fprintf(&b, "  control API:  %s%s (GET %scounters)\n", base, ControlPrefix, ControlPrefix)
	fmt.Fprintf(&b, "  customer:     %s\n", DemoCustomerID)
	fmt.Fprintf(&b, "  admin agent:  %s (CustomerAdmin 0x20) username %s password %s\n", admin.ID, s.cfg.Username, showSecret(s.cfg.Password, DemoPassword))
	fmt.Fprintf(&b, "  plain agent:  %s (CustomerAgent 0x10) username %s, same password\n", DemoAgentID, DemoAgentUsername)
	fmt.Fprintf(&b, "  access key:   %s (CustomerAdmin, no agent id)\n", showSecret(s.cfg.AccessKey, DemoAccessKey))
	fmt.Fprintf(&b, "  signing key:  %s (HS256; expire claim %q)\n", showSecret(s.cfg.SigningKey, DemoSigningKey), expireLayout)
	if s.cfg.Password == DemoPassword && s.cfg.SigningKey == DemoSigningKey {
		fmt.Fprintf(&b, "  admin token:  %s\n", s.AdminToken())
		fmt.Fprintf(&b, "  agent token:  %s\n", s.AgentToken())
	}
	key := "KEY"
	if s.cfg.AccessKey == DemoAccessKey {
		key = DemoAccessKey
	}
	fmt.Fprintf(&b, "  try:          wscat -c '%s?accesskey=%s'\n", ws, key)
	fmt.Fprintf(&b, "                > {\"type\":\"subscribe\",\"topics\":[\"customer_id:%s:call\"]}\n", DemoCustomerID)
	s.mu.Lock()
	rate, wrapped := s.rate, s.wrapped
	s.mu.Unlock()
	shape := "unwrapped (bare resource)"
	if wrapped {
		shape = "wrapped {\"type\",\"data\"}"
	}
	fmt.Fprintf(&b, "  rate %g events/s, seed %d, frames %s, buffer %d, ping %s, pong timeout %s\n",
		rate, s.seed, shape, s.cfg.BufferSize, s.cfg.PingInterval, s.cfg.PongTimeout)
	return b.String()
}

// Serve starts an emulator on listen, prints its banner to out and runs
// until ctx ends. It is the whole of `evtap sim voipbin`.
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

// showSecret prints a demo credential in full (it opens nothing but this
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

var errClosed = errors.New("sim: server closed")
