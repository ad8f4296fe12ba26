package voipbin

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/evtap/evtap/sim/emu"
)

// Paths of the API the emulator serves.
const (
	PathLogin        = "/auth/login"
	PathWS           = "/v1.0/ws"
	PathServiceAgent = "/v1.0/service_agents/ws"
	// ControlPrefix is the reserved path prefix of the control API.
	ControlPrefix = emu.ControlPrefix
)

// Server is a VoIPBin emulator: POST /auth/login, the topic WebSocket at
// /v1.0/ws and /v1.0/service_agents/ws, and the control API under
// ControlPrefix. It is built on the shared core (sim/emu), whose methods
// — Start, URL, Close, Drop, CloseConn, Pause, Resume, SetRate,
// InjectRaw, SetFrameDelay, SetReorder, Faults, Fault — are its own. All
// methods are safe for concurrent use.
//
// One mutex (mu) guards the VoIPBin state: the connections and their
// topics, the generator and the switches. Events are published while mu
// is held, so every connection receives them in the order they were
// made.
type Server struct {
	*emu.Server
	cfg      Config
	seed     int64
	customer uuid
	agents   map[string]*demoAgent // by username

	mu          sync.Mutex
	ids         *rand.Rand // request ids; not the generator's source
	gen         *generator
	conns       []*conn // open connections, in the order they opened
	wrapped     bool
	refuseLogin bool
	counters    Counters // the VoIPBin fields only
}

// demoAgent is an agent that can log in.
type demoAgent struct {
	claim agentClaim
}

// New builds an emulator. Its generator (which makes events only while a
// client is connected) and scenario start at once; Close stops them.
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:      cfg,
		seed:     emu.Seed(cfg.Seed, cfg.Scenario),
		customer: mustUUID(DemoCustomerID),
		wrapped:  cfg.Wrapped,
	}
	s.ids = rand.New(rand.NewPCG(uint64(s.seed), 1))
	s.gen = newGenerator(s.seed, s.customer)
	s.agents = map[string]*demoAgent{}
	for _, a := range s.gen.agents[:2] {
		s.agents[a.Username] = &demoAgent{claim: agentClaim{agent: a.agent, DirectHash: a.DirectHash, lifetime: a.lifetime}}
	}
	if cfg.Username != DemoUsername {
		a := s.agents[DemoUsername]
		delete(s.agents, DemoUsername)
		a.claim.Username = cfg.Username
		s.agents[cfg.Username] = a
	}
	s.Server = emu.New(emu.Config{
		Name:     "VoIPBin",
		Rate:     cfg.Rate,
		Generate: s.generateN,
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
	return s
}

func (s *Server) routes() {
	s.Handle("POST "+PathLogin, s.handleLogin)
	s.Handle("GET "+PathWS, s.handleWS)
	s.Handle("GET "+PathServiceAgent, s.handleWS)
	s.Handle("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "404 page not found (evtap sim voipbin serves POST "+PathLogin+", GET "+PathWS+", GET "+
			PathServiceAgent+" and "+ControlPrefix+"...)", http.StatusNotFound)
	})
}

// Seed is the seed in use (the random one when Config.Seed was 0).
func (s *Server) Seed() int64 { return s.seed }

// AdminToken is a token for the admin agent, as login would return it.
func (s *Server) AdminToken() string {
	return s.agentToken(s.agents[s.cfg.Username].claim, s.now().Add(s.cfg.TokenTTL))
}

// AgentToken is a token for the plain demo agent (CustomerAgent).
func (s *Server) AgentToken() string {
	return s.agentToken(s.agents[DemoAgentUsername].claim, s.now().Add(s.cfg.TokenTTL))
}

// banner is the VoIPBin part of the banner: where login and the socket
// are, the identities and credentials, and the topics to try.
func (s *Server) banner(base string) []string {
	ws := "ws" + strings.TrimPrefix(base, "http") + PathWS
	admin := s.agents[s.cfg.Username].claim
	lines := []string{
		"  server (VOIPBIN_SERVER_URL): " + base,
		"  login:        POST " + base + PathLogin + ` {"username","password"}`,
		"  websocket:    " + ws + "?token=JWT  (or ?accesskey=KEY; also " + PathServiceAgent + ")",
		"  customer:     " + DemoCustomerID,
		fmt.Sprintf("  admin agent:  %s (CustomerAdmin 0x20) username %s password %s", admin.ID, s.cfg.Username, emu.ShowSecret(s.cfg.Password, DemoPassword)),
		fmt.Sprintf("  plain agent:  %s (CustomerAgent 0x10) username %s, same password", DemoAgentID, DemoAgentUsername),
		fmt.Sprintf("  access key:   %s (CustomerAdmin, no agent id)", emu.ShowSecret(s.cfg.AccessKey, DemoAccessKey)),
		fmt.Sprintf("  signing key:  %s (HS256; expire claim %q)", emu.ShowSecret(s.cfg.SigningKey, DemoSigningKey), expireLayout),
	}
	if s.cfg.Password == DemoPassword && s.cfg.SigningKey == DemoSigningKey {
		lines = append(lines, "  admin token:  "+s.AdminToken(), "  agent token:  "+s.AgentToken())
	}
	key := "KEY"
	if s.cfg.AccessKey == DemoAccessKey {
		key = DemoAccessKey
	}
	s.mu.Lock()
	wrapped := s.wrapped
	s.mu.Unlock()
	shape := "unwrapped (bare resource)"
	if wrapped {
		shape = `wrapped {"type","data"}`
	}
	return append(lines,
		"  try:          wscat -c '"+ws+"?accesskey="+key+"'",
		`                > {"type":"subscribe","topics":["customer_id:`+DemoCustomerID+`:call"]}`,
		fmt.Sprintf("  rate %g events/s (at most %d), seed %d, frames %s, buffer %d, ping %s, pong timeout %s",
			s.Rate(), emu.MaxRate, s.seed, shape, s.cfg.BufferSize, orNever(s.cfg.PingInterval), orNever(s.cfg.PongTimeout)),
	)
}

// orNever words a timing that is switched off (negative in Config).
func orNever(d time.Duration) string {
	if d <= 0 {
		return "never"
	}
	return d.String()
}

// Serve starts an emulator on listen, prints its banner to out and runs
// until ctx ends. It is the whole of `evtap sim voipbin`.
func Serve(ctx context.Context, cfg Config, listen string, out io.Writer) error {
	return New(cfg).Server.Serve(ctx, listen, out)
}

// logf writes one line to the operator log.
func (s *Server) logf(format string, a ...any) { s.Logf(format, a...) }

// now is the configured clock.
func (s *Server) now() time.Time { return s.cfg.Now() }
