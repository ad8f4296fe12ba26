package emu

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// ControlPrefix is the reserved path prefix of the HTTP control API.
const ControlPrefix = "/_evtap/"

// MaxBody is the largest request body any handler on the server reads
// (REST calls and control actions alike); a larger one gets 413.
const MaxBody = 1 << 20

// Default limits, chosen so that a handful of hostile or stuck clients
// cannot take an emulator past a few hundred MB (docs/emulator.md,
// "Limits").
const (
	DefaultMaxConns      = 256      // connections open at once
	DefaultMaxQueued     = 64 << 20 // bytes waiting to be written, all connections together
	DefaultMaxConnQueued = 32 << 20 // bytes waiting to be written on one connection
	DefaultMaxConnFrames = 100000   // frames waiting to be written on one connection
	DefaultMaxFrame      = 4 << 20  // bytes of one frame the server writes
)

// Config describes one emulator to the core. Only Name is required; a
// zero limit takes its default.
type Config struct {
	// Name is the provider as the banner names it ("RingCentral").
	Name string
	// Rate is how many events per second Generate is asked for, for each
	// stream the provider generates on (RingCentral: each subscription).
	// 0 generates none; above MaxRate is clamped (CheckRate is the usage
	// error a command line gives first).
	Rate float64
	// Generate makes n events for every stream that takes generated
	// events. The pump calls it with no lock of the core held and with n
	// at most PumpBatch, so a slow provider delays shutdown by one batch
	// at most. Nil: the server generates nothing.
	Generate func(n int)
	// Banner returns the provider's lines of the banner (where its
	// endpoints are, its credentials), each indented by two spaces, given
	// the base URL. The core adds the title, the control API, the
	// address it listens on and any warning.
	Banner func(base string) []string
	// Counters answers GET /_evtap/counters. A provider's snapshot should
	// embed the core's Counters so the generic fields keep their names.
	// Nil: the core's Counters.
	Counters func() any
	// Scenario is a script to run (see ParseScenario). Steps whose action
	// is not one of the core's go to Do.
	Scenario *Scenario
	Do       func(Step)
	// Log receives the operator log, one line per connection, fault and
	// control action; never a token and never text from a client.
	Log io.Writer

	// Limits bound what clients can make the server hold; zero fields
	// take the defaults.
	Limits Limits
}

// Limits bound what clients can make an emulator hold in memory, so that
// a handful of hostile or stuck clients cannot take it past a few
// hundred MB. A zero field takes its default.
type Limits struct {
	// MaxConns bounds the connections open at once; more are refused
	// with 503 before the upgrade.
	MaxConns int
	// MaxQueued bounds the bytes waiting to be written on all connections
	// together. Past it, the connection with the longest backlog is cut.
	MaxQueued int64
	// MaxConnQueued and MaxConnFrames bound one connection's backlog; a
	// client that lets more pile up unread is cut, as a real server would.
	MaxConnQueued int64
	MaxConnFrames int
	// MaxFrame bounds any one frame the server writes, whatever a client
	// asked: a larger one is not sent, and the log says so. It guards
	// against a provider whose answer grows with the request.
	MaxFrame int
}

func (l Limits) withDefaults() Limits {
	DefaultPositive(&l.MaxConns, DefaultMaxConns)
	DefaultPositive(&l.MaxQueued, DefaultMaxQueued)
	DefaultPositive(&l.MaxConnQueued, DefaultMaxConnQueued)
	if l.MaxConnQueued > l.MaxQueued {
		l.MaxConnQueued = l.MaxQueued
	}
	DefaultPositive(&l.MaxConnFrames, DefaultMaxConnFrames)
	DefaultPositive(&l.MaxFrame, DefaultMaxFrame)
	return l
}

// Server is the part of an emulator every provider shares: the listener
// and its lifecycle, the banner, the control API, the scenario runner,
// the connections with their fault injection and memory bounds, the
// counters and the generator pump. A provider builds one with New,
// registers its endpoints with Handle, and usually embeds it so the
// generic controls (Drop, CloseConn, Pause, SetRate, ...) are its own
// methods. All methods are safe for concurrent use.
type Server struct {
	cfg      Config
	mux      *http.ServeMux
	upgrader websocket.Upgrader
	stop     chan struct{}
	bg       sync.WaitGroup

	mu       sync.Mutex
	conns    map[string]*Conn
	connSeq  int
	closed   bool
	httpSrv  *http.Server
	baseURL  string
	addr     net.Addr // what Start bound
	rate     float64
	paused   bool
	faults   []faultEntry
	controls map[string]bool
	started  map[string]chan struct{}

	budgetMu sync.Mutex // one over-budget cut at a time
	queued   atomic.Int64
	delay    atomic.Int64 // frame delay (ns)
	reorder  atomic.Bool
	stats    stats
	logMu    sync.Mutex
}

