package session

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/evtap/evtap/protocol"
)

// link is the Provider's view of one connection: created before Prepare,
// given its conn once the connection is open.
type link struct {
	s *Session
	n int
	c atomic.Pointer[conn]

	// While handover is set (a make-before-break rotation opening this
	// connection), its phases are published as rotating and the last
	// one is held, to be published as it is when the handover
	// completes.
	hmu      sync.Mutex
	handover bool
	held     *protocol.State
	live     chan struct{} // closed on the first PhaseLive or Working
	liveOnce sync.Once
}

func newLink(s *Session, n int, handover bool) *link {
	return &link{s: s, n: n, handover: handover, live: make(chan struct{})}
}

func (l *link) Conn() int              { return l.n }
func (l *link) Now() time.Time         { return l.s.now() }
func (l *link) Emit(u protocol.Update) { l.s.publish(l.n, u) }

func (l *link) State(st protocol.State) {
	if st.Phase == protocol.PhaseLive {
		defer l.markLive()
	}
	l.hmu.Lock()
	if l.handover {
		// Publish under hmu so that completeHandover cannot slip the
		// held phase out before this one.
		defer l.hmu.Unlock()
		held := st
		l.held = &held
		st.Cause = rotatingCause(l.n, st)
		st.Phase = protocol.PhaseRotating
		l.s.state(l.n, st)
		return
	}
	l.hmu.Unlock()
	l.s.state(l.n, st)
}

// rotatingCause says what a connection opened for a handover reached.
func rotatingCause(n int, st protocol.State) string {
	s := "connection " + strconv.Itoa(n) + ": " + string(st.Phase)
	if st.Cause != "" {
		s += ": " + st.Cause
	}
	return s
}

// completeHandover ends the rewriting and publishes the held phase.
func (l *link) completeHandover() {
	l.hmu.Lock()
	defer l.hmu.Unlock()
	l.handover = false
	if l.held != nil {
		l.s.state(l.n, *l.held)
		l.held = nil
	}
}

func (l *link) markLive() { l.liveOnce.Do(func() { close(l.live) }) }

func (l *link) Send(data []byte) bool {
	c := l.c.Load()
	return c != nil && c.w.send(data)
}

func (l *link) Fail(cause string) {
	if c := l.c.Load(); c != nil {
		c.kill(cause)
	}
}

func (l *link) Halt(h *HaltError) {
	if c := l.c.Load(); c != nil {
		c.die(ending{cause: h.Cause, err: h})
	}
}

func (l *link) Replace(cause string) {
	if c := l.c.Load(); c != nil {
		c.die(ending{cause: cause, replace: true})
	}
}

func (l *link) Healthy() {
	if c := l.c.Load(); c != nil {
		c.markHealthy()
	}
}

func (l *link) Working() {
	if c := l.c.Load(); c != nil {
		c.markWorking()
		l.markLive()
	}
}

func (l *link) REST(ctx context.Context, r Request) (*Response, error) {
	return l.s.exchange(ctx, l.n, r, l.s.opt.RESTTimeout)
}
