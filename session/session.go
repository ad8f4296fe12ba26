package session

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
)

// commandQueue is how many commands Do may queue before it refuses.
const commandQueue = 64

// Session is one live session: a Provider driven by the engine. Create it
// with New, start it with Run, steer it with Do.
type Session struct {
	p    Provider
	opt  Options
	cmds chan protocol.Command
	// realClock: Options.Now is time.Now, so the reader can take the
	// time it stamps a frame with as the frame's arrival on the real
	// clock, rather than read the clock again.
	realClock bool

	running atomic.Bool
	ended   atomic.Bool // Run has returned: REST calls are refused
	stopHB  atomic.Bool // keepalives switched off by the operator
	noPong  atomic.Bool // the server's pings go unanswered, by the operator's wish
	httpID  atomic.Int64

	dialer *websocket.Dialer // built by Run from the options
	client *http.Client

	retiring sync.WaitGroup // connections retired by a rotation, still closing

	emitMu  sync.Mutex
	emit    func(protocol.Update) // nil once Run has returned
	dec     protocol.Decoder      // the provider's, run over every Update under emitMu
	cur     protocol.Update       // the Update being decoded, guarded by emitMu
	derived []protocol.Update     // scratch for dec, guarded by emitMu
	start   time.Time
	connN   int // guarded by emitMu: read by links while emitting

	ph Placeholders // from Run's context (WithPlaceholders); nil: Mask
}

// New builds a session for p.
func New(p Provider, opt Options) *Session {
	return &Session{p: p, opt: opt.withDefaults(), realClock: isTimeNow(opt.Now), cmds: make(chan protocol.Command, commandQueue), dec: protocol.WithPings(p.Decoder())}
}

// isTimeNow reports whether now is time.Now itself (or nil, which means
// it): providers pass their own Now on, most often time.Now.
func isTimeNow(now func() time.Time) bool {
	return now == nil || reflect.ValueOf(now).Pointer() == reflect.ValueOf(time.Now).Pointer()
}

// Run runs the session until ctx ends, a close command, a final refusal
// or ErrGaveUp. It returns nil for ctx cancellation and clean closes, a
// *RejectedError for a final refusal, and ErrGaveUp wrapped with the last
// cause. Run may be called once.
func Run(ctx context.Context, s *Session, emit func(protocol.Update)) error {
	return s.Run(ctx, emit)
}

// Controls lists the commands a live session accepts.
func (s *Session) Controls() protocol.Controls {
	return protocol.Controls{
		protocol.CmdDrop: true, protocol.CmdClose: true, protocol.CmdSetFilters: true,
		protocol.CmdSend: true, protocol.CmdStopHeartbeats: true, protocol.CmdStallRead: true, protocol.CmdStopPongs: true,
		protocol.CmdMarker: true, protocol.CmdResume: true,
	}
}

// Do queues a command; it never blocks on the network. The outcome
// arrives as Updates.
func (s *Session) Do(cmd protocol.Command) error {
	if !s.Controls().Has(cmd.Kind) {
		return fmt.Errorf("a live session does not accept %q", cmd.Kind)
	}
	select {
	case s.cmds <- cmd:
		return nil
	default:
		return errors.New("too many commands pending; try again")
	}
}

func (s *Session) now() time.Time { return s.opt.Now() }

// publish fills in the bookkeeping fields, runs the provider's decoder
// over u and hands u, then what the decoder derived from it, to emit.
func (s *Session) publish(conn int, u protocol.Update) { s.publishRaw(conn, u, nil) }

// publishRaw is publish for a frame whose payload bytes are raw. It
// returns the decoder's typed message for the provider's Receive, and
// the time u was stamped with (zero if the session has ended).
//
// It runs for every frame a reader takes in, so it costs as little as it
// can: u is decoded in place in a field of the Session (a pointer to a
// parameter would move every Update to the heap), derived Updates go
// through a scratch slice kept between calls, and the clock is read once.
func (s *Session) publishRaw(conn int, u protocol.Update, raw []byte) (msg any, at time.Time) {
	s.emitMu.Lock()
	defer s.emitMu.Unlock()
	if s.emit == nil {
		return nil, time.Time{}
	}
	if u.Time.IsZero() {
		u.Time = s.now()
	}
	u.Offset = protocol.Offset(u.Time.Sub(s.start))
	if u.Conn == 0 {
		u.Conn = conn
	}
	s.cur = u
	if s.dec != nil {
		s.derived, msg = s.dec.Decode(s.derived[:0], &s.cur, raw)
	}
	s.emit(s.cur)
	s.cur = protocol.Update{} // let the GC have what it held
	for i := range s.derived {
		d := &s.derived[i]
		d.Time, d.Offset, d.Conn = u.Time, u.Offset, u.Conn
		s.emit(*d)
		*d = protocol.Update{}
	}
	return msg, u.Time
}