// New builds a server. Its pump and scenario start at once; Close stops
// them.
func New(cfg Config) *Server {
	cfg.Limits = cfg.Limits.withDefaults()
	s := &Server{
		cfg:      cfg,
		mux:      http.NewServeMux(),
		stop:     make(chan struct{}),
		conns:    map[string]*Conn{},
		controls: map[string]bool{},
		started:  map[string]chan struct{}{},
		upgrader: websocket.Upgrader{
			// An emulator is a local test double; browsers on any origin
			// may use it, as they may use the real service.
			CheckOrigin: func(*http.Request) bool { return true },
		},
	}
	for _, p := range StartPoints {
		s.started[p] = make(chan struct{})
	}
	s.Mark(StartListen)
	rate := cfg.Rate
	if cfg.Scenario != nil && cfg.Scenario.Rate != nil {
		rate = *cfg.Scenario.Rate
	}
	if err := CheckRate(rate); err != nil {
		s.Logf("%v; using %g", err, clampRate(rate))
	}
	s.rate = clampRate(rate)
	s.controlRoutes()
	s.coreFaults()
	s.bg.Add(1)
	go s.pump()
	if cfg.Scenario != nil {
		s.bg.Add(1)
		go s.runScenario(cfg.Scenario)
	}
	return s
}

// Limits are the limits in force (defaults filled in).
func (s *Server) Limits() Limits { return s.cfg.Limits }

// Handle registers a provider endpoint, as http.ServeMux.Handle does.
// Request bodies are limited to MaxBody.
func (s *Server) Handle(pattern string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		h(w, r)
	})
}

// Handler serves everything registered, control API included; it works
// with httptest.NewServer.
func (s *Server) Handler() http.Handler { return s.mux }

// Start listens on addr ("127.0.0.1:0" picks a port; "" means that) and
// serves in the background. It returns the base URL for clients on this
// machine, e.g. "http://127.0.0.1:40123". On an address that is not
// loopback it logs the warning the banner also shows.
func (s *Server) Start(addr string) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	s.mu.Lock()
	started, closed := s.httpSrv != nil, s.closed
	s.mu.Unlock()
	switch {
	case closed:
		return "", ErrClosed
	case started:
		return "", errors.New("emulator: already started at " + s.URL())
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("emulator: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: MaxBody}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return "", ErrClosed
	}
	s.httpSrv = srv
	s.addr = ln.Addr()
	s.baseURL = "http://" + localHost(ln.Addr())
	base := s.baseURL
	s.bg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.bg.Done()
		_ = srv.Serve(ln)
	}()
	if w := s.exposure(); w != "" {
		s.Logf("%s", w)
	}
	return base, nil
}

// localHost is how a client on this machine reaches a bound address: the
// address itself, except that every-interface addresses become loopback.
func localHost(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	if ta.IP == nil || ta.IP.IsUnspecified() {
		return fmt.Sprintf("127.0.0.1:%d", ta.Port)
	}
	return ta.String()
}

// URL is the base URL after Start ("" before).
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// Addr is the address Start bound, as the operating system reports it
// (e.g. "0.0.0.0:40123"); "" before Start.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.addr == nil {
		return ""
	}
	return s.addr.String()
}

// Stopped is closed when Close begins; a provider's background work
// selects on it.
func (s *Server) Stopped() <-chan struct{} { return s.stop }

// Go runs f in the background until Close, which waits for it: f must
// return soon after Stopped is closed.
func (s *Server) Go(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		f()
	}()
}

// Every runs f every d in the background until Close.
func (s *Server) Every(d time.Duration, f func(now time.Time)) {
	s.Go(func() {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case now := <-t.C:
				f(now)
			}
		}
	})
}

// Close stops serving, cuts every connection and stops the pump and the
// scenario. It waits for the server's own goroutines, none of which
// blocks for longer than one pump batch or one write deadline.
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
	for _, c := range s.pick("") {
		c.kill()
	}
	s.bg.Wait()
	return err
}

// Serve starts the server on listen, prints the banner to out and runs
// until ctx ends: the whole of `evtap sim PROVIDER`.
func (s *Server) Serve(ctx context.Context, listen string, out io.Writer) error {
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

// Logf writes one line to Config.Log, prefixed with the time. Callers
// may hold their own locks; lines stay whole when goroutines log at once.
// Never pass a token or text from a client.
func (s *Server) Logf(format string, a ...any) {
	if s.cfg.Log == nil {
		return
	}
	line := time.Now().UTC().Format("15:04:05.000") + " " + fmt.Sprintf(format, a...) + "\n"
	s.logMu.Lock()
	_, _ = io.WriteString(s.cfg.Log, line)
	s.logMu.Unlock()
}

// ErrClosed is returned by Start after Close.
var ErrClosed = errors.New("emulator: server closed")
