package run

import (
	"context"
	"errors"
	"fmt"
	"runtime/metrics"
	"sync"
	"time"
)

// jqTick is how often the guard looks at the evaluation under way.
const jqTick = 10 * time.Millisecond

// errJQInterrupted ends every evaluation once the run is interrupted.
var errJQInterrupted = errors.New("interrupted")

// jqGuard bounds each line's evaluation in time and memory, and ends
// any evaluation at once when the run's context ends (a signal), so that
// `def f: f; f` or `[range(1e9)]` never hang evtap nor take gigabytes.
//
// gojq checks its context before every instruction, so the guard hands
// each evaluation a context a watchdog closes: every jqTick it looks at
// the evaluation under way, by generation, and fires when it has run
// past its budget or when the heap's objects grew by more than heapMax
// since it first saw it. One context serves line after line until it
// fires, so a line costs two uncontended lock round trips, not a timer.
type jqGuard struct {
	budget          time.Duration
	heapMax         uint64
	errTime, errMem error
	stop            chan struct{}
	done            chan struct{}

	mu     sync.Mutex
	ctx    *lineContext
	active bool
	gen    uint64
	start  time.Time
	seen   uint64 // the generation heap0 was read for
	heap0  uint64
	dead   error // set once the run's context ended: every evaluation fails at once
}

func newJQGuard(parent context.Context, budget time.Duration, heapMax uint64) *jqGuard {
	g := &jqGuard{budget: budget, heapMax: heapMax, stop: make(chan struct{}), done: make(chan struct{}), ctx: newLineContext(),
		errTime: fmt.Errorf("stopped after running %v on this line", budget),
		errMem:  fmt.Errorf("stopped after growing the heap by %d MiB on this line", heapMax>>20)}
	go g.watch(parent)
	return g
}

// begin starts one line's evaluation and returns the context to run it
// under.
func (g *jqGuard) begin() context.Context {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ctx.fired() {
		g.ctx = newLineContext()
		if g.dead != nil {
			g.ctx.fire(g.dead)
		}
	}
	g.active = true
	g.gen++
	g.start = time.Now()
	return g.ctx
}

// end says the line's evaluation is over; the watchdog no longer fires
// for it.
func (g *jqGuard) end() {
	g.mu.Lock()
	g.active = false
	g.mu.Unlock()
}

// close stops the watchdog.
func (g *jqGuard) close() {
	close(g.stop)
	<-g.done
}

func (g *jqGuard) watch(parent context.Context) {
	defer close(g.done)
	t := time.NewTicker(jqTick)
	defer t.Stop()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	for {
		select {
		case <-g.stop:
			return
		case <-parent.Done():
			g.mu.Lock()
			g.dead = errJQInterrupted
			g.ctx.fire(errJQInterrupted)
			g.mu.Unlock()
			return
		case <-t.C:
			g.check(sample)
		}
	}
}

func (g *jqGuard) check(sample []metrics.Sample) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.active {
		return
	}
	if time.Since(g.start) > g.budget {
		g.ctx.fire(g.errTime)
		return
	}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	heap := sample[0].Value.Uint64()
	if g.seen != g.gen {
		g.seen, g.heap0 = g.gen, heap
		return
	}
	if heap > g.heap0+g.heapMax {
		g.ctx.fire(g.errMem)
	}
}

// lineContext is the context an evaluation runs under: never a
// deadline, only the watchdog's close.
type lineContext struct {
	done chan struct{}
	err  error // set before done is closed
}

func newLineContext() *lineContext { return &lineContext{done: make(chan struct{})} }

func (c *lineContext) fire(err error) {
	if !c.fired() {
		c.err = err
		close(c.done)
	}
}

func (c *lineContext) fired() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

func (c *lineContext) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *lineContext) Done() <-chan struct{}       { return c.done }
func (c *lineContext) Value(any) any               { return nil }
func (c *lineContext) Err() error {
	if c.fired() {
		return c.err
	}
	return nil
}