func (s *Session) state(conn int, st protocol.State) {
	s.publish(conn, protocol.Update{Kind: protocol.KindState, State: &st})
}

func (s *Session) errorUpdate(conn int, where, msg string) {
	s.publish(conn, protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: where, Message: msg}})
}

// nextConn numbers a new connection.
func (s *Session) nextConn() int {
	s.emitMu.Lock()
	defer s.emitMu.Unlock()
	s.connN++
	return s.connN
}

func (s *Session) lastConn() int {
	s.emitMu.Lock()
	defer s.emitMu.Unlock()
	return s.connN
}

// Run is the method form of the package-level Run.
func (s *Session) Run(ctx context.Context, emit func(protocol.Update)) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("session: Run called twice")
	}
	s.ph = placeholdersFrom(ctx) // before anything that publishes starts
	s.emitMu.Lock()
	s.emit, s.start = emit, s.now()
	s.emitMu.Unlock()
	defer func() {
		s.ended.Store(true)
		s.emitMu.Lock()
		s.emit = nil
		s.emitMu.Unlock()
	}()
	var err error
	if s.dialer, s.client, err = s.opt.clients(); err != nil {
		s.state(0, protocol.State{Phase: protocol.PhaseClosed, Cause: err.Error()})
		return err
	}
	f := s.loop(ctx)
	s.retiring.Wait()
	if e, ok := s.p.(Ender); ok {
		ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opt.EndTimeout)
		e.End(ectx, newLink(s, f.conn, false))
		cancel()
	}
	s.state(f.conn, f.st)
	return f.err
}

// finish is how the session ended: Run's error and the final state.
type finish struct {
	err  error
	st   protocol.State
	conn int
}

func stopped(n int) finish {
	return finish{conn: n, st: protocol.State{Phase: protocol.PhaseClosed, Cause: "stopped"}}
}

// outcome is how one connection attempt ended.
type outcome struct {
	err        error         // why it failed or ended
	healthy    bool          // the provider accepted it
	working    bool          // the provider said it was fully working
	healthyFor time.Duration // how long it stayed healthy
	refused    bool          // the server refused the connection itself (upgrade, poll)
	replace    bool          // a planned replacement: prepare again at once
	end        *finish       // the session is over
	// notBefore (real clock) is when a server that answered a rotation's
	// Prepare with a Retry-After allows the next one; zero: no such wish.
	notBefore time.Time
}

func (s *Session) loop(ctx context.Context) finish {
	attempt, failures := 0, 0
	everHealthy := false
	refusals := 0 // consecutive refused connections
	quick := 0    // consecutive immediate replacements of short connections
	var last error
	var notBefore time.Time
	immediate := true
	for {
		var wait time.Duration
		if !immediate {
			wait = s.retryDelay(attempt, last)
		}
		cause := errorText(last)
		if r := time.Until(notBefore); r > wait {
			// A rotation was told to wait, and its connection ended
			// meanwhile: the wait still holds.
			wait = r
			cause += fmt.Sprintf("; the server asked for no new target before %s", notBefore.Format("15:04:05.000"))
		}
		if !immediate || wait > 0 {
			if f := s.backoff(ctx, attempt, cause, wait); f != nil {
				return *f
			}
		}
		n := s.nextConn()
		o := s.attempt(ctx, n, quick < 1)
		if o.end != nil {
			return *o.end
		}
		last, notBefore = o.err, o.notBefore
		var halt *HaltError
		if errors.As(o.err, &halt) {
			if f := s.halted(ctx, n, halt); f != nil {
				return *f
			}
			// The operator asked: a fresh start, not the next retry.
			attempt, failures, refusals, quick, immediate, notBefore = 0, 0, 0, 0, true, time.Time{}
			continue
		}
		if o.replace {
			// Planned: no backoff, no attempt counted, no failure.
			if o.working || o.healthyFor >= s.opt.StableAfter {
				attempt, quick = 0, 0
			} else {
				quick++
			}
			if o.healthy {
				everHealthy, failures = true, 0
			}
			immediate = true
			continue
		}
		quick = 0
		immediate = false
		var rej *RejectedError
		isRej := errors.As(o.err, &rej)
		if isRej && o.refused {
			refusals++
		} else {
			refusals = 0
		}
		// A credential the token endpoint refuses is final at once. A
		// refused connection (upgrade, poll) is retried once with a
		// fresh Prepare (a ws token can expire between issue and dial);
		// refused twice in a row before the session ever worked, it is
		// final too.
		if isRej && !everHealthy && (!o.refused || refusals >= 2) {
			s.state(n, protocol.State{Phase: protocol.PhaseRejected, HTTPStatus: rej.Status, Cause: rej.Error(), Info: headerInfo(rej.Header)})
			cause := "rejected by the server"
			if rej.Local {
				cause = "refused before sending anything, by the server's rules"
			}
			return finish{err: o.err, conn: n, st: protocol.State{Phase: protocol.PhaseClosed, Cause: cause}}
		}
		if o.healthy {
			everHealthy = true
			failures = 0
			// A connection the provider called working (subscribed,
			// recovered) restarts the backoff however short it was; one
			// that only got its greeting must last StableAfter.
			if o.working || o.healthyFor >= s.opt.StableAfter {
				attempt = 0
			}
		} else {
			failures++
			if s.opt.MaxRetries > 0 && failures >= s.opt.MaxRetries {
				cause := fmt.Sprintf("gave up after %d failed attempts: %v", failures, o.err)
				return finish{err: fmt.Errorf("%w after %d attempts: %w", ErrGaveUp, failures, o.err), conn: n,
					st: protocol.State{Phase: protocol.PhaseClosed, Cause: cause}}
			}
		}
		attempt++
	}
}

