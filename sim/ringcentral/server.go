package ringcentral

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// Server is a RingCentral emulator: the OAuth REST endpoints, the
// WebSocket gateway at /ws, and the control API under ControlPrefix.
// All methods are safe for concurrent use.
type Server struct {
	cfg Config
}

// New builds an emulator. Its generator and scenario start at once;
// Close stops them.
func New(cfg Config) *Server {
	return &Server{cfg: cfg.withDefaults()}
}

// Handler serves the REST endpoints, /ws and the control API; it works
// with httptest.NewServer (the ws uri handed out follows the request's
// Host).
func (s *Server) Handler() http.Handler { return http.NotFoundHandler() }

// Start listens on addr ("127.0.0.1:0" picks a port) and serves in the
// background. It returns the base URL, e.g. "http://127.0.0.1:40123".
func (s *Server) Start(addr string) (string, error) { return "", errors.New("TODO") }

// URL is the base URL after Start ("" before).
func (s *Server) URL() string { return "" }

// Close stops serving, closes every connection and stops generation.
func (s *Server) Close() error { return nil }

// Banner is what `evtap sim ringcentral` prints: where the REST base,
// the WebSocket and the control API are, and the credentials accepted.
func (s *Server) Banner() string { return "" }

// Seed is the seed in use (the random one when Config.Seed was 0).
func (s *Server) Seed() int64 { return s.cfg.Seed }

// Serve starts an emulator on listen, prints its banner to out and runs
// until ctx ends. It is the whole of `evtap sim ringcentral`.
func Serve(ctx context.Context, cfg Config, listen string, out io.Writer) error {
	return errors.New("TODO")
}

// Drop cuts connection connID ("" = all) without a close handshake, as a
// network failure would. It returns how many connections it cut.
func (s *Server) Drop(connID string) int { return 0 }

// CloseConn closes connection connID ("" = all) cleanly with the given
// close code and reason. It returns how many it closed.
func (s *Server) CloseConn(connID string, code int, reason string) int { return 0 }

// Forget discards session sessionID ("" = all) and cuts its connection:
// a later recovery with its wsc token fails (WSG-1005) and its
// subscription is gone. It returns how many sessions it discarded.
func (s *Server) Forget(sessionID string) int { return 0 }

// Pause stops generated notifications; Resume restarts them.
func (s *Server) Pause() {}

// Resume restarts generated notifications after Pause.
func (s *Server) Resume() {}

// SetRate sets notifications per second per subscription (0 = none).
func (s *Server) SetRate(perSec float64) {}

// Generate makes count notifications of kind (sms, voicemail,
// message-store, presence, telephony; "" = any the filters allow) for
// session sessionID ("" = every session with a subscription whose
// filters include that kind). It returns how many it generated.
func (s *Server) Generate(sessionID, kind string, count int) (int, error) {
	return 0, errors.New("TODO")
}

// Inject delivers n as a ServerNotification to session sessionID ("" =
// every session with a subscription), whatever the filters. It returns
// how many sessions got it.
func (s *Server) Inject(sessionID string, n Injection) (int, error) { return 0, errors.New("TODO") }

// InjectRaw writes frame verbatim as a text frame on connection connID
// ("" = all), even if it is not valid JSON. It returns how many
// connections it was queued on.
func (s *Server) InjectRaw(connID string, frame []byte) int { return 0 }

// RefuseNextToken makes the next token or wstoken request fail with a
// provider-style error (HTTP 503, CMN-211).
func (s *Server) RefuseNextToken() {}

// SetFrameDelay delays every frame written by d (0 = none).
func (s *Server) SetFrameDelay(d time.Duration) {}

// SetReorder swaps adjacent queued notifications while on.
func (s *Server) SetReorder(on bool) {}

// Counters returns a snapshot of what the emulator has done.
func (s *Server) Counters() Counters { return Counters{} }
