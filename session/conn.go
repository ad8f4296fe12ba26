package session

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// wire is a transport's half of one connection: it owns the socket or
// the request loop and its goroutines (registered in conn.wg).
type wire interface {
	// start launches the goroutines; Opened has already run.
	start()
	// send queues a data frame; false if closing or impossible.
	send(data []byte) bool
	// close begins a clean close; the connection dies when it is done.
	close(code int, text string)
	// cut ends everything at once (the socket closed, the request
	// cancelled). It is called once, by die.
	cut()
	// keepalive is told that stop_heartbeats changed.
	keepalive()
}

// conn is one connection of a session, whatever its transport: what the
// engine watches (how it ended, whether the provider said it works) and
// what the commands act on.
type conn struct {
	s    *Session
	n    int
	t    Target
	link *link
	w    wire

	rotateAt time.Time // when its planned rotation starts; zero: none

	dead     chan struct{} // closed when the connection is finished
	deadOnce sync.Once
	end      ending // written once, before dead closes

	closing atomic.Bool  // the client began a clean close
	frames  atomic.Int64 // frames (long-poll answers) read so far

	smu      sync.Mutex
	stall    time.Duration // a stall_read not yet begun
	stallAt  int64         // it begins once a frame numbered above this is read
	stalling atomic.Bool   // stall is set: the reader takes smu only then

	healthyAt   atomic.Int64 // unix nanos, real clock
	working     chan struct{}
	workingOnce sync.Once
	workTimer   atomic.Pointer[time.Timer]

	wg sync.WaitGroup
}

// ending is how a connection ended.
type ending struct {
	cause    string
	code     int    // close code of a close frame, when there was one
	reason   string // the close frame's reason, as sent
	byServer bool   // the server closed it with a close frame
	replace  bool   // the provider replaces it on purpose (Link.Replace)
	err      error  // a typed error for the loop (a refused poll); nil: the cause
}

func newConn(s *Session, l *link, t Target) *conn {
	return &conn{s: s, n: l.n, t: t, link: l, dead: make(chan struct{}), working: make(chan struct{})}
}

// die records the first ending and releases everything waiting on dead.
func (c *conn) die(e ending) {
	c.deadOnce.Do(func() {
		c.end = e
		if t := c.workTimer.Load(); t != nil {
			t.Stop()
		}
		close(c.dead)
		if c.w != nil {
			c.w.cut()
		}
	})
}

// kill ends the connection with no close handshake, as a network failure
// would.
func (c *conn) kill(cause string) { c.die(ending{cause: cause}) }

func (c *conn) isDead() bool {
	select {
	case <-c.dead:
		return true
	default:
		return false
	}
}

// closeClean starts a clean close.
func (c *conn) closeClean(code int, text string) {
	if c.isDead() {
		return
	}
	c.closing.Store(true)
	c.w.close(code, text)
}

// stallRead asks the reader to stop for d once it has read the frame it
// is waiting for now (or, between frames, the next one): a read in
// progress cannot be interrupted without killing the connection.
func (c *conn) stallRead(d time.Duration) {
	c.smu.Lock()
	c.stall, c.stallAt = d, c.frames.Load()
	c.stalling.Store(d > 0)
	c.smu.Unlock()
}

// pause waits out a stall that is due, unless the connection dies, and
// reports whether it waited. Between stall_read commands it costs the
// reader one atomic load per frame.
func (c *conn) pause() bool {
	if !c.stalling.Load() {
		return false
	}
	c.smu.Lock()
	d := time.Duration(0)
	if c.stall > 0 && c.frames.Load() > c.stallAt {
		d, c.stall = c.stall, 0
		c.stalling.Store(false)
	}
	c.smu.Unlock()
	if d <= 0 {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-c.dead:
	}
	return true
}

// wait returns once the wire's goroutines have exited.
func (c *conn) wait() { c.wg.Wait() }

func (c *conn) markHealthy() { c.healthyAt.CompareAndSwap(0, time.Now().UnixNano()) }

func (c *conn) markWorking() {
	c.markHealthy()
	c.workingOnce.Do(func() { close(c.working) })
}

func (c *conn) isWorking() bool {
	select {
	case <-c.working:
		return true
	default:
		return false
	}
}

// watchWorking ends the connection if it is not working in time
// (Target.WorkingTimeout): a subscription the server never answers must
// not leave an unattended session receiving nothing for ever.
func (c *conn) watchWorking() {
	d := c.t.WorkingTimeout
	if d <= 0 {
		return
	}
	c.workTimer.Store(time.AfterFunc(d, func() {
		if !c.isWorking() {
			c.kill(fmt.Sprintf("not working %s after opening (no subscription or recovery confirmed): reconnecting", d))
		}
	}))
}

// outcome reports how the connection went, for the loop.
func (c *conn) outcome() outcome {
	o := outcome{err: c.end.err, working: c.isWorking()}
	if o.err == nil {
		o.err = fmt.Errorf("%s", c.end.cause)
	}
	if h := c.healthyAt.Load(); h != 0 {
		o.healthy = true
		o.healthyFor = time.Since(time.Unix(0, h))
	}
	return o
}