// retryDelay is the wait before attempt after a failure with err: a
// backoff step, or longer if the server asked (Retry-After).
func (s *Session) retryDelay(attempt int, err error) time.Duration {
	return max(s.opt.Backoff.Delay(attempt), serverWait(err))
}

// serverWait is how long the server asked to be left alone (a
// Retry-After on a 429 or 503, capped at MaxRetryAfter); 0 when it did
// not.
func serverWait(err error) time.Duration {
	var rt *Retryable
	if errors.As(err, &rt) {
		return rt.RetryAfter
	}
	return 0
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// backoff publishes and waits out d before attempt, serving commands
// meanwhile. It returns the session's end, or nil to go on.
func (s *Session) backoff(ctx context.Context, attempt int, cause string, d time.Duration) *finish {
	until := s.now().Add(d)
	st := protocol.State{Phase: protocol.PhaseBackoff, Attempt: attempt, Delay: protocol.Millis(d), Until: until, Cause: cause}
	n := s.lastConn()
	s.state(n, st)
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			f := stopped(n)
			return &f
		case <-t.C:
			return nil
		case cmd := <-s.cmds:
			if cmd.Kind == protocol.CmdResume {
				return nil // the operator does not want to wait
			}
			if s.offline(n, cmd) {
				return &finish{conn: n, st: protocol.State{Phase: protocol.PhaseClosed, Cause: "closed by the operator"}}
			}
		}
	}
}

// halted publishes why the provider halted the session and waits,
// serving commands, until the operator resumes it (resume, or new
// filters for the provider to try) or the session ends. It returns the
// session's end, or nil to prepare again.
func (s *Session) halted(ctx context.Context, n int, h *HaltError) *finish {
	s.state(n, protocol.State{Phase: protocol.PhaseRejected, HTTPStatus: h.Status, Context: h.Context,
		Cause: h.Cause + "; not retrying until the operator resumes (or sets filters)"})
	for {
		select {
		case <-ctx.Done():
			f := stopped(n)
			return &f
		case cmd := <-s.cmds:
			switch cmd.Kind {
			case protocol.CmdResume:
				return nil
			case protocol.CmdSetFilters:
				if err := s.p.SetFilters(nil, cmd.Filters); err != nil {
					s.errorUpdate(n, "command", err.Error())
					continue
				}
				return nil
			}
			if s.offline(n, cmd) {
				return &finish{conn: n, st: protocol.State{Phase: protocol.PhaseClosed, Cause: "closed by the operator"}}
			}
		}
	}
}

// offline executes a command while no connection is open; it reports
// whether the command ends the session.
func (s *Session) offline(n int, cmd protocol.Command) bool {
	switch cmd.Kind {
	case protocol.CmdClose:
		return true
	case protocol.CmdMarker:
		s.marker(n, cmd.Text)
	case protocol.CmdSetFilters:
		if err := s.p.SetFilters(nil, cmd.Filters); err != nil {
			s.errorUpdate(n, "command", err.Error())
		}
	case protocol.CmdStopHeartbeats:
		s.stopHB.Store(cmd.On)
	case protocol.CmdStopPongs:
		s.noPong.Store(cmd.On)
	default:
		s.errorUpdate(n, "command", fmt.Sprintf("%s: not connected", cmd.Kind))
	}
	return false
}

func (s *Session) marker(n int, label string) {
	s.publish(n, protocol.Update{Kind: protocol.KindMarker, Marker: &protocol.Marker{Label: label}})
}
