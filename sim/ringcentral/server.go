package ringcentral

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

// Server is a RingCentral emulator: the OAuth REST endpoints, the
// WebSocket gateway at /ws, and the control API under ControlPrefix. It
// is built on the shared core (sim/emu), whose methods — Start, URL,
// Close, Drop, CloseConn, Pause, Resume, SetRate, InjectRaw,
// SetFrameDelay, SetReorder, Faults, Fault — are its own. All methods
// are safe for concurrent use.
//
// One mutex (mu) guards the RingCentral state: tokens, sessions and
// connections. Frames are queued on a connection while mu is held, so a
// session's frames always leave in the order they were made.
type Server struct {
	*emu.Server
	cfg  Config
	seed int64
	wsc  *wscCodec
	// ledger records every notification and its fate; nil when
	// Config.LedgerSize is negative.
	ledger *ledger

	mu           sync.Mutex
	ids          *mrand.Rand // session and subscription ids, from the seed
	tokens       map[string]*accessToken
	refresh      map[string]*accessToken
	wsTokens     map[string]*wsToken
	sessions     map[string]*session
	conns        map[*conn]bool
	sessionCount int
	refuseNext   bool
	counters     Counters   // the RingCentral fields only
	push         *pushState // REST subscriptions delivered over PubNub (pushsub.go)
}

// ControlPrefix is the reserved path prefix of the HTTP control API.
const ControlPrefix = emu.ControlPrefix

// New builds an emulator. Its generator and scenario start at once;
// Close stops them.
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:      cfg,
		seed:     emu.Seed(cfg.Seed, cfg.Scenario),
		tokens:   map[string]*accessToken{},
		refresh:  map[string]*accessToken{},
		wsTokens: map[string]*wsToken{},
		sessions: map[string]*session{},
		conns:    map[*conn]bool{},
		ledger:   newLedger(cfg.LedgerSize),
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	s.wsc = newWSCCodec(key)
	s.ids = mrand.New(mrand.NewSource(s.seed))
	s.push = s.newPushState(cfg.PubNub)
	s.Server = emu.New(emu.Config{
		Name:     "RingCentral",
		Rate:     cfg.Rate,
		Generate: s.generateAll,
		Banner:   s.banner,
		Counters: func() any { return s.Counters() },
		Scenario: cfg.Scenario,
		Do:       s.do,
		Log:      cfg.Log,
		Limits:   cfg.Limits,
	})
	s.routes()
	s.controlRoutes()
	s.offerFaults()
	s.pushRoutes()
	s.pushControlRoutes()
	s.offerPushFaults()
	s.Every(expireEvery, func(time.Time) { s.expire() })
	s.Every(checkEvery(cfg.IdleTimeout, cfg.AbsoluteTimeout), s.checkTimeouts)
	return s
}

func (s *Server) routes() {
	s.Handle("POST "+pathToken, s.handleToken)
	s.Handle("POST "+pathRevoke, s.handleRevoke)
	s.Handle("POST "+pathWSToken, s.handleWSToken)
	s.Handle("GET /ws", s.handleWS)
	s.Handle("GET /restapi/v1.0/account/{account}/extension/{extension}", s.handleExtension)
	s.Handle("/", func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "CMN-102", "Resource for parameter [path] is not found: "+r.Method+" "+r.URL.Path+
			" (evtap sim serves "+pathToken+", "+pathRevoke+", "+pathWSToken+", /ws, "+pathSubscription+" (PubNub), /v2/subscribe/..., /time/0 and "+ControlPrefix+"...)")
	})
}

// Seed is the seed in use (the random one when Config.Seed was 0).
func (s *Server) Seed() int64 { return s.seed }

// banner is the RingCentral part of the banner: where the REST base and
// the WebSocket are, and the credentials accepted.
func (s *Server) banner(base string) []string {
	ws := "ws" + strings.TrimPrefix(base, "http") + "/ws"
	return append([]string{
		"  server (RINGCENTRAL_SERVER_URL): " + base,
		"  websocket:                       " + ws + " (token from POST " + pathWSToken + ")",
		"  client id:     " + s.cfg.ClientID,
		"  client secret: " + emu.ShowSecret(s.cfg.ClientSecret, DemoClientSecret),
		"  jwt:           " + emu.ShowSecret(s.cfg.JWT, DemoJWT),
		"  password grant: username " + DemoUsername + ", password " + DemoPassword,
		"  account/extension (~): " + DemoAccountID + "/" + DemoExtensionID,
		fmt.Sprintf("  rate %g/s per subscription (at most %d), seed %d, recovery %s, buffer %d, idle %s, absolute %s, strict tokens %v",
			s.Rate(), emu.MaxRate, s.seed, s.cfg.RecoveryTimeout, s.cfg.BufferSize, s.cfg.IdleTimeout, s.cfg.AbsoluteTimeout, s.cfg.StrictTokens),
	}, s.pushBanner(base)...)
}

// Serve starts an emulator on listen, prints its banner to out and runs
// until ctx ends. It is the whole of `evtap sim ringcentral`.
func Serve(ctx context.Context, cfg Config, listen string, out io.Writer) error {
	return New(cfg).Server.Serve(ctx, listen, out)
}

// logf writes one line to the operator log.
func (s *Server) logf(format string, a ...any) { s.Logf(format, a...) }

// now is the configured clock.
func (s *Server) now() time.Time { return s.cfg.Now() }

// newID draws an id shaped like a UUID from the seeded source. Caller
// holds mu.
func (s *Server) newID() string { return drawUUID(s.ids) }

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
