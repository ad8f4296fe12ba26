package dialpad

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	mrand "math/rand"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/evtap/evtap/sim/emu"
)

// Server is a Dialpad emulator on the emulator core (sim/emu): the REST
// resources under /api/v2, the event socket at /events/<token>, and the
// control API under ControlPrefix. The core gives it its lifecycle
// (Start, URL, Close), the banner, the generic controls (Drop,
// CloseConn, Pause, Resume, SetRate, InjectRaw, frame delay and
// reorder), scenarios, faults and the connections' writers. All methods
// are safe for concurrent use.
//
// One mutex (mu) guards the resources, the connections' scopes and the
// generator. Events are routed and queued on connections while mu is
// held, so every connection sees events in the order they were made.
type Server struct {
	*emu.Server
	cfg    Config
	seed   int64
	key    []byte // signs URL tokens; never leaves the process
	limits *limiter
	ledger *ledger

	mu         sync.Mutex
	ids        *mrand.Rand // websocket and subscription ids, from the seed
	seq        uint64      // creation order of websockets and subscriptions
	websockets map[int64]*websocketEnt
	subs       map[int64]*subscription
	conns      map[string]*conn
	gen        *generator
	refuseNext int
	lastStamp  int64 // the last event_timestamp handed out, Unix ms
	stats      stats
}

// New builds an emulator; its generator starts at once. Close stops it.
// Check a Config built from user input with Validate first: New takes
// the default for any value Validate would refuse.
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:        cfg,
		seed:       emu.Seed(cfg.Seed, cfg.Scenario),
		limits:     newLimiter(),
		ledger:     newLedger(cfg.LedgerSize),
		websockets: map[int64]*websocketEnt{},
		subs:       map[int64]*subscription{},
		conns:      map[string]*conn{},
	}
	s.key = make([]byte, 32)
	_, _ = rand.Read(s.key)
	// Separate streams, so that REST traffic does not change the events
	// a seed generates.
	s.ids = mrand.New(mrand.NewSource(s.seed ^ 0x5eed1d5))
	s.gen = newGenerator(s.seed)
	s.Server = emu.New(emu.Config{
		Name:     "Dialpad",
		Rate:     cfg.Rate,
		Generate: s.generate,
		Banner:   s.banner,
		Counters: func() any { return s.Counters() },
		Scenario: cfg.Scenario,
		Do:       s.do,
		Log:      cfg.Log,
		Limits:   cfg.Limits,
	})
	s.Handle(apiPrefix, s.serveAPI)
	s.Handle("GET /events/{token}", s.handleEvents)
	s.controlRoutes()
	s.faults()
	s.Handle("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, notFound("no such resource: %s %s (evtap's Dialpad emulator serves %s..., /events/<token> and %s...)",
			r.Method, r.URL.Path, apiPrefix, ControlPrefix))
	})
	s.Every(expiryInterval, func(_ time.Time) { s.expire() })
	return s
}

// Seed is the seed in use (the random one when Config.Seed was 0).
func (s *Server) Seed() int64 { return s.seed }

// APIKey is the key the emulator accepts.
func (s *Server) APIKey() string { return s.cfg.APIKey }

// banner is the emulator's part of the banner: where the REST API and
// the socket are, the key, and the settings a client must plan around.
func (s *Server) banner(base string) []string {
	ws := "ws" + strings.TrimPrefix(base, "http")
	return []string{
		fmt.Sprintf("  server (--server, python base_url): %s (REST under %s)", base, strings.TrimSuffix(apiPrefix, "/")),
		fmt.Sprintf("  event socket: %s/events/<token> (websocket_url from POST or GET %swebsockets)", ws, apiPrefix),
		fmt.Sprintf("  ledger:       GET %s%sledger (every event made and where it went)", base, ControlPrefix),
		fmt.Sprintf("  api key:      %s", emu.ShowSecret(s.cfg.APIKey, DemoAPIKey)),
		fmt.Sprintf("  token lifetime %s, closed at %s (%s), refused with %d; rate %g events/s, seed %d; rate limits %d/%s create, %d/%s other",
			s.cfg.TokenLifetime, closeAtWords(s.cfg.CloseAt), s.cfg.ExpiryClose, s.cfg.RefuseStatus, s.Rate(), s.seed,
			s.cfg.CreateRateLimit, s.cfg.RateWindow, s.cfg.RateLimit, s.cfg.RateWindow),
	}
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
	return New(cfg).Server.Serve(ctx, listen, out)
}

// logf writes one line to the operator log. Never pass a key, a token, a
// secret or text from a client.
func (s *Server) logf(format string, a ...any) { s.Logf(format, a...) }

// now is the configured clock.
func (s *Server) now() time.Time { return s.cfg.Now() }

// Ids are 16 digits, like Dialpad's, and below 2^53 like every
// documented one (5071678191976448, 6491633571610624, …): events carry
// them as JSON numbers, which a JavaScript client (Dialpad's own sample
// parses with JSON.parse) holds exactly only below 2^53.
const (
	idMin  int64 = 1e15
	idSpan int64 = 1<<53 - idMin
)

// newID draws an id from the seeded source. Caller holds mu.
func (s *Server) newID() int64 {
	for {
		id := idMin + s.ids.Int63n(idSpan)
		if s.websockets[id] == nil && s.subs[id] == nil {
			return id
		}
	}
}
